"""View.lookup_columns: the columnar batch answers what lookup_token
answers, position by position, from any uint32 buffer or iterable."""

from __future__ import annotations

import array
import random
from pathlib import Path

import pytest

import libsourcemap
from libsourcemap import View
from libsourcemap.batch import NOT_FOUND

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bundlers"


def _positions(view: View, n: int, seed: int) -> "tuple[list[int], list[int]]":
    rng = random.Random(seed)
    toks = [(t.dst_line, t.dst_col) for t in view]
    lines, cols = [], []
    for _ in range(n):
        line, col = rng.choice(toks)
        lines.append(line + rng.choice([0, 0, 0, 1]))
        cols.append(max(0, col + rng.randint(-2, 3)))
    return lines, cols


@pytest.mark.parametrize("rule", ["greatest_lower_bound", "same_line", "least_upper_bound"])
@pytest.mark.parametrize("name", ["esbuild/app.min.js.map", "terser/app.es.min.js.map",
                                  "index-map/combined.js.map"])
def test_columns_equal_single_lookups(name: str, rule: str) -> None:
    view = View.from_path(FIXTURES / name, allow_index=True)
    lines, cols = _positions(view, 3000, 426)
    got = view.lookup_columns(array.array("I", lines), array.array("I", cols), rule=rule)
    assert len(got) == 3000
    found = 0
    for i, (line, col) in enumerate(zip(lines, cols)):
        tok = view.lookup_token(line, col, rule=rule)
        row = (got.dst_line[i], got.dst_col[i], got.src_line[i], got.src_col[i],
               got.src_id[i], got.name_id[i])
        if tok is None:
            assert row == (NOT_FOUND,) * 6
            continue
        found += 1
        name_id = NOT_FOUND if tok.name is None else view.names.index(tok.name)
        assert row[:5] == (tok.dst_line, tok.dst_col, tok.src_line, tok.src_col, tok.src_id)
        assert tok.name is None or view.names[row[5]] == tok.name
        assert (row[5] == NOT_FOUND) == (name_id == NOT_FOUND)
    assert got.found == found > 0


def test_inputs_of_every_kind_agree() -> None:
    view = View.from_path(FIXTURES / "esbuild/app.min.js.map")
    lines, cols = _positions(view, 200, 1)
    want = view.lookup_columns(lines, cols)
    la, ca = array.array("I", lines), array.array("I", cols)
    for lines_in, cols_in in [
        (la, ca),
        (memoryview(la), memoryview(ca)),
        (memoryview(la.tobytes()).cast("I"), memoryview(ca.tobytes()).cast("I")),
        (tuple(lines), iter(cols)),
        (array.array("q", lines), array.array("H", cols)),  # converted, not used in place
    ]:
        got = view.lookup_columns(lines_in, cols_in)
        for field in ("dst_line", "dst_col", "src_line", "src_col", "src_id", "name_id"):
            assert getattr(got, field) == getattr(want, field)
            assert memoryview(getattr(got, field)).format in ("I", "L")
        assert got.found == want.found


def test_empty_and_bad_inputs() -> None:
    view = View.from_path(FIXTURES / "esbuild/app.min.js.map")
    empty = view.lookup_columns([], [])
    assert len(empty) == 0 and empty.found == 0
    with pytest.raises(ValueError, match="differ in length"):
        view.lookup_columns([1, 2], [3])
    with pytest.raises(ValueError, match="lines must be in"):
        view.lookup_columns([-1], [0])
    with pytest.raises(ValueError, match="cols must be in"):
        view.lookup_columns([0], [2**32])
    with pytest.raises(TypeError):
        view.lookup_columns("12", "34")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        view.lookup_columns([0], [0], rule="nowhere")  # type: ignore[arg-type]
    view.close()
    with pytest.raises(libsourcemap.ClosedViewError):
        view.lookup_columns([0], [0])
