"""What every subcommand of the ``libsourcemap`` command shares: exit
statuses, usage errors, JSON output and opening a map or cache file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from .view import View

EXIT_OK = 0
EXIT_NEGATIVE = 1
EXIT_USAGE = 2


class _Usage(Exception):
    """A usage error: printed, exit status 2."""


def _print_json(obj: Any, out: TextIO) -> None:
    json.dump(obj, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _load_view(path: str) -> View:
    """A source map or a cache file, whichever the file holds."""
    p = Path(path)
    if not p.is_file():
        raise _Usage("no such file: %s" % path)
    return View.open(p)
