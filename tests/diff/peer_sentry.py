"""Sentry's libsourcemap 0.8.2 as a peer of tests/diff/run.py.

Run by the python of the virtual environment that holds 0.8.2 (which is
also named ``libsourcemap``, hence its own environment). Reads one JSON
request per line on standard input::

    {"map": PATH, "positions": [[line, col], ...],
     "js": PATH or null, "functions": [[line, col, minified_name], ...]}

and answers each with one JSON line: ``{"ok": false, "error": ...}`` when
the map is rejected, else ``{"ok": true, "tokens": [...], "sources":
[...], "lookups": [...], "functions": [...]}``. A token is ``[dst_line,
dst_col, src, src_line, src_col, name]``; a lookup is a token or null; a
function name is a string or null.
"""

import json
import sys

import libsourcemap


def token(t):
    if t is None:
        return None
    return [t.dst_line, t.dst_col, t.src, t.src_line, t.src_col, t.name]


def describe(e):
    """0.8.2's errors hold bytes, which str() refuses on Python 3."""
    msg = e.args[0] if e.args else ""
    if isinstance(msg, bytes):
        msg = msg.decode("utf-8", "replace")
    return "%s: %s" % (type(e).__name__, msg)


def answer(req):
    with open(req["map"], "rb") as f:
        data = f.read()
    try:
        view = libsourcemap.from_json(data)
    except Exception as e:  # every rejection is an answer
        return {"ok": False, "error": describe(e)}
    out = {"ok": True}
    out["tokens"] = [token(t) for t in view]
    out["sources"] = [view.get_source_name(i) for i in range(view.get_source_count())]
    out["lookups"] = [token(view.lookup_token(l, c)) for l, c in req.get("positions", ())]
    functions = []
    if req.get("js"):
        with open(req["js"], "rb") as f:
            js = f.read()
        for l, c, name in req.get("functions", ()):
            functions.append(view.get_original_function_name(l, c, name, js))
    out["functions"] = functions
    return out


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = answer(json.loads(line))
        except Exception as e:
            reply = {"ok": False, "error": "worker: " + describe(e), "crash": True}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
