"""The visualizer page in a real browser: headless Chromium (Debian's
``chromium`` and ``chromium-driver``, installed by .ci/run's browser stage)
driven by selenium, pointed at the system browser and driver (nothing is
downloaded). Without them these tests fail, saying what is missing.

Pages are made from the bundler fixtures; hovering and clicking spans must
highlight the original line and column ``lookup_token`` gives, both ways;
an index map shows its sections, a broken map its error, and script in a
map's sources, contents or names never runs; lines with emoji, CJK,
combining marks and tabs select and show exactly the UTF-16 code units of
each token. Screenshots go to
$LSM_SCREENSHOT_DIR (default build/screenshots)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

from libsourcemap import View
from libsourcemap.js import Namer
from libsourcemap.visualize import write_page

REPO = Path(__file__).resolve().parents[2]
BUNDLERS = REPO / "tests" / "fixtures" / "bundlers"
SHOTS = Path(os.environ.get("LSM_SCREENSHOT_DIR") or REPO / "build" / "screenshots")

#: The fixtures the page is checked on: (map, its generated file).
FIXTURES = [
    "esbuild/app.min.js.map",
    "esbuild/app.js.map",
    "rollup/app.iife.min.js.map",
    "terser/app.esbuild.min.js.map",
    "webpack/app.js.map",
    "index-map/combined.js.map",
]


def _find(names: List[str]) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("none of %s on PATH: install Debian's chromium and chromium-driver "
                       "(.ci/run's browser stage does)" % ", ".join(names))


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        raise RuntimeError("selenium is not installed (pip install selenium; .ci/run's browser "
                           "stage does)") from exc
    options = Options()
    options.binary_location = _find(["chromium", "chromium-browser"])
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,800",
                "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(_find(["chromedriver"])), options=options)
    d.set_page_load_timeout(60)
    try:
        yield d
    finally:
        d.quit()


def open_page(d: Any, page: Path, anchor: str = "") -> None:
    d.get(page.resolve().as_uri() + anchor)
    assert d.execute_script("return document.body.dataset.ready") == "1"
    errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def shot(d: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / (name + ".png")
    assert d.save_screenshot(str(target))
    assert target.stat().st_size > 1000


def info(d: Any) -> Dict[str, str]:
    return d.execute_script("return Object.assign({}, document.getElementById('info').dataset)")


def settle(d: Any) -> None:
    """Waits two animation frames. A scroll makes the page queue a redraw
    of the lines on screen for the next frame, which replaces their
    elements: one found before it would be stale by the time it is used."""
    d.execute_async_script("const done = arguments[arguments.length - 1];"
                           "requestAnimationFrame(() => requestAnimationFrame(() => done()));")


def on_fresh(d: Any, locate: Callable[[], Any], use: Callable[[Any], None]) -> None:
    """use(locate()), finding the element again if a redraw replaced it in
    between (a loaded machine can delay the frame settle() waits for past
    its two frames)."""
    from selenium.common.exceptions import StaleElementReferenceException
    for attempt in range(5):
        try:
            use(locate())
            return
        except StaleElementReferenceException:
            if attempt == 4:
                raise
            settle(d)


def hover(d: Any, locate: Callable[[], Any]) -> None:
    """Moves the pointer onto the element `locate()` finds."""
    from selenium.webdriver.common.action_chains import ActionChains
    on_fresh(d, locate, lambda el: ActionChains(d).move_to_element(el).perform())


def click(d: Any, locate: Callable[[], Any]) -> None:
    on_fresh(d, locate, lambda el: el.click())


def gen_span(d: Any, line: int, col: int) -> Any:
    d.execute_script("window.__lsm.pinned = false; window.__lsm.revealGenerated(%d, %d)"
                     % (line, col))
    settle(d)
    spans = d.find_elements("css selector",
                            '#gen .line[data-line="%d"] span[data-col="%d"]' % (line, col))
    assert len(spans) == 1, "no span for generated %d:%d" % (line, col)
    return spans[0]


def expect_original(d: Any, view: View, line: int, col: int) -> Dict[str, str]:
    """The page's selection equals lookup_token(line, col); returns it."""
    tok = view.lookup_token(line, col)
    got = info(d)
    assert tok is not None and tok.src_id is not None
    assert (got["src"], int(got["line"]), int(got["col"]), got["name"]) == \
        (view.sources[tok.src_id], tok.src_line + 1, tok.src_col + 1, tok.name or "")
    assert (int(got["genLine"]), int(got["genCol"])) == (tok.dst_line + 1, tok.dst_col + 1)
    hl = d.find_elements("css selector", "#orig .hl")
    assert len(hl) == 1
    assert (int(hl[0].get_attribute("data-l")), int(hl[0].get_attribute("data-c"))) == \
        (tok.src_line, tok.src_col)
    assert d.execute_script("return document.getElementById('orig').dataset.src") == \
        str(tok.src_id)
    return got


def samples(view: View, count: int) -> List[Any]:
    """Up to `count` (token, next token) pairs spread over the map: tokens
    with a source, followed on their line by a token at a later column (so
    each is the last at its position and has a non-empty span)."""
    tokens = list(view)
    good = []
    for i, t in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        if t.src_id is not None and nxt.dst_line == t.dst_line and nxt.dst_col > t.dst_col:
            good.append((t, nxt))
    step = max(1, len(good) // count)
    return good[::step][:count]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: Any) -> Dict[str, Path]:
    out = tmp_path_factory.mktemp("pages")
    made = {}
    for rel in FIXTURES:
        made[rel] = write_page(out / (rel.replace("/", "_") + ".html"), BUNDLERS / rel)
    return made


@pytest.mark.parametrize("rel", FIXTURES)
def test_hover_generated_highlights_the_original(driver: Any, pages: Dict[str, Path],
                                                  rel: str) -> None:
    open_page(driver, pages[rel])
    with View.from_path(BUNDLERS / rel, allow_index=True) as view:
        picked = samples(view, 8)
        assert len(picked) >= 6
        for tok, _ in picked:
            hover(driver, lambda: gen_span(driver, tok.dst_line, tok.dst_col))
            expect_original(driver, view, tok.dst_line, tok.dst_col)
    shot(driver, "hover-" + rel.replace("/", "_"))


@pytest.mark.parametrize("rel", FIXTURES)
def test_hover_original_highlights_the_generated(driver: Any, pages: Dict[str, Path],
                                                  rel: str) -> None:
    open_page(driver, pages[rel])
    with View.from_path(BUNDLERS / rel, allow_index=True) as view:
        checked = 0
        for tok, _ in samples(view, 8):
            driver.execute_script("window.__lsm.pinned = false; window.__lsm.revealOriginal(%d, %d, %d)"
                                  % (tok.src_id, tok.src_line, tok.src_col))
            settle(driver)

            def locate() -> Any:
                spans = driver.find_elements(
                    "css selector", '#orig .line[data-line="%d"] span[data-c="%d"]'
                    % (tok.src_line, tok.src_col))
                assert len(spans) == 1
                return spans[0]

            hover(driver, locate)
            got = info(driver)
            # The generated position shown maps back to this original position...
            back = view.lookup_token(int(got["genLine"]) - 1, int(got["genCol"]) - 1)
            assert back is not None
            assert (back.src_id, back.src_line, back.src_col) == (tok.src_id, tok.src_line,
                                                                   tok.src_col)
            assert (int(got["line"]), int(got["col"])) == (tok.src_line + 1, tok.src_col + 1)
            hl = driver.find_elements("css selector", "#gen .hl")
            assert len(hl) == 1
            assert int(hl[0].get_attribute("data-col")) == int(got["genCol"]) - 1
            checked += 1
        assert checked >= 4


@pytest.mark.parametrize("rel", ["esbuild/app.min.js.map", "webpack/app.js.map"])
def test_click_pins_and_sets_the_anchor(driver: Any, pages: Dict[str, Path], rel: str) -> None:
    open_page(driver, pages[rel])
    with View.from_path(BUNDLERS / rel, allow_index=True) as view:
        (a, _), (b, _) = samples(view, 2)[:2]
        click(driver, lambda: gen_span(driver, a.dst_line, a.dst_col))
        expect_original(driver, view, a.dst_line, a.dst_col)
        assert driver.execute_script("return location.hash") == \
            "#gen=%d:%d" % (a.dst_line + 1, a.dst_col + 1)
        # Pinned: hovering elsewhere keeps the selection.
        driver.execute_script("window.__lsm.revealGenerated(%d, %d)" % (b.dst_line, b.dst_col))
        settle(driver)
        hover(driver, lambda: driver.find_elements(
            "css selector", '#gen .line[data-line="%d"] span[data-col="%d"]'
            % (b.dst_line, b.dst_col))[0])
        assert int(info(driver)["genCol"]) == a.dst_col + 1


@pytest.mark.parametrize("rel", ["esbuild/app.min.js.map", "rollup/app.iife.min.js.map",
                                 "index-map/combined.js.map"])
def test_position_box_and_anchor(driver: Any, pages: Dict[str, Path], rel: str) -> None:
    from selenium.webdriver.common.keys import Keys
    with View.from_path(BUNDLERS / rel, allow_index=True) as view:
        picked = samples(view, 6)
        open_page(driver, pages[rel])
        for tok, nxt in picked:
            # A column inside the span, between the two tokens (1-based).
            col = (tok.dst_col + nxt.dst_col) // 2
            box = driver.find_element("id", "pos")
            box.clear()
            box.send_keys("%d:%d" % (tok.dst_line + 1, col + 1), Keys.ENTER)
            expect_original(driver, view, tok.dst_line, col)
        tok, nxt = picked[-1]
        open_page(driver, pages[rel], "#gen=%d:%d" % (tok.dst_line + 1, nxt.dst_col))
        expect_original(driver, view, tok.dst_line, nxt.dst_col - 1)
    shot(driver, "position-" + rel.replace("/", "_"))


def test_function_names_agree_with_the_namer(driver: Any, pages: Dict[str, Path]) -> None:
    rel = "esbuild/app.min.js.map"
    open_page(driver, pages[rel])
    generated = (BUNDLERS / rel).with_suffix("").read_bytes()
    compared = named = 0
    with View.from_path(BUNDLERS / rel) as view:
        namer = Namer(view, generated)
        for tok, _ in samples(view, 40):
            name, how = namer.name_at(tok.dst_line, tok.dst_col)
            _, used = namer.lookup(tok.dst_line, tok.dst_col)
            if how not in ("original", "anonymous") or used is None or \
                    (used.src_line, used.src_col) != (tok.src_line, tok.src_col):
                continue
            hover(driver, lambda: gen_span(driver, tok.dst_line, tok.dst_col))
            assert info(driver)["fn"] == (name or ""), "at %d:%d" % (tok.dst_line, tok.dst_col)
            compared += 1
            named += bool(name)
        namer.close()
    assert compared >= 10 and named >= 5


def test_index_map_shows_its_sections(driver: Any, pages: Dict[str, Path]) -> None:
    rel = "index-map/combined.js.map"
    offsets = [s["offset"] for s in
               json.loads((BUNDLERS / rel).read_text(encoding="utf-8"))["sections"]]
    open_page(driver, pages[rel])
    buttons = driver.find_elements("css selector", "#sections button")
    assert [b.text for b in buttons] == ["\u00a7%d at %d:%d" % (i + 1, o["line"] + 1, o["column"] + 1)
                                         for i, o in enumerate(offsets)]
    for i, o in enumerate(offsets):
        buttons[i].click()
        marks = driver.find_elements("css selector", '#gen .line[data-line="%d"] .sec[data-section="%d"]'
                                     % (o["line"], i))
        assert len(marks) == 1
    shot(driver, "index-map-sections")


def test_broken_map_shows_its_error(driver: Any, tmp_path: Path) -> None:
    bad = b'{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA,B!AA"}'
    with pytest.raises(Exception) as caught:
        View.from_json(bad)
    exc: Any = caught.value
    path = tmp_path / "broken.js.map"
    path.write_bytes(bad)
    open_page(driver, write_page(tmp_path / "broken.html", path))
    box = driver.find_element("id", "error")
    assert box.get_attribute("data-name") == exc.error_name
    assert str(exc) in box.text
    where = box.find_element("css selector", ".where").text
    assert "byte offset %d" % exc.offset in where
    assert driver.find_element("css selector", "#error mark").text == \
        bad[exc.offset:exc.offset + 1].decode()
    shot(driver, "broken-map")


def test_script_in_the_map_does_not_run(driver: Any, tmp_path: Path) -> None:
    payload = "</script><script>window.__pwned=1;document.title='pwned'</script>"
    img = '<img src=x onerror="window.__pwned=2;document.title=\'pwned\'">'
    doc = {
        "version": 3, "file": "evil.js",
        "sources": [img + ".js"],
        "sourcesContent": [payload + "\n" + img + "\nlet x = 1;\n"],
        "names": [payload, img],
        "mappings": "AAAAA;AACAC;AAEA",
    }
    path = tmp_path / "evil.js.map"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (tmp_path / "evil.js").write_text(payload + "\n" + img + "\nx\n", encoding="utf-8")
    page = write_page(tmp_path / "evil.html", path)
    open_page(driver, page)
    for line in range(3):
        driver.execute_script("window.__lsm.pinned = false")

        def first_span() -> Any:
            spans = driver.find_elements("css selector",
                                         '#gen .line[data-line="%d"] span[data-t]' % line)
            assert spans
            return spans[0]

        hover(driver, first_span)
    assert driver.execute_script("return window.__pwned") is None
    assert driver.title == "libsourcemap: evil.js.map"
    assert driver.find_elements("css selector", "main img, main script, #info img") == []
    assert img + ".js" in driver.find_element("id", "source").text
    text = driver.find_element("id", "orig").text
    assert payload in text and img in text
    assert info(driver)["name"] == ""  # the third line's token has no name
    shot(driver, "hostile")


def test_unmapped_one_field_ignored_and_invalid_are_marked(driver: Any, tmp_path: Path) -> None:
    doc = {"version": 3, "sources": ["a.js", "lib.js"],
           "sourcesContent": ["let a = 1;\nlet b = 2;\n", "lib\n"], "ignoreList": [1],
           "names": [], "mappings": "AAAA,I,OCAA,mBDAA;AAmGA"}
    path = tmp_path / "marks.js.map"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (tmp_path / "marks.js").write_text("let a = 1; let b = 2;\nfoo();\n  x\n", encoding="utf-8")
    with View.from_path(path) as view:
        assert [(t.dst_line, t.dst_col, t.src_id, t.src_line) for t in view] == \
            [(0, 0, 0, 0), (0, 4, None, None), (0, 11, 1, 0), (0, 30, 0, 0), (1, 0, 0, 99)]
    open_page(driver, write_page(tmp_path / "marks.html", path))

    def classes(line: int, col: int) -> List[str]:
        span = driver.find_element("css selector", '#gen .line[data-line="%d"] span[data-col="%d"]'
                                   % (line, col))
        return str(span.get_attribute("class")).split()

    assert classes(0, 0) == []
    assert classes(0, 4) == ["one"]       # a 1-field segment
    assert classes(0, 11) == ["ig"]       # lib.js is in the ignoreList
    assert "bad" in classes(0, 30)        # past the end of its generated line
    assert "bad" in classes(1, 0)         # past the end of a.js
    unmapped = driver.find_elements("css selector", '#gen .line[data-line="2"] .un')
    assert [u.text for u in unmapped] == ["  x"]
    hover(driver, lambda: gen_span(driver, 0, 4))
    assert info(driver)["src"] == "" and "1-field" in driver.find_element("id", "info").text
    hover(driver, lambda: gen_span(driver, 0, 11))
    assert info(driver)["src"] == "lib.js" and "(ignored)" in driver.find_element("id", "info").text
    assert "lib.js (ignored)" in driver.find_element("id", "source").text
    shot(driver, "marks")


def test_only_what_is_on_screen_is_rendered(driver: Any, tmp_path: Path) -> None:
    # 20,000 short lines, then one line of 300,000 columns, one token per
    # column there: the DOM holds a screenful either way.
    lines = 20000
    width = 300000
    # Each line maps to the same original line: "AACF" is source line +1,
    # column -2 (back to 0 after the previous line's "EAAE", column +2).
    mappings = "AAAA,EAAE" + ";AACF,EAAE" * (lines - 1) + ";AACF" + ",CAAC" * (width - 1)
    doc = {"version": 3, "sources": ["big.js"], "names": [],
           "sourcesContent": ["ab = cd;\n" * lines + "y" * width], "mappings": mappings}
    path = tmp_path / "big.js.map"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (tmp_path / "big.js").write_text("ab = cd;\n" * lines + "x" * width, encoding="utf-8")
    open_page(driver, write_page(tmp_path / "big.html", path))
    count = "return document.querySelectorAll(arguments[0]).length"
    assert driver.execute_script(count, "#gen .line") < 80
    driver.find_element("id", "pos").send_keys("%d:%d" % (lines + 1, width // 2))
    driver.find_element("id", "go").click()
    with View.from_path(path) as view:
        expect_original(driver, view, lines, width // 2 - 1)
    assert (info(driver)["line"], info(driver)["col"]) == (str(lines + 1), str(width // 2))
    assert driver.execute_script(count, "#gen .line") < 80
    assert driver.execute_script(count, "#gen span[data-t]") < 2000
    assert driver.execute_script(count, "#orig span[data-t]") < 2000
    assert len(driver.find_elements("css selector", "#gen .hl")) == 1
    assert len(driver.find_elements("css selector", "#orig .hl")) == 1
    shot(driver, "long-line")


def test_page_needs_nothing_from_the_network(pages: Dict[str, Path]) -> None:
    html = pages[FIXTURES[0]].read_text(encoding="utf-8")
    head = html[:html.index('<script id="lsm-data"')]
    for needle in ("http://", "https://", "src=", "<link"):
        assert needle not in head
    assert "default-src 'none'" in head



# ------------------------------------------------ columns in UTF-16 code units

def units(text: str) -> int:
    """The length of `text` in UTF-16 code units, as source maps count columns."""
    return len(text.encode("utf-16-le")) // 2


def code_units(text: str) -> List[int]:
    """`text` as UTF-16 code units."""
    raw = text.encode("utf-16-le", "surrogatepass")
    return [int.from_bytes(raw[k:k + 2], "little") for k in range(0, len(raw), 2)]


def text_units(d: Any, el: Any) -> List[int]:
    """An element's text as UTF-16 code units (WebDriver would replace a
    lone surrogate)."""
    return d.execute_script("const t = arguments[0].textContent, out = [];"  # type: ignore[no-any-return]
                            "for (let i = 0; i < t.length; i++) out.push(t.charCodeAt(i));"
                            "return out;", el)


#: Generated lines with astral characters (2 code units), wide (CJK)
#: characters, combining marks and tabs before, between and at mapped tokens.
ODD_GENERATED = [
    "/*\U0001F600\U0001F600*/ let a = 1;",
    "/*\u6f22\u5b57\u6f22\u5b57*/ let b = 2;",
    "/*e\u0301\u0301o\u0308*/ let c = 3;",
    "\t\tlet d = 4;",
    "s='\U0001F600'+x;",
    "\u6f22\t\U0001F600e\u0301 f(g);",
    "\u6f22\U0001F600x",
    "e\u0301x y",
]


def odd_map(tmp_path: Path) -> Path:
    """A map of ODD_GENERATED to an original whose lines are the same
    behind a prefix of other such characters: each token is a word (or
    one odd character, or a combining mark alone) of the generated line,
    mapped to the same text on the original line."""
    import re
    from libsourcemap.builder import Builder
    prefix = "\t\U0001F600\u6f22o\u0308 "
    original = [prefix + g for g in ODD_GENERATED]
    b = Builder(file="odd.js")
    src = b.add_source("odd.src.js", contents="\n".join(original) + "\n")
    for line, text in enumerate(ODD_GENERATED):
        for m in re.finditer(r"[A-Za-z0-9']+|[\u6f22\U0001F600]|\u0301", text):
            b.add_token(line, units(text[:m.start()]), src, line, units(prefix + text[:m.start()]))
    # A column between the halves of a surrogate pair (a tool counting
    # code points would write one).
    b.add_token(6, 2, src, 6, units(prefix) + 2)
    path = tmp_path / "odd.js.map"
    path.write_bytes(b.to_json())
    (tmp_path / "odd.js").write_text("\n".join(ODD_GENERATED) + "\n", encoding="utf-8")
    return path


def test_odd_characters_hover_selects_the_token_of_each_column(driver: Any, tmp_path: Path) -> None:
    path = odd_map(tmp_path)
    open_page(driver, write_page(tmp_path / "odd.html", path))
    with View.from_path(path) as view:
        tokens = list(view)
        original = view.get_source_contents(0).decode("utf-8", "surrogatepass").split("\n")
        assert len(tokens) == 39
        inside = []
        for i, tok in enumerate(tokens):
            last = i + 1 == len(tokens) or tokens[i + 1].dst_line != tok.dst_line
            hover(driver, lambda: gen_span(driver, tok.dst_line, tok.dst_col))
            expect_original(driver, view, tok.dst_line, tok.dst_col)
            # The span holds the code units from its column to the next
            # token's, the original highlight those from its column to the
            # next mapped original column (the same text here).
            gen = code_units(ODD_GENERATED[tok.dst_line])[tok.dst_col:]
            orig = code_units(original[tok.src_line])[tok.src_col:]
            if not last:
                gen = gen[:tokens[i + 1].dst_col - tok.dst_col]
                orig = orig[:tokens[i + 1].src_col - tok.src_col]
            span = gen_span(driver, tok.dst_line, tok.dst_col)
            assert text_units(driver, span) == gen
            hl = driver.find_element("css selector", "#orig .hl")
            assert text_units(driver, hl) == orig
            if "mid" in str(span.get_attribute("class")).split():
                inside.append((tok.dst_line, tok.dst_col))
                assert "mid" in str(hl.get_attribute("class")).split()
        # The combining marks mapped on their own and the split emoji are
        # drawn apart; nothing else is.
        assert inside == [(2, 3), (2, 4), (5, 5), (6, 2), (7, 1)]
        # The other way: hovering each original span highlights its token.
        for tok in tokens:
            driver.execute_script("window.__lsm.pinned = false; window.__lsm.revealOriginal(0, %d, %d)"
                                  % (tok.src_line, tok.src_col))
            settle(driver)
            hover(driver, lambda: driver.find_element(
                "css selector", '#orig .line[data-line="%d"] span[data-c="%d"]'
                % (tok.src_line, tok.src_col)))
            assert (int(info(driver)["genLine"]), int(info(driver)["genCol"])) == \
                (tok.dst_line + 1, tok.dst_col + 1)
            hl = driver.find_elements("css selector", "#gen .hl")
            assert [(int(h.get_attribute("data-col"))) for h in hl] == [tok.dst_col]
    shot(driver, "odd-characters")


def on_screen(d: Any, pane: str, el: Any) -> bool:
    """Whether `el` is drawn inside the visible part of `pane` (past its
    line-number gutter) and is what the pointer finds at its centre."""
    return d.execute_script(  # type: ignore[no-any-return]
        "const e = arguments[0], p = document.getElementById(arguments[1]).getBoundingClientRect();"
        "const r = e.getBoundingClientRect(), x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;"
        "return r.width > 0 && r.left >= p.left + 64 && r.right <= p.right - 10"
        " && r.top >= p.top && r.bottom <= p.bottom && document.elementFromPoint(x, y) === e;",
        el, pane)


def test_odd_characters_on_long_lines_are_revealed_where_they_are_drawn(
        driver: Any, tmp_path: Path) -> None:
    from libsourcemap.builder import Builder
    # Wide, astral and combining characters before every token: drawn,
    # the columns do not fall where one cell per code unit would put them.
    pieces = ["\u6f22\u5b57\U0001F600e" + "\u0301" * 6 + " v%d=%d;\t" % (n, n) for n in range(150)]
    # And a line of tabs and ASCII, drawn one cell per code unit.
    tabs = "".join("\t\tw%d=%d;" % (n, n) for n in range(300))
    generated = ["".join(pieces), "a" + "\u0301" * 400 + " x=1;", tabs.replace("\tw", " w")]
    original = ["\t" + "".join(p.replace("\U0001F600", "\u6f22\u6f22") for p in pieces),
                "o" + "\u0308" * 300 + " x=1;", "\t" + tabs.replace("\tw", " w")]
    words = [["v%d" % n for n in range(150)], ["x"], ["w%d" % n for n in range(300)]]
    b = Builder(file="long.js")
    src = b.add_source("long.src.js", contents="\n".join(original) + "\n")
    for line in range(3):
        gen_at = orig_at = 0
        gpos = opos = 0
        for word in words[line]:
            gpos = generated[line].index(" " + word + "=", gpos) + 1
            opos = original[line].index(" " + word + "=", opos) + 1
            gen_at, orig_at = units(generated[line][:gpos]), units(original[line][:opos])
            b.add_token(line, gen_at, src, line, orig_at)
            b.add_token(line, gen_at + len(word) + 1, src, line, orig_at + len(word) + 1)
    path = tmp_path / "long.js.map"
    path.write_bytes(b.to_json())
    (tmp_path / "long.js").write_text("\n".join(generated) + "\n", encoding="utf-8")
    open_page(driver, write_page(tmp_path / "long.html", path))
    with View.from_path(path) as view:
        tokens = list(view)
        assert len(tokens) == 902 and units(generated[0]) > 3000 and len(generated[2]) > 3000
        for tok in tokens[:4] + tokens[141:145] + tokens[298:304] + tokens[600:604] + tokens[-4:]:
            span = gen_span(driver, tok.dst_line, tok.dst_col)
            assert on_screen(driver, "gen", span), "generated %d:%d" % (tok.dst_line, tok.dst_col)
            hover(driver, lambda: gen_span(driver, tok.dst_line, tok.dst_col))
            expect_original(driver, view, tok.dst_line, tok.dst_col)
            hl = driver.find_element("css selector", "#orig .hl")
            assert on_screen(driver, "orig", hl), "original %d:%d" % (tok.src_line, tok.src_col)
            assert text_units(driver, hl)[:2] == code_units(original[tok.src_line])[
                tok.src_col:tok.src_col + 2]
    shot(driver, "odd-characters-long-lines")


def test_a_section_mark_after_odd_characters_is_where_its_column_is_drawn(
        driver: Any, tmp_path: Path) -> None:
    first = "\u6f22\U0001F600e\u0301\u0301 a;"
    at = units(first)
    doc = {"version": 3, "file": "two.js", "sections": [
        {"offset": {"line": 0, "column": 0},
         "map": {"version": 3, "sources": ["a.js"], "names": [], "mappings": "AAAA"}},
        {"offset": {"line": 0, "column": at},
         "map": {"version": 3, "sources": ["b.js"], "names": [], "mappings": "AAAA"}}]}
    path = tmp_path / "two.js.map"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (tmp_path / "two.js").write_text(first + "b;\n", encoding="utf-8")
    open_page(driver, write_page(tmp_path / "two.html", path))
    left = "return arguments[0].getBoundingClientRect().left"
    mark = driver.find_element("css selector", '#gen .line[data-line="0"] .sec[data-section="1"]')
    span = driver.find_element("css selector", '#gen .line[data-line="0"] span[data-col="%d"]' % at)
    assert text_units(driver, span) == code_units("b;")
    assert abs(driver.execute_script(left, mark) - driver.execute_script(left, span)) < 1
