"""The module symbolication lived in before it became the
:mod:`libsourcemap.symbolication` package (and the JavaScript helpers
:mod:`libsourcemap.js`); kept so that imports from it go on working."""

from .js import (
    Namer as _Namer,
    Scope,
    Scopes,
    debug_id,
    decode_data_url,
    get_original_function_name,
    normalize_debug_id,
    source_mapping_url,
)
from .symbolication.artifacts import MAX_GENERATED_BYTES, Artifacts, MapRef, url_path_parts
from .symbolication.results import ERRORS, Step, SymbolicatedFrame, SymbolicatedTrace
from .symbolication.symbolicator import Symbolicator

__all__ = [
    "ERRORS",
    "Artifacts",
    "MapRef",
    "Step",
    "SymbolicatedFrame",
    "SymbolicatedTrace",
    "Symbolicator",
    "Scopes",
    "source_mapping_url",
    "debug_id",
    "decode_data_url",
    "get_original_function_name",
    "normalize_debug_id",
]
