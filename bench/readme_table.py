#!/usr/bin/env python3
"""Prints the speed table of README.md from a bench/run results file.

    python3 bench/readme_table.py [bench/results/results.json]

Every figure comes from that one run (bench/run.py writes it), so the
README's table, its commit and its load averages can always be traced to
the command that measured them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Dict, Optional

ROOT = Path(__file__).resolve().parents[1]

#: Short names of the peers, as the table shows them.
SHORT = {
    "py-sourcemap": "sourcemap (Python)",
    "py-sentry": "libsourcemap 0.8.2",
    "py-symbolic": "symbolic",
    "js-trace-mapping": "trace-mapping",
    "js-source-map-0.7.4": "source-map 0.7.4",
    "js-source-map-0.6.1": "source-map 0.6.1",
    "rust-sourcemap": "sourcemap (rust)",
}


def num(v: Optional[float], fmt: str, scale: float = 1.0, unit: str = "") -> str:
    return "–" if v is None else (fmt % (v * scale)) + unit


def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return a / b if a is not None and b else None


def row(m: Dict[str, Any]) -> str:
    s = m["summary"]
    c, py, sentry = s.get("c", {}), s.get("py-ours", {}), s.get("py-sentry", {})
    ready = m["ratios"].get("ready_warm", {})
    peer = ready.get("fastest_peer")
    peer_value = ready.get("fastest_peer_value")
    ours = c.get("ready_warm")
    borrowed = c.get("ready_warm_borrow")
    pure = s.get("py-sourcemap", {}).get("ready_warm")
    cache = c.get("cache") or {}
    cols = py.get("columns")
    cells = [
        m["id"],
        "%.1f MB" % (m["bytes"] / 1e6),
        str(m["tokens"]),
        num(ours, "%.1f ms", 1e3),
        "%s %s" % (SHORT.get(peer, peer), num(peer_value, "%.1f ms", 1e3)) if peer else "–",
        num(ratio(peer_value, ours), "%.2f×"),
        num(borrowed, "%.1f ms", 1e3),
        num(ratio(peer_value, borrowed), "%.2f×"),
        num(ratio(pure, ours), "%.0f×"),
        num(c.get("lookup"), "%.0f ns"),
        num(py.get("lookup"), "%.0f ns"),
        num(sentry.get("lookup"), "%.0f ns"),
        num(ratio(sentry.get("lookup"), py.get("lookup")), "%.1f×"),
        num(cols, "%.0f ns"),
        num(ratio(sentry.get("lookup"), cols), "%.0f×"),
        num(cache.get("open_path"), "%.1f µs", 1e6),
        num(cache.get("bpt_nc"), "%.1f"),
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "results" / "results.json"
    d = json.loads(path.read_text())
    mach = d.get("machine", {})
    print("Run: `%s --reps %s` at commit %s, %s; load average %s at the start, %s at the end."
          % (d.get("command"), d.get("reps"), (mach.get("git") or "?"), d.get("date"),
             mach.get("loadavg_at_start", "?"), mach.get("loadavg_at_end", "?")))
    print()
    print("| map | size | tokens | lookup-ready, ours (C) | fastest peer | fastest ÷ ours "
          "| ours, input borrowed (C) | fastest ÷ borrowed | pure-Python ÷ ours | C lookup | Python `lookup_token` | 0.8.2 `lookup_token` "
          "| 0.8.2 ÷ ours | `lookup_columns` (per position) | 0.8.2 ÷ columns "
          "| cache open (path) | cache B/token (no contents) |")
    print("|" + "---|" * 17)
    for m in d["maps"]:
        print(row(m))


if __name__ == "__main__":
    main()
