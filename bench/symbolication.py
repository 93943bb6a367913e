#!/usr/bin/env python3
"""The symbolication figure: ours against symbolic's SourceMapCache (SMCA,
Sentry's production path) on one generated bundle and its map, the same
frames, in one run.

    python bench/symbolication.py BUNDLE.js BUNDLE.js.map [--frames 2000] [--context 5]

Run with a Python that has `symbolic` installed (bench/run.py uses its
`symbolic` venv) and this package importable (PYTHONPATH=python,
LIBSOURCEMAP_LIBRARY=build/libsourcemap.so). Prints one JSON object.

Frames are random mapped tokens of the map (a source, 1-based positions).
Figures, in milliseconds or microseconds:
  cold_first_frame_ms     ours: a Symbolicator over a folder holding the
                          bundle and its map (no cache file): find, load
                          the map, scan the bundle, first frame
  smca_build_ms           SMCA.from_bytes(bundle, map)
  smca_cold_first_frame_ms  SMCA's counterpart of cold_first_frame_ms:
                          both files read, from_bytes, the first lookup
                          with its context lines
  warm_frame_us           each further frame (median; mean beside it):
                          ours Symbolicator.symbolicate_frame, SMCA lookup
                          with the same context lines
  cache_write_ms          ours: writing the version 3 cache file
  cache_first_frame_ms    ours: a new Symbolicator, the cache file beside
                          the map, first frame (reads the bundle's tail
                          for its sourceMappingURL as every run does)
  cache_warm_frame_us     ours: each further frame from the cache file
  cache_open_frame_ms     ours: View.from_cache_path + one frame with
                          context lines through FrameData (the library
                          path, without the artifact search)
  frames_named            frames with a function name (SMCA's
                          "<anonymous>" not counted)
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

from libsourcemap import Artifacts, Frame, Symbolicator, View  # noqa: E402
from libsourcemap.symbolication.frames import FrameData  # noqa: E402


def ms(ns: int) -> float:
    return round(ns / 1e6, 3)


def sample_frames(bundle: Path, map_path: Path, count: int, seed: int) -> List[Frame]:
    """`count` random mapped tokens of the map (a source), as frames of
    `bundle` at 1-based positions: the same picks for the same seed, so
    that bench/hot_frames.py measures the frames this script does."""
    view = View.from_path(map_path, allow_index=True)
    rng = random.Random(seed)
    mapped = [t for t in view if t.src_id is not None]
    picks = rng.sample(mapped, min(count, len(mapped)))
    view.close()
    del mapped
    return [Frame(function="f", filename="https://cdn.test/" + bundle.name,
                  lineno=t.dst_line + 1, colno=t.dst_col + 1,
                  raw="at f (%s:%d:%d)" % (bundle.name, t.dst_line + 1, t.dst_col + 1))
            for t in picks]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("bundle")
    ap.add_argument("map")
    ap.add_argument("--frames", type=int, default=2000)
    ap.add_argument("--context", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    bundle, map_path = Path(args.bundle).resolve(), Path(args.map).resolve()
    js_bytes, map_bytes = bundle.read_bytes(), map_path.read_bytes()

    frames = sample_frames(bundle, map_path, args.frames, args.seed)
    out = {"bundle": bundle.name, "bundle_bytes": len(js_bytes), "map_bytes": len(map_bytes),
           "frames": len(frames), "context": args.context}

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Copies, not links: the cache file goes beside the map as loaded.
        shutil.copyfile(bundle, folder / bundle.name)
        shutil.copyfile(map_path, folder / map_path.name)

        # ours, no cache file
        t0 = time.perf_counter_ns()
        sym = Symbolicator(Artifacts([folder], use_cache_files=False), context=args.context)
        first = sym.symbolicate_frame(frames[0])
        out["cold_first_frame_ms"] = ms(time.perf_counter_ns() - t0)
        ours = [first]
        times = []
        for f in frames[1:]:
            t0 = time.perf_counter_ns()
            ours.append(sym.symbolicate_frame(f))
            times.append(time.perf_counter_ns() - t0)
        out["warm_frame_us"] = round(statistics.median(times) / 1e3, 2)
        out["warm_frame_mean_us"] = round(statistics.mean(times) / 1e3, 2)
        out["resolved"] = sum(1 for r in ours if r.resolved)
        out["frames_named"] = sum(1 for r in ours if r.resolved and r.function_source != "none"
                                  and r.function)

        # ours, version 3 cache file beside the map
        cache = folder / (map_path.name + ".lsmcache")
        v = View.from_path(folder / map_path.name, allow_index=True)
        t0 = time.perf_counter_ns()
        v.write_cache(cache, minified=js_bytes)
        out["cache_write_ms"] = ms(time.perf_counter_ns() - t0)
        out["cache_bytes"] = cache.stat().st_size
        v.close()
        t0 = time.perf_counter_ns()
        sym2 = Symbolicator(Artifacts([folder]), context=args.context)
        cached_first = sym2.symbolicate_frame(frames[0])
        out["cache_first_frame_ms"] = ms(time.perf_counter_ns() - t0)
        t0 = time.perf_counter_ns()
        cv = View.from_cache_path(cache)
        fd = FrameData(cv, None)
        status, tok, name, how = fd.resolve(frames[0].lineno - 1, frames[0].colno - 1)
        ctx = fd.context(tok.src_id, tok.src_line, tok.src_col, args.context) if tok else None
        out["cache_open_frame_ms"] = ms(time.perf_counter_ns() - t0)
        assert cached_first.to_dict() == first.to_dict(), "cache and map disagree"
        assert name == first.function or first.function_source == "none"
        assert ctx is None or ctx[1] == first.context_line
        times = []
        same = 1
        for f, r in zip(frames[1:], ours[1:]):
            t0 = time.perf_counter_ns()
            got = sym2.symbolicate_frame(f)
            times.append(time.perf_counter_ns() - t0)
            same += got.to_dict() == r.to_dict()
        out["cache_warm_frame_us"] = round(statistics.median(times) / 1e3, 2)
        out["cache_warm_frame_mean_us"] = round(statistics.mean(times) / 1e3, 2)
        out["cache_frames_equal_to_map"] = same

    # symbolic's SourceMapCache
    try:
        from symbolic.sourcemapcache import SourceMapCache
    except ImportError as exc:
        out["smca"] = "unavailable: %s" % exc
    else:
        # What a user of SMCA waits for before the first frame, as ours
        # is timed: both files read (from the page cache, as ours reads
        # its copies), the build, the first lookup with its context lines.
        t0 = time.perf_counter_ns()
        js_again, map_again = bundle.read_bytes(), map_path.read_bytes()
        t1 = time.perf_counter_ns()
        smca = SourceMapCache.from_bytes(js_again, map_again)
        t2 = time.perf_counter_ns()
        first_tok = smca.lookup(frames[0].lineno, frames[0].colno, args.context)
        t3 = time.perf_counter_ns()
        out["smca_build_ms"] = ms(t2 - t1)
        out["smca_cold_first_frame_ms"] = ms(t3 - t0)
        del js_again, map_again
        times = [t3 - t2]
        named = 0
        agree = 0
        for i, (f, r) in enumerate(zip(frames, ours)):
            if i == 0:
                tok = first_tok
            else:
                t0 = time.perf_counter_ns()
                tok = smca.lookup(f.lineno, f.colno, args.context)
                times.append(time.perf_counter_ns() - t0)
            fn = tok.function_name if tok is not None else None
            if fn and fn != "<anonymous>":
                named += 1
            if r.resolved and (fn if fn != "<anonymous>" else None) == (
                    r.function if r.function_source != "none" else None):
                agree += 1
        out["smca_warm_frame_us"] = round(statistics.median(times[1:]) / 1e3, 2)
        out["smca_warm_frame_mean_us"] = round(statistics.mean(times[1:]) / 1e3, 2)
        out["smca_frames_named"] = named
        out["names_equal_to_smca"] = agree
        out["ratios"] = {
            "cold_first_frame_vs_smca_build": round(out["smca_build_ms"] / out["cold_first_frame_ms"], 2),
            "cold_first_frame_vs_smca_cold_first_frame": round(
                out["smca_cold_first_frame_ms"] / out["cold_first_frame_ms"], 2),
            "warm_frame_vs_smca_lookup": round(out["smca_warm_frame_us"] / out["warm_frame_us"], 2),
            "cache_warm_frame_vs_smca_lookup": round(
                out["smca_warm_frame_us"] / out["cache_warm_frame_us"], 2),
            "cache_first_frame_vs_smca_build": round(out["smca_build_ms"] / out["cache_first_frame_ms"], 1),
            "cache_open_frame_vs_smca_build": round(out["smca_build_ms"] / out["cache_open_frame_ms"], 1),
        }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
