"""ProguardView against the answers of the real libsourcemap 0.8.2.

tests/fixtures/proguard/answers-0.8.2.json holds what 0.8.2 answered for
every class, method and line around every range of each fixture (recorded
by proguard_082.py), on the file as it is and on the file "normalized" to
what 0.8.2 could read whole (see proguard_082.normalize). We must answer
exactly as 0.8.2 did on the normalized file, whether we read the raw file
or the normalized one: that is, the same answers as 0.8.2 wherever 0.8.2
understood a line, and for the lines it skipped (R8's original-line
suffixes, CRLF, a byte order mark) the answers it gave for their plain
form. docs/compatibility.md (ProGuard) lists the differences.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest

from libsourcemap import ProguardView, SourceMapError
from libsourcemap.exceptions import (
    ClosedViewError,
    ProguardError,
    ProguardSyntaxError,
    SourceMapIOError,
    TooLargeError,
)
from proguard_082 import ANSWERS, FIXTURES, fixture_files, normalize

RECORDED: Dict[str, Any] = json.loads(ANSWERS.read_text(encoding="utf-8"))["files"]

# Inputs we reject (0.8.2 read them as mappings without the bad lines, or
# with no classes at all): the error class, its code name and message.
REJECTED = {
    "hostile/empty.txt": ("LSM_ERR_PROGUARD_NO_CLASSES", "empty ProGuard mapping", None),
    "hostile/only-comments.txt": (
        "LSM_ERR_PROGUARD_NO_CLASSES",
        "no class line in ProGuard mapping",
        None,
    ),
    "hostile/not-a-mapping.txt": (
        "LSM_ERR_PROGUARD_NO_CLASSES",
        "no class line in ProGuard mapping",
        None,
    ),
    "hostile/invalid-utf8.txt": ("LSM_ERR_PROGUARD_UTF8", "line 3: invalid UTF-8", 2),
    "hostile/overlong-utf8.txt": ("LSM_ERR_PROGUARD_UTF8", "line 2: invalid UTF-8", 1),
    "hostile/huge-start.txt": (
        "LSM_ERR_PROGUARD_NUMBER",
        "line 3: line number beyond 32 bits",
        2,
    ),
    "hostile/huge-original.txt": (
        "LSM_ERR_PROGUARD_NUMBER",
        "line 2: line number beyond 32 bits",
        1,
    ),
}

ALL = [str(p.relative_to(FIXTURES)) for p in fixture_files()]
ACCEPTED = [name for name in ALL if name not in REJECTED]


def test_every_fixture_was_recorded() -> None:
    assert sorted(RECORDED) == sorted(ALL)
    assert set(REJECTED) <= set(ALL)
    # The real ProGuard output is among them.
    assert {"mapping-optimized.txt", "mapping-plain.txt", "mapping-nolines.txt"} <= set(ALL)


def _answers(view: ProguardView, cases: List[List[Any]]) -> List[str]:
    return [view.lookup(path, line) for path, line, _, _ in cases]


@pytest.mark.parametrize("name", ACCEPTED)
def test_raw_file_answers_as_082_on_its_plain_form(name: str) -> None:
    rec = RECORDED[name]
    view = ProguardView.from_bytes((FIXTURES / name).read_bytes())
    assert view.has_line_info is rec["has_line_info"][1]
    want = [c[3] for c in rec["cases"]]
    assert _answers(view, rec["cases"]) == want


@pytest.mark.parametrize("name", ACCEPTED)
def test_normalized_file_answers_as_082(name: str) -> None:
    rec = RECORDED[name]
    view = ProguardView.from_bytes(normalize((FIXTURES / name).read_bytes()))
    assert view.has_line_info is rec["has_line_info"][1]
    assert _answers(view, rec["cases"]) == [c[3] for c in rec["cases"]]


@pytest.mark.parametrize("name", ACCEPTED)
def test_same_as_082_wherever_it_read_the_line(name: str) -> None:
    # Implied by the test above, but stated as the guarantee it is: where
    # 0.8.2's answer on the raw file is the one on the plain form, ours is
    # that too.
    rec = RECORDED[name]
    view = ProguardView.from_path(FIXTURES / name)
    cases = [c for c in rec["cases"] if c[2] == c[3]]
    assert cases
    assert _answers(view, cases) == [c[2] for c in cases]


def test_the_fixtures_exercise_what_082_skipped() -> None:
    # Where 0.8.2 read a raw file differently from its plain form, we follow
    # the plain form: make sure such cases exist, so the tests above show it.
    differing = {
        name
        for name in ACCEPTED
        if any(c[2] != c[3] for c in RECORDED[name]["cases"])
    }
    assert {"mapping-optimized.txt", "hostile/crlf.txt", "hostile/bom.txt",
            "hostile/inlined.txt"} <= differing


@pytest.mark.parametrize("name", ["mapping-optimized.txt", "mapping-plain.txt",
                                  "mapping-nolines.txt", "hostile/r8-header.txt",
                                  "hostile/inlined.txt", "hostile/crlf.txt"])
def test_strict_mode_reads_real_output(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    strict = ProguardView.from_bytes(data, strict=True)
    lenient = ProguardView.from_bytes(data)
    cases = RECORDED[name]["cases"]
    assert _answers(strict, cases) == _answers(lenient, cases)
    assert strict.class_count == lenient.class_count


def test_real_proguard_answers() -> None:
    # A few answers spelled out, so that a reader sees what the format means
    # (the same values are in the recorded answers).
    view = ProguardView.from_path(FIXTURES / "mapping-optimized.txt")
    assert view.class_count == 6
    assert view.has_line_info is True
    assert view.lookup("com.example.shop.c") == "com.example.shop.Order"
    assert view.lookup("com.example.shop.d") == "com.example.shop.Order$Discount"
    # Inlined: one obfuscated range, the innermost frame first.
    assert view.lookup("com.example.shop.Main:main", 1023) == "com.example.shop.Main:stock"
    assert view.lookup("com.example.shop.Main:main", 15) == "com.example.shop.Main:main"
    assert (
        view.lookup("com.example.shop.c:a", 1042)
        == "com.example.shop.Order:com.example.shop.Order$Line.amount"
    )
    assert view.lookup("com.example.shop.c:a", 21) == "com.example.shop.Order:total"
    assert view.lookup("com.example.shop.c:zz", 21) == "com.example.shop.Order:zz"
    assert view.lookup("no.such.Class:a", 3) == "no.such.Class:a"
    nolines = ProguardView.from_path(FIXTURES / "mapping-nolines.txt")
    assert nolines.has_line_info is False


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_inputs(name: str) -> None:
    error_name, message, line = REJECTED[name]
    data = (FIXTURES / name).read_bytes()
    loaders: List[Callable[[], ProguardView]] = [
        lambda: ProguardView.from_bytes(data),
        lambda: ProguardView.from_path(FIXTURES / name),
    ]
    for load in loaders:
        with pytest.raises(ProguardError) as info:
            load()
        exc = info.value
        assert exc.error_name == error_name
        assert exc.message == message
        assert exc.line == line


def test_error_codes() -> None:
    with pytest.raises(ProguardError) as info:
        ProguardView.from_bytes(b"")
    assert info.value.code == 103
    with pytest.raises(ProguardSyntaxError) as syn:
        ProguardView.from_path(FIXTURES / "hostile/garbage-lines.txt", strict=True)
    assert syn.value.code == 100
    assert syn.value.error_name == "LSM_ERR_PROGUARD_SYNTAX"
    assert syn.value.message == "line 1: expected a class line 'name -> obfuscated:'"
    assert syn.value.line == 0
    assert syn.value.offset == 0
    with pytest.raises(ProguardSyntaxError) as syn2:
        ProguardView.from_bytes(b"A -> a:\n  void f() -> x\n", strict=True)
    assert syn2.value.message == "line 2: member lines are indented by 4 spaces"
    assert syn2.value.line == 1
    assert syn2.value.offset == 8
    with pytest.raises(ProguardSyntaxError) as syn3:
        ProguardView.from_bytes(b"A -> a:\n    void f()\n", strict=True)
    assert syn3.value.message == (
        "line 2: expected a member line 'type name(args) -> obfuscated'"
    )
    with pytest.raises(ProguardSyntaxError) as syn4:
        ProguardView.from_bytes(b"    void f() -> x\nA -> a:\n", strict=True)
    assert syn4.value.message == "line 1: member line before any class line"


def test_inputs() -> None:
    data = (FIXTURES / "mapping-plain.txt").read_bytes()
    for buf in (data, bytearray(data), memoryview(data), data.decode("utf-8")):
        view = ProguardView.from_bytes(buf)
        assert view.lookup("com.example.shop.b") == "com.example.shop.Item"
    with pytest.raises(TypeError):
        ProguardView.from_bytes(123)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ProguardView()
    with pytest.raises(SourceMapIOError):
        ProguardView.from_path(FIXTURES / "no-such-file.txt")
    with pytest.raises(ValueError):
        ProguardView.from_path("a\0b")
    view = ProguardView.from_path(str(FIXTURES / "mapping-plain.txt").encode())
    assert view.class_count == 6


def test_line_numbers() -> None:
    view = ProguardView.from_bytes(b"A -> a:\n    4294967295:4294967295:void f() -> x\n")
    # 0.8.2 read lineno as a C int and then as unsigned: -1 is 2**32 - 1.
    assert view.lookup("a:x", -1) == "A:f"
    assert view.lookup("a:x", 2**32 - 1) == "A:f"
    assert view.lookup("a:x", 5) == "A:x"
    assert view.lookup("a:x", 0) == view.lookup("a:x", None) == "A:f"
    for bad in (2**32, -(2**31) - 1 - 2**32, 10**30):
        with pytest.raises(OverflowError):
            view.lookup("a:x", bad)


def test_nul_and_non_ascii_in_paths() -> None:
    view = ProguardView.from_path(FIXTURES / "hostile/unicode.txt")
    assert view.lookup("a:b", 1) == "com.example.Caf\u00e9:gr\u00fc\u00dfe"
    assert view.lookup("\u00e4:y") == "com.example.\u65e5\u672c:x"
    assert view.lookup("c") == "c"  # "bad\u00a0space -> c:" is no class line
    assert view.lookup("a\0b") == "a\0b"


def test_closed_view() -> None:
    view = ProguardView.from_path(FIXTURES / "mapping-plain.txt")
    with view as same:
        assert same is view
        assert not view.closed
    assert view.closed
    assert repr(view) == "<ProguardView closed>"
    for use in (
        lambda: view.lookup("a"),
        lambda: view.has_line_info,
        lambda: view.class_count,
        lambda: view.__enter__(),
    ):
        with pytest.raises(ClosedViewError):
            use()
    view.close()  # twice is harmless


def test_too_large_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:  # sparse: no disk used
        f.truncate(1 << 32)
    with pytest.raises(TooLargeError) as info:
        ProguardView.from_path(big)
    assert info.value.error_name == "LSM_ERR_TOO_LARGE"


def _mutations(data: bytes, rng: random.Random, count: int) -> List[bytes]:
    out = []
    pieces = [b"->", b":", b"(", b")", b"\n", b"\r\n", b"    ", b"\xff", b"\xc3", b"\x00",
              b"99999999999", b"4294967295", b"#", b" ", b"\t", b"\xe2\x80\x83"]
    for _ in range(count):
        b = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            op = rng.randrange(4)
            pos = rng.randrange(len(b) + 1)
            if op == 0 and b:
                del b[pos:pos + rng.randint(1, 20)]
            elif op == 1:
                b[pos:pos] = rng.choice(pieces)
            elif op == 2 and b:
                b[min(pos, len(b) - 1)] = rng.randrange(256)
            else:
                b = b[:pos]
        out.append(bytes(b))
    return out


@pytest.mark.parametrize("strict", [False, True])
def test_hostile_mutations_raise_only_source_map_errors(strict: bool) -> None:
    rng = random.Random(20261202)
    seeds = [(FIXTURES / n).read_bytes() for n in ("mapping-optimized.txt",
                                                   "hostile/inlined.txt",
                                                   "hostile/r8-header.txt")]
    loaded = failed = 0
    for seed in seeds:
        for data in _mutations(seed, rng, 150):
            try:
                view = ProguardView.from_bytes(data, strict=strict)
            except SourceMapError as exc:
                assert isinstance(exc, (ProguardError, TooLargeError))
                assert exc.message and "\n" not in exc.message
                failed += 1
                continue
            loaded += 1
            assert view.class_count > 0
            for path, line in (("a", None), ("com.example.shop.Main:main", 1023),
                               ("a:a", 1), ("com.example.shop.c:a", 1042), ("", 0)):
                assert isinstance(view.lookup(path, line), str)
    assert loaded > 50 and failed > 10


def test_exported() -> None:
    import libsourcemap

    assert libsourcemap.ProguardView is ProguardView
    assert "ProguardView" in libsourcemap.__all__




def test_threads_share_a_view() -> None:
    import threading

    view = ProguardView.from_path(FIXTURES / "mapping-optimized.txt")
    cases = RECORDED["mapping-optimized.txt"]["cases"]
    want = [c[3] for c in cases]
    results: List[List[str]] = []
    lock = threading.Lock()

    def work() -> None:
        got = _answers(view, cases)
        with lock:
            results.append(got)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8
    assert all(r == want for r in results)
