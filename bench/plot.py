"""Plots bench/results/results.json as ratios against the fastest peer.

    python plot.py RESULTS_JSON OUT_PNG

Runs in the bench's tools venv (matplotlib). One panel per figure; for each
map a bar per implementation of ours: value / fastest peer's value on a log
scale, so bars below 1 are better than every peer (peak memory: the
multiple of the map size itself). Green dotted lines mark the goals.
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PANELS = [
    ("ready_warm", "lookup-ready (warm)", None, 1 / 3),
    ("ready_cold", "lookup-ready (cold)", None, 1 / 3),
    ("mem", "peak memory increase", "ABS", 1.5),
    ("lookup", "single lookup", None, None),
    ("batch_vs_lookup", "batch lookup vs peers' single lookups", "batch", None),
    ("iter", "iterate all tokens", None, None),
]
OURS = [("c", "C API", "#1f77b4"), ("py-ours", "Python package", "#ff7f0e")]


def main():
    res = json.load(open(sys.argv[1]))
    maps = res["maps"]
    fig, axes = plt.subplots(2, 3, figsize=(16, 9))
    for ax, (rkey, title, vkey, goal) in zip(axes.flat, PANELS):
        absolute = vkey == "ABS"
        vkey = rkey if absolute or not vkey else vkey
        width = 0.8 / len(OURS)
        labels = []
        for mi, m in enumerate(maps):
            labels.append("%s\n%.1f MB" % (m["id"], m["bytes"] / 1e6))
            base = m["ratios"].get(rkey) or {}
            best = base.get("fastest_peer_value")
            for oi, (k, name, color) in enumerate(OURS):
                v = (m["summary"].get(k) or {}).get(vkey)
                if v is None or not (best or absolute):
                    continue
                r = v if absolute else v / best
                if absolute:
                    r = max(r, 1e-3)
                ax.bar(mi + (oi - (len(OURS) - 1) / 2) * width, r, width, color=color,
                       label=name if mi == 0 or not ax.get_legend_handles_labels()[1].count(name) else None)
                ax.annotate("%.2g" % r, (mi + (oi - (len(OURS) - 1) / 2) * width, r), ha="center",
                            va="bottom", fontsize=6)
        if not absolute:
            ax.axhline(1, color="black", linewidth=0.8, linestyle="--")
        if goal:
            ax.axhline(goal, color="green", linewidth=0.8, linestyle=":", label="goal")
        ax.set_yscale("log")
        ax.set_title(title + ("\n(multiple of the map size; goal <= 1.5)" if absolute else
                              "\n(ours ÷ fastest peer; < 1 is better)"), fontsize=9)
        ax.set_xticks(range(len(maps)))
        ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=7)
        handles, names = ax.get_legend_handles_labels()
        uniq = dict(zip(names, handles))
        if uniq:
            ax.legend(uniq.values(), uniq.keys(), fontsize=7)
    fig.suptitle("libsourcemap vs fastest peer per figure (%s, %d CPUs, %s)" % (
        res["date"], res["machine"]["nproc"], res["machine"]["cpu"]), fontsize=10)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
