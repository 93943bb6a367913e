"""The part of `View` that reads a parsed view through the modules of
layer 4b: reverse lookups of a whole line, ECMA-426 scopes, writing the
view as JSON, and the top-level fields it keeps. `View` (view.py) adds
making views and the lookups that need its per-thread cursors."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from . import encode as _encode
from . import extras as _extras
from . import reverse as _reverse
from . import scopes as _scopes
from ._convert import LookupRule, RuleArg, Token
from ._view_base import ViewBase


class ViewReaders(ViewBase):
    __slots__ = ()

    def all_generated_positions_for(
        self,
        source: Union[int, str],
        line: int,
        col: Optional[int] = None,
        *,
        rule: RuleArg = LookupRule.LEAST_UPPER_BOUND,
    ) -> List[Token]:
        """Every token mapped to original (`line`, `col`) in `source` (the
        whole line when `col` is None): trace-mapping's
        ``allGeneratedPositionsFor``, 0-based. See
        :func:`libsourcemap.reverse.all_generated_positions_for`."""
        return _reverse.all_positions(self, source, line, col, rule)

    # ---------------------------------------------------- ECMA-426 scopes

    @property
    def original_scopes(self) -> List[List[_scopes.OriginalScope]]:
        """The top-level original scopes of each source (scope trees). See
        :mod:`libsourcemap.scopes`."""
        return _scopes.original_scopes(self)

    @property
    def generated_ranges(self) -> List[_scopes.GeneratedRange]:
        """The top-level generated ranges (range trees). See
        :mod:`libsourcemap.scopes`."""
        return _scopes.generated_ranges(self)

    @property
    def scopes_warning(self) -> Optional[_scopes.ScopesWarning]:
        """Why scope data was dropped at load, or None."""
        return _scopes.scopes_warning(self)

    def scope_frames(self, line: int, col: int) -> List[_scopes.ScopeFrame]:
        """The original frames generated (`line`, `col`) stands for,
        innermost first, from the scopes. See
        :func:`libsourcemap.scopes.scope_frames`."""
        return _scopes.scope_frames(self, line, col)

    def to_json(self, *, with_contents: bool = True) -> bytes:
        """This view as an ECMA-426 source map (UTF-8 JSON) that reads back
        the same; an index map is written flattened. See
        :func:`libsourcemap.encode.to_json`."""
        return _encode.to_json(self, with_contents=with_contents)

    @property
    def extra_fields(self) -> Dict[str, Any]:
        """Top-level fields kept uninterpreted (unknown, ``x_*``), name ->
        parsed value; see :func:`libsourcemap.extras.extra_fields`."""
        return _extras.extra_fields(self)

    @property
    def extra_fields_raw(self) -> Dict[str, str]:
        """As :attr:`extra_fields`, each value its JSON text as written."""
        return _extras.extra_fields(self, raw=True)
