"""Seeded random source maps for the differential harness (tests/diff/run.py).

Every map is valid JSON and most are valid ECMA-426 maps, built to reach
the corners where implementations part ways: several segments at one
generated column (ties), 1-field segments, segments out of order within a
line, empty lines, with and without names, odd ``sourceRoot`` values with
relative, absolute and URL sources, index maps with sections (nested ones,
equal and overlapping offsets, sections whose mappings run past the next
section's offset), and a few deliberately bad maps (no ``sources``, numbers
in ``sources``).

    python3 tests/diff/gen.py --seed 426 --count 300 OUTDIR

writes OUTDIR/gen-NNNN.map for each map (run.py calls :func:`generate`).
"""

import argparse
import json
import os
import random

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

SOURCE_ROOTS = [None, "", "/", "webpack:///", "http://x/y", "http://x/y/", "a", "a/"]
SOURCES = ["a.js", "./a.js", "../b.js", "/abs.js", "https://x/y.js", "src/c.js", "d.js"]
NAMES = ["foo", "bar", "baz", "qux", "Vector", "$", "_x"]


def vlq(value):
    """One signed value in base64 VLQ."""
    v = (-value << 1) | 1 if value < 0 else value << 1
    out = []
    while True:
        digit = v & 31
        v >>= 5
        out.append(B64[digit | (32 if v else 0)])
        if not v:
            return "".join(out)


def encode(lines):
    """`mappings` from lines of segments (tuples of 1, 4 or 5 absolute
    fields), in the order given."""
    prev_src = prev_line = prev_col = prev_name = 0
    out = []
    for segments in lines:
        prev_gen = 0
        parts = []
        for seg in segments:
            s = vlq(seg[0] - prev_gen)
            prev_gen = seg[0]
            if len(seg) >= 4:
                s += vlq(seg[1] - prev_src) + vlq(seg[2] - prev_line) + vlq(seg[3] - prev_col)
                prev_src, prev_line, prev_col = seg[1], seg[2], seg[3]
            if len(seg) == 5:
                s += vlq(seg[4] - prev_name)
                prev_name = seg[4]
            parts.append(s)
        out.append(",".join(parts))
    return ";".join(out)


def decode(mappings):
    """Lines of segments (tuples of absolute fields) from `mappings`; None
    when it is not valid base64 VLQ."""
    values = {c: i for i, c in enumerate(B64)}
    state = [0, 0, 0, 0, 0]
    lines = []
    for line in mappings.split(";"):
        state[0] = 0
        segs = []
        for seg in line.split(","):
            if not seg:
                continue
            fields, shift, acc = [], 0, 0
            for ch in seg:
                if ch not in values:
                    return None
                d = values[ch]
                acc |= (d & 31) << shift
                shift += 5
                if not d & 32:
                    fields.append(-(acc >> 1) if acc & 1 else acc >> 1)
                    shift = acc = 0
            if shift or len(fields) not in (1, 4, 5):
                return None
            for i, v in enumerate(fields):
                state[i] += v
            segs.append(tuple(state[:len(fields)]))
        lines.append(segs)
    return lines


def regular(rng, max_lines=6):
    """A regular map as a dict, and the features it was built with."""
    n_src = rng.randint(1, 3)
    sources = rng.sample(SOURCES, n_src)
    names = rng.sample(NAMES, rng.randint(0, 4))
    lines = []
    features = set()
    for _ in range(rng.randint(0, max_lines)):
        segs = []
        if rng.random() < 0.2:
            lines.append(segs)  # an empty line
            features.add("empty-line")
            continue
        col = rng.randint(0, 6)
        for _ in range(rng.randint(1, 6)):
            if rng.random() < 0.15:
                segs.append((col,))
                features.add("1-field")
            else:
                seg = [col, rng.randrange(n_src), rng.randint(0, 9), rng.randint(0, 30)]
                if names and rng.random() < 0.5:
                    seg.append(rng.randrange(len(names)))
                segs.append(tuple(seg))
            if rng.random() < 0.3:
                features.add("tie")  # the next segment at the same column
            else:
                col += rng.randint(1, 8)
        if len(segs) > 1 and rng.random() < 0.1:
            rng.shuffle(segs)
            features.add("unsorted")
        lines.append(segs)
    m = {"version": 3, "sources": sources, "names": names, "mappings": encode(lines)}
    root = rng.choice(SOURCE_ROOTS)
    if root is not None:
        m["sourceRoot"] = root
    if rng.random() < 0.3:
        del m["names"]
        if any(len(s) == 5 for line in lines for s in line):
            m["names"] = names  # a name index needs names
    return m, features, len(lines)


def index(rng, depth=0):
    """An index map: sections at increasing offsets, sometimes equal or
    overlapping, sometimes nested."""
    features = {"index"}
    sections = []
    line = col = 0
    for _ in range(rng.randint(1, 3)):
        if depth < 2 and rng.random() < 0.15:
            sub, sub_features, height = index(rng, depth + 1)
            features |= sub_features | {"nested"}
        else:
            sub, sub_features, height = regular(rng, 4)
            features |= sub_features
        sections.append({"offset": {"line": line, "column": col}, "map": sub})
        r = rng.random()
        if r < 0.1:
            features.add("equal-offsets")
        elif r < 0.2 and height > 1:
            line += height - 1  # the next section starts inside this one
            col = rng.randint(0, 10)
            features.add("overlap")
        else:
            line += max(height, 1) + rng.randint(0, 1)
            col = rng.randint(0, 10) if rng.random() < 0.3 else 0
    m = {"version": 3, "sections": sections}
    if rng.random() < 0.3:
        m["file"] = "bundle.js"
    return m, features, line + 1


def generate(seed, count):
    """[(name, map dict, sorted feature list)] for `count` maps from `seed`."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        r = rng.random()
        if r < 0.7:
            m, features, _ = regular(rng)
        else:
            m, features, _ = index(rng)
        r = rng.random()
        if r < 0.02 and "sections" not in m:
            # No sources, so only 1-field segments (or none) can be valid.
            del m["sources"]
            m["mappings"] = rng.choice(["", "A,C;E", ";;G"])
            m.pop("names", None)
            features.add("no-sources")
        elif r < 0.04 and "sections" not in m:
            m["sources"] = m["sources"] + [7]
            features.add("number-in-sources")
        out.append(("gen-%04d" % i, m, sorted(features)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=426)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("outdir")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    for name, m, features in generate(args.seed, args.count):
        with open(os.path.join(args.outdir, name + ".map"), "w") as f:
            json.dump(m, f)
        print(name, " ".join(features))


if __name__ == "__main__":
    main()
