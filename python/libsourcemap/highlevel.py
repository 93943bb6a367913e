"""libsourcemap 0.8-era module name of the views, kept so that ``from
libsourcemap.highlevel import ...`` goes on working. The classes live in
:mod:`libsourcemap.view`."""

from .view import Index, LookupRule, Token, View, from_json

__all__ = ["Token", "LookupRule", "View", "Index", "from_json"]
