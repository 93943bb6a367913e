"""Differential: ECMA-426 scopes decoded by libsourcemap and by Chrome
DevTools' source-map-scopes-codec (tests/scopes/peer.mjs, pinned by
tests/scopes/package-lock.json; .ci/run's scopes_peer stage runs npm ci
there). The hand-written one-string fixtures, and maps the codec encodes
from random scope trees, must decode to the same scopes and ranges."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

from libsourcemap import View
from libsourcemap.cli_decode import decoded_record

ROOT = Path(__file__).resolve().parents[2]
PEER_DIR = ROOT / "tests" / "scopes"
FIXTURES = ROOT / "tests" / "fixtures" / "scopes"
# The codec reads the one-string layout only.
ONE_STRING = ["proposal_single.map", "hidden.map"]


def _peer(*args: str) -> Any:
    node = shutil.which("node")
    if node is None or not (PEER_DIR / "node_modules" / "chrome-devtools-frontend").is_dir():
        pytest.fail("the scopes peer is not installed: run `npm ci` in tests/scopes "
                    "(.ci/run's scopes_peer stage does)")
    out = subprocess.run([node, str(PEER_DIR / "peer.mjs"), *args], check=True,
                         capture_output=True, timeout=300)
    return json.loads(out.stdout)


def _ours(data: bytes) -> Dict[str, Any]:
    with View.from_json(data, strict_scopes=True) as view:
        record = decoded_record(view)
    return {"scopes": [s["scope"] for s in record["sources"]], "ranges": record["ranges"]}


def test_fixtures_decode_as_the_codec_decodes_them() -> None:
    theirs: List[Any] = _peer("decode", *(str(FIXTURES / n) for n in ONE_STRING))
    for name, expected in zip(ONE_STRING, theirs):
        assert _ours((FIXTURES / name).read_bytes()) == expected, name


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_codec_encoded_maps_decode_the_same(seed: int) -> None:
    cases: List[Any] = _peer("random", "60", str(seed))
    assert any("H" in c["map"]["scopes"] for c in cases)  # sub-ranges are exercised
    for i, case in enumerate(cases):
        data = json.dumps(case["map"]).encode()
        assert _ours(data) == case["decoded"], (seed, i, case["map"]["scopes"])
