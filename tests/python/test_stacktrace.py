"""Stack trace parsing: every engine family, odd frames, structured frames,
and input that is not a trace at all."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from libsourcemap.stacktrace import (
    JSC,
    SPIDERMONKEY,
    STRUCTURED,
    V8,
    Frame,
    frames_from_dicts,
    parse_frame,
    parse_location,
    parse_stacktrace,
)

REPO = Path(__file__).resolve().parents[2]
E2E = REPO / "tests" / "e2e" / "apps"


def one(line: str) -> Frame:
    frame = parse_frame(line)
    assert frame is not None, line
    return frame


# ----------------------------------------------------------------------- V8


@pytest.mark.parametrize(
    "line, function, filename, lineno, colno",
    [
        ("    at foo (http://x.com/app.js:10:20)", "foo", "http://x.com/app.js", 10, 20),
        ("    at http://x.com/app.js:10:20", None, "http://x.com/app.js", 10, 20),
        ("    at Cart.total (file:///srv/cart.mjs:4:18)", "Cart.total", "file:///srv/cart.mjs", 4, 18),
        ("    at Object.<anonymous> (/srv/app.js:1:2)", "Object.<anonymous>", "/srv/app.js", 1, 2),
        # ports, query strings, fragments
        ("    at f (http://localhost:8080/static/app.min.js?v=3#x:1:234)", "f",
         "http://localhost:8080/static/app.min.js?v=3#x", 1, 234),
        # Windows paths and file URLs
        ("    at f (C:\\x\\y.js:1:2)", "f", "C:\\x\\y.js", 1, 2),
        ("    at f (file:///C:/x/y.js:3:4)", "f", "file:///C:/x/y.js", 3, 4),
        ("    at C:\\x\\y.js:5:6", None, "C:\\x\\y.js", 5, 6),
        # a line but no column
        ("    at f (http://x.com/a.js:7)", "f", "http://x.com/a.js", 7, None),
        # Node internals and webpack
        ("    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
         "process.processTicksAndRejections", "node:internal/process/task_queues", 95, 5),
        ("    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)",
         "Module._extensions..js", "node:internal/modules/cjs/loader", 1623, 10),
        ("    at g (webpack:///./src/x.js?:1:2)", "g", "webpack:///./src/x.js?", 1, 2),
        # a function name with parentheses in it
        ("    at f (x) (http://x.com/a.js:1:2)", "f (x)", "http://x.com/a.js", 1, 2),
    ],
)
def test_v8_frames(line, function, filename, lineno, colno):
    f = one(line)
    assert f.engine == V8
    assert (f.function, f.filename, f.lineno, f.colno) == (function, filename, lineno, colno)
    assert f.raw == line.strip()


def test_v8_constructor_async_alias():
    f = one("    at new Cart (http://x/app.js:1:2)")
    assert f.function == "Cart" and f.is_constructor and f.display_function == "new Cart"
    f = one("    at async loadAll (http://x/app.js:3:4)")
    assert f.function == "loadAll" and f.is_async and not f.is_constructor
    f = one("    at async http://x/app.js:3:4")
    assert f.function is None and f.is_async and f.lineno == 3
    f = one("    at get price [as price] (file:///x/y.mjs:6:22)")
    assert f.function == "get price" and f.alias == "price"
    f = one("    at Stage.parseRecord [as step] (file:///x/p.mjs:19:25)")
    assert f.function == "Stage.parseRecord" and f.alias == "step"


def test_v8_native_and_builtin_frames():
    f = one("    at Array.map (<anonymous>)")
    assert f.function == "Array.map" and f.filename == "<anonymous>" and f.lineno is None
    assert not f.has_location
    f = one("    at Promise.all (index 0)")
    assert f.is_native and not f.has_location
    f = one("    at JSON.parse (native)")
    assert f.is_native and f.filename is None
    f = one("    at foo (unknown location)")
    assert f.filename == "unknown location" and f.lineno is None


def test_v8_eval_frames():
    f = one("    at eval (eval at f (http://x.com/a.js:1:2), <anonymous>:3:4)")
    assert f.is_eval and f.function == "eval"
    assert (f.filename, f.lineno, f.colno) == ("<anonymous>", 3, 4)
    assert f.eval_origin is not None
    assert (f.eval_origin.function, f.eval_origin.filename, f.eval_origin.lineno,
            f.eval_origin.colno) == ("f", "http://x.com/a.js", 1, 2)
    # nested eval
    f = one("    at eval (eval at g (eval at f (http://x.com/a.js:1:2), <anonymous>:5:6), "
            "<anonymous>:7:8)")
    assert f.is_eval and (f.lineno, f.colno) == (7, 8)
    assert f.eval_origin.is_eval and f.eval_origin.eval_origin.filename == "http://x.com/a.js"
    # anonymous eval'd function
    f = one("    at Object.eval [as fn] (eval at compile (http://x/a.js:9:1), <anonymous>:1:5)")
    assert f.is_eval and f.alias == "fn" and f.eval_origin.lineno == 9


def test_node_trace_with_excerpt_and_properties():
    text = """/srv/app.js:10
    throw new ValidationError(field, message);
          ^

ValidationError: ghost: the price is not a number
    at assertValid (file:///srv/util.mjs:9:11)
    at new LineItem (file:///srv/cart.mjs:7:5)
    at file:///srv/main.mjs:62:1 {
  field: 'ghost'
}

Node.js v20.20.2
"""
    st = parse_stacktrace(text)
    assert st.message == "ValidationError: ghost: the price is not a number"
    assert [f.display_function for f in st.frames] == ["assertValid", "new LineItem", None]
    assert st.frames[-1].filename == "file:///srv/main.mjs"
    assert (st.frames[-1].lineno, st.frames[-1].colno) == (62, 1)
    assert st.engine == V8


def test_node_error_with_cause_reads_the_outer_frames():
    text = """PaymentError: payment failed
    at chargeWithRetry (file:///s/checkout.mjs:29:9)
    at async checkout (file:///s/checkout.mjs:34:19) {
  [cause]: Error: gateway timeout
      at FlakyGateway.charge (file:///s/checkout.mjs:14:13)
}
"""
    st = parse_stacktrace(text)
    assert [f.function for f in st.frames] == ["chargeWithRetry", "checkout"]
    assert st.frames[1].is_async


def test_chrome_console_trace_and_multiline_message():
    text = "Uncaught TypeError: x is undefined\n  with a second line\n" \
           "    at f (http://x/a.js:1:2)\n\n    at g (http://x/a.js:3:4)\n"
    st = parse_stacktrace(text)
    assert st.message == "Uncaught TypeError: x is undefined\n  with a second line"
    assert [f.function for f in st.frames] == ["f", "g"]


# ------------------------------------------------------------ SpiderMonkey


@pytest.mark.parametrize(
    "line, function, filename, lineno, colno",
    [
        ("foo@http://x.com/a.js:1:2", "foo", "http://x.com/a.js", 1, 2),
        ("@http://x.com/a.js:3:4", None, "http://x.com/a.js", 3, 4),
        ("outer/inner@http://x.com:8080/a.js:5:6", "outer/inner", "http://x.com:8080/a.js", 5, 6),
        ("outer/<@http://x.com/a.js:7:8", "outer/<", "http://x.com/a.js", 7, 8),
        ("Cart.prototype.total@file:///C:/app/a.js:9:10", "Cart.prototype.total",
         "file:///C:/app/a.js", 9, 10),
        ("f@resource://gre/modules/x.jsm:11:12", "f", "resource://gre/modules/x.jsm", 11, 12),
        ("f@moz-extension://abc/x.js:1:1", "f", "moz-extension://abc/x.js", 1, 1),
        ("f@http://x.com/a.js?q=1:2:3", "f", "http://x.com/a.js?q=1", 2, 3),
    ],
)
def test_spidermonkey_frames(line, function, filename, lineno, colno):
    f = one(line)
    assert f.engine == SPIDERMONKEY
    assert (f.function, f.filename, f.lineno, f.colno) == (function, filename, lineno, colno)


def test_spidermonkey_async_and_eval():
    f = one("async*bar@http://x/a.js:7:8")
    assert f.function == "bar" and f.is_async
    f = one("baz@http://x/a.js line 2 > eval:1:5")
    assert f.is_eval and f.function == "baz" and (f.lineno, f.colno) == (1, 5)
    assert f.eval_origin.filename == "http://x/a.js" and f.eval_origin.lineno == 2
    f = one("qux@http://x/a.js line 2 > eval line 1 > Function:3:4")
    assert f.is_eval and (f.lineno, f.colno) == (3, 4)


def test_firefox_trace():
    text = "foo@http://x/a.js:1:2\n@http://x/a.js:3:4\n"
    st = parse_stacktrace(text)
    assert st.message is None
    assert [(f.function, f.lineno) for f in st.frames] == [("foo", 1), (None, 3)]
    assert st.engine == SPIDERMONKEY


# ---------------------------------------------------------- JavaScriptCore


def test_javascriptcore_trace():
    text = """TypeError: undefined is not an object
foo@http://x/a.js:1:2
global code@http://x/b.js:9:10
forEach@[native code]
[native code]
http://x/b.js:11:12
eval code@
module code@http://x/m.js:1:1
"""
    st = parse_stacktrace(text)
    assert st.message == "TypeError: undefined is not an object"
    got = [(f.engine, f.function, f.filename, f.lineno, f.is_native) for f in st.frames]
    assert got[:5] == [
        (SPIDERMONKEY, "foo", "http://x/a.js", 1, False),
        (JSC, "global code", "http://x/b.js", 9, False),
        (JSC, "forEach", None, None, True),
        (JSC, None, None, None, True),
        (JSC, None, "http://x/b.js", 11, False),
    ]
    assert st.frames[-1].function == "module code"


# -------------------------------------------------------------- structured


def test_structured_frames():
    frames = frames_from_dicts(
        [
            {"filename": "http://x/a.js", "lineno": 1, "colno": 2, "function": "f"},
            {"abs_path": "http://x/b.js", "line": "3", "column": 4, "name": "new C"},
            {"url": "http://x/c.js", "lineNumber": 5},
            "not a frame",
            {"filename": None, "lineno": True},
        ]
    )
    assert [(f.function, f.filename, f.lineno, f.colno) for f in frames] == [
        ("f", "http://x/a.js", 1, 2),
        ("C", "http://x/b.js", 3, 4),
        (None, "http://x/c.js", 5, None),
        (None, None, None, None),
    ]
    assert frames[1].is_constructor and all(f.engine == STRUCTURED for f in frames)


@pytest.mark.parametrize(
    "data",
    [
        '[{"filename": "a.js", "lineno": 1, "colno": 2, "function": "f"}]',
        '{"frames": [{"filename": "a.js", "lineno": 1, "colno": 2, "function": "f"}]}',
        '{"message": "boom", "stacktrace": {"frames": '
        '[{"filename": "a.js", "lineno": 1, "colno": 2, "function": "f"}]}}',
        '{"stack": "Error\\n    at f (a.js:1:2)"}',
    ],
)
def test_structured_json_text(data):
    st = parse_stacktrace(data)
    assert [(f.function, f.filename, f.lineno, f.colno) for f in st.frames] == [("f", "a.js", 1, 2)]


def test_structured_python_objects():
    st = parse_stacktrace([{"filename": "a.js", "lineno": 1, "colno": 2}])
    assert st.frames[0].filename == "a.js"
    st = parse_stacktrace({"frames": [{"filename": "a.js", "lineno": 1}]})
    assert st.frames[0].lineno == 1


# ----------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    "text, want",
    [
        ("http://x:8080/a.js:1:2", ("http://x:8080/a.js", 1, 2)),
        ("http://x:8080/a.js:1", ("http://x:8080/a.js", 1, None)),
        ("http://x:8080/a.js", ("http://x:8080/a.js", None, None)),
        ("C:\\a\\b.js:3:4", ("C:\\a\\b.js", 3, 4)),
        ("", (None, None, None)),
        (":1:2", (":1:2", None, None)),
    ],
)
def test_parse_location(text, want):
    assert parse_location(text) == want


def test_to_dict_round_trips_eval_origin():
    f = one("    at eval (eval at f (http://x.com/a.js:1:2), <anonymous>:3:4)")
    d = f.to_dict()
    assert d["eval_origin"]["filename"] == "http://x.com/a.js" and d["is_eval"]


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "text, message, frames",
    [
        ("", None, []),
        ("\n\n", None, []),
        ("just a message", "just a message", []),
        ("Error: x\nnot a frame", "Error: x\nnot a frame", []),
        ("@", "@", []),
        ("at", "at", []),
        ("   at   ", None, [(None, None, None, None)]),
        ("[", "[", []),
        ("{", "{", []),
        ("[1, 2", "[1, 2", []),
        ('{"frames": 3}', '{"frames": 3}', []),
        ("at (", None, [(None, "(", None, None)]),
        ("at )", None, [(None, ")", None, None)]),
        ("x@y", "x@y", []),
        ("@@@:1:2", "@@@:1:2", []),
        ("\x00\xff", "\x00\xff", []),
        ("\u2028at f (a:1:2)", None, [("f", "a", 1, 2)]),
    ],
)
def test_never_raises(text, message, frames):
    st = parse_stacktrace(text)
    assert st.message == message
    assert [(f.function, f.filename, f.lineno, f.colno) for f in st.frames] == frames


def test_random_garbage_never_raises():
    rng = random.Random(1234)
    alphabet = "at @():/\\.\n 0123456789abcfnw{}[]\"'<>?#,"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        parse_stacktrace(text)
        parse_frame(text)


# ------------------------------------------------------------ e2e traces


def test_every_e2e_trace_parses():
    """The traces Node printed for the end-to-end apps: message first, then
    every frame up to Node's own."""
    traces = sorted(E2E.glob("*/traces/*/*.txt"))
    assert traces, "tests/e2e has no traces (run tests/e2e/regenerate.sh)"
    for path in traces:
        text = path.read_text()
        st = parse_stacktrace(text)
        assert st.message and "Error" in st.message or ": " in (st.message or ""), path
        at_lines = [ln for ln in text.splitlines() if ln.startswith("    at ")]
        assert len(st.frames) == len(at_lines), path
        assert all(f.engine == V8 for f in st.frames)
