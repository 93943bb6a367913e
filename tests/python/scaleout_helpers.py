"""Helpers the scale-out tests send to worker processes: they must be
importable there by name, so they live outside the test module."""

from __future__ import annotations

import os
from typing import Any, Tuple


def die_once(marker: str, text: str) -> str:
    """Unpickled in a worker: the first time (no `marker` file yet) the
    process dies at once, as a killed worker does; later, the trace text."""
    if not os.path.exists(marker):
        with open(marker, "w"):
            pass
        os._exit(70)
    return text


class KillsWorkerOnce(str):
    """A trace whose unpickling kills the first worker that tries it."""

    marker = ""

    def __new__(cls, text: str, marker: str) -> "KillsWorkerOnce":
        obj = super().__new__(cls, text)
        obj.marker = marker
        return obj

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return (die_once, (self.marker, str(self)))


class KillsWorkerAlways(str):
    """A trace whose unpickling kills every worker that tries it."""

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return (os._exit, (71,))


def sleep_once(marker: str, text: str, seconds: float) -> str:
    """Unpickled in a worker: the first time (no `marker` file yet) the
    worker hangs for `seconds` before answering, as a worker the cluster
    never reports lost does; later, the trace text at once."""
    if not os.path.exists(marker):
        with open(marker, "w"):
            pass
        import time

        time.sleep(seconds)
    return text


class HangsWorkerOnce(str):
    """A trace whose unpickling holds the first worker that tries it."""

    marker = ""
    seconds = 0.0

    def __new__(cls, text: str, marker: str, seconds: float) -> "HangsWorkerOnce":
        obj = super().__new__(cls, text)
        obj.marker = marker
        obj.seconds = seconds
        return obj

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return (sleep_once, (self.marker, str(self), self.seconds))
