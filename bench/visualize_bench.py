#!/usr/bin/env python3
"""The visualizer figure: how long ``libsourcemap visualize`` takes to write
the page of a large map, and how long headless Chromium takes to open it
until the visible lines are rendered (the page sets
``document.body.dataset.ready`` then), beside the map's size.

    python3 bench/visualize_bench.py [MAP] [--generated FILE] [--reps N] [--out FILE.json]

MAP defaults to the corpus's monaco bundle map (bench/.corpus, made by
bench/run.py). Generation is timed in this process (wall and CPU time);
the browser (Debian's chromium and chromedriver through selenium, as the
browser tests use it) is timed from navigation start to the ready marker,
as the page measures it (performance.now()), plus the wall time of
selenium's get(). Then a jump to the middle of the file through the
position box is timed in the page, to show that scrolling a huge file
stays interactive. Needs the library built in build/ (or
LIBSOURCEMAP_LIBRARY).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
DEFAULT_MAP = os.path.join(BENCH, ".corpus", "generated", "monaco-esbuild", "bundle.js.map")

sys.path.insert(0, os.path.join(ROOT, "python"))
os.environ.setdefault("LIBSOURCEMAP_LIBRARY", os.path.join(ROOT, "build", "libsourcemap.so"))


def generate(map_path: str, generated: "str | None", out: str) -> "dict[str, float]":
    from libsourcemap.visualize import page_data, render_page
    wall, cpu = time.perf_counter(), time.process_time()
    data = page_data(map_path, generated_path=generated)
    with open(out, "w", encoding="utf-8") as f:
        f.write(render_page(data))
    return {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
            "tokens": data["tokens"]["count"] if data["tokens"] else 0}


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    options = Options()
    options.binary_location = shutil.which("chromium") or "chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,800",
                "--disable-dev-shm-usage"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"),
                            options=options)


def open_page(driver, page: str) -> "dict[str, float]":
    driver.get("about:blank")
    wall = time.perf_counter()
    driver.get("file://" + os.path.abspath(page))
    got = time.perf_counter() - wall
    ready = driver.execute_script("return document.body.dataset.ready")
    if ready != "1":
        raise RuntimeError("the page did not become ready")
    t = driver.execute_script("return window.__lsmTimings")
    lines = driver.execute_script("return document.querySelectorAll('#gen .line').length")
    # A jump through the position box to the middle of the generated
    # file: the far lines are rendered, nothing else.
    middle = driver.execute_script("""
        const t0 = performance.now();
        document.getElementById('pos').value = Math.floor(window.__lsm.lineCount / 2) + ':1';
        document.getElementById('go').click();
        return performance.now() - t0;""")
    return {"ready_ms": t["ready"], "decode_ms": t["decode"], "first_render_ms": t["firstRender"],
            "get_wall_s": got, "rendered_lines": lines, "jump_to_middle_ms": middle}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("map", nargs="?", default=DEFAULT_MAP)
    ap.add_argument("--generated", help="the generated file (default: found beside the map)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", help="write the results as JSON here")
    args = ap.parse_args()
    if not os.path.exists(args.map):
        print("no map at %s (run bench/run.py once to build the corpus)" % args.map, file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="lsm-visualize-bench.")
    page = os.path.join(work, "page.html")
    gens = [generate(args.map, args.generated, page) for _ in range(args.reps)]
    driver = browser()
    try:
        opens = [open_page(driver, page) for _ in range(args.reps)]
        version = driver.capabilities.get("browserVersion")
    finally:
        driver.quit()
    med = lambda rows, key: statistics.median(r[key] for r in rows)  # noqa: E731
    result = {
        "map": os.path.relpath(args.map, ROOT),
        "map_bytes": os.path.getsize(args.map),
        "page_bytes": os.path.getsize(page),
        "tokens": gens[0]["tokens"],
        "reps": args.reps,
        "chromium": version,
        "generate_wall_s": med(gens, "wall_s"),
        "generate_cpu_s": med(gens, "cpu_s"),
        "open_ready_ms": med(opens, "ready_ms"),
        "open_decode_ms": med(opens, "decode_ms"),
        "open_first_render_ms": med(opens, "first_render_ms"),
        "open_get_wall_s": med(opens, "get_wall_s"),
        "rendered_lines": opens[0]["rendered_lines"],
        "jump_to_middle_ms": med(opens, "jump_to_middle_ms"),
    }
    shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
