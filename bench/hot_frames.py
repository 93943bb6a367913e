#!/usr/bin/env python3
"""CPU time of Symbolicator.symbolicate_frame's warm path, over the same
frames as bench/symbolication.py (same seed, same picks), without SMCA.

    python bench/hot_frames.py BUNDLE.js BUNDLE.js.map [--frames 2000] [--context 5] [--passes 7]

Run with this package importable (PYTHONPATH=python,
LIBSOURCEMAP_LIBRARY=build/libsourcemap.so). Prints one JSON object, in
microseconds of this thread's CPU time (time.thread_time_ns, so other
processes on the machine count less than with a wall clock):
  first_pass_*     every frame once, results kept, as the bench does
                   (the first frame of the file excluded)
  repeat_loop_us   later passes over the same frames: one clock read per
                   pass divided by the frames (best pass and median pass)
  repeat_frame_*   the last pass, one clock read per frame
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))

from libsourcemap import Artifacts, Symbolicator  # noqa: E402
from symbolication import sample_frames  # noqa: E402  (the same picks)


def us(ns: float) -> float:
    return round(ns / 1e3, 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("bundle")
    ap.add_argument("map")
    ap.add_argument("--frames", type=int, default=2000)
    ap.add_argument("--context", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--passes", type=int, default=7)
    args = ap.parse_args()
    bundle, map_path = Path(args.bundle).resolve(), Path(args.map).resolve()

    frames = sample_frames(bundle, map_path, args.frames, args.seed)
    clock = time.thread_time_ns
    out = {"frames": len(frames), "context": args.context}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copyfile(bundle, folder / bundle.name)
        shutil.copyfile(map_path, folder / map_path.name)
        sym = Symbolicator(Artifacts([folder], use_cache_files=False), context=args.context)
        sym.symbolicate_frame(frames[0])
        answer = sym.symbolicate_frame
        rest = frames[1:]
        kept = []
        times = []
        for f in rest:
            t0 = clock()
            kept.append(answer(f))
            times.append(clock() - t0)
        out["first_pass_median_us"] = us(statistics.median(times))
        out["first_pass_mean_us"] = us(statistics.mean(times))
        loops = []
        for _ in range(args.passes):
            t0 = clock()
            for f in rest:
                answer(f)
            loops.append((clock() - t0) / len(rest))
        out["repeat_loop_us"] = {"best": us(min(loops)), "median": us(statistics.median(loops))}
        times = []
        for f in rest:
            t0 = clock()
            answer(f)
            times.append(clock() - t0)
        out["repeat_frame_median_us"] = us(statistics.median(times))
        out["repeat_frame_mean_us"] = us(statistics.mean(times))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
