"""Accessibility of the seed dashboard, checked by axe-core in headless Chromium, and the server's memory.

axe-core (``tests/vendor/axe-core/axe.min.js``, from the npm registry; a test asset, never served by the app) is
injected with Playwright into the running dashboard (``tests/apprunner.py``: ``streamlit run`` on a free port, every
non-local request aborted). Three views are scanned: the seed story as it opens (page and map iframe), the seed with
a place selected (``?place=``), and the sidebar opened. Serious and critical violations fail the test; a rule that
axe could not evaluate also fails it (an unevaluated rule is not a pass). Keyboard: Tab from the top of the page
reaches every control (language switch, place search, both ends of the date range, the scrolling timeline and
article regions, the map, the downloads), and the language switch works with the arrow keys and Space.

The peak resident memory of a Streamlit server showing the seed is written to ``artifacts/dashboard-memory.json``
and compared with Streamlit Community Cloud's smallest memory allowance (690 MB).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from tests.apprunner import (
    CHROMIUM,
    AppServer,
    content_frame,
    map_frame,
    offline_browser,
    offline_page,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
SEED = ROOT / "data" / "seed.story.json"
ARTIFACTS = ROOT / "artifacts"
BLOCKING = ("serious", "critical")
CLOUD_MIN_MEMORY_MB = 690  # Community Cloud: "Memory: 690MB minimum, 2.7GBs maximum" (docs, resource limits)

_RUN_AXE = """async (include) => {
    const r = await axe.run(include ? {include: [[include]]} : document,
                            {iframes: false, resultTypes: ['violations', 'incomplete']});
    const node = n => ({html: n.html.slice(0, 400), target: n.target.join(' '),
                        data: (n.any.concat(n.all, n.none).find(c => c.data) || {}).data || null,
                        summary: n.failureSummary || ''});
    return {
        violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(node)})),
        errors: r.incomplete.filter(v => v.error).map(v => ({id: v.id, error: String(v.error.message || v.error)})),
    };
}"""


def _require_chromium() -> None:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} not found: `apt-get install chromium` (Playwright's own browser download is unavailable)"
    if os.environ.get("CI") or os.environ.get("GEOSTORY_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " -- the browser tests must run in CI")
    pytest.skip(message)


class PeakRSS:
    """Peak resident memory of one process: sampled with psutil, and the kernel's own high-water mark (VmHWM)."""

    def __init__(self, pid: int, interval: float = 0.05):
        import psutil

        self.proc = psutil.Process(pid)
        self.interval, self.peak, self.stop = interval, 0, threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        import psutil

        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, self.proc.memory_info().rss)
            except psutil.Error:
                return
            self.stop.wait(self.interval)

    def snapshot(self) -> dict:
        info = self.proc.memory_info()
        self.peak = max(self.peak, info.rss)
        hwm = None
        status = Path(f"/proc/{self.proc.pid}/status")
        if status.exists():
            m = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.MULTILINE)
            hwm = int(m.group(1)) / 1024 if m else None
        return {"rss_mb": round(info.rss / 2**20, 1), "sampled_peak_rss_mb": round(self.peak / 2**20, 1),
                "kernel_peak_rss_mb": round(hwm, 1) if hwm else None}

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)


def link_built_gazetteers(cache: Path) -> None:
    """Reuse this machine's built gazetteer indexes (opened read-only): the place view then needs no rebuild."""
    from geostory.gazetteer.build import default_cache_dir

    for built in default_cache_dir().glob("gazetteer-*.sqlite"):
        (cache / built.name).symlink_to(built)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_chromium()
    cache = tmp_path_factory.mktemp("a11y-cache")  # no saved stories or settings from this machine
    link_built_gazetteers(cache)
    with AppServer(env={"GEOSTORY_CACHE": str(cache), "GEOSTORY_STORY_DIR": str(SEED.parent)}) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server):
    """One Chromium for the module (Playwright's sync API allows one at a time)."""
    with offline_browser() as b:
        yield b


def open_seed(browser, url: str):
    """A page showing the seed dashboard, settled: markers drawn, script run finished."""
    page = offline_page(browser)
    page.goto(url)
    map_frame(page).locator(".gs-marker[data-place], .marker-cluster").first.wait_for(state="visible", timeout=60000)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60000)
    page.wait_for_timeout(800)  # fade-in of re-rendered elements
    return page


def scan(frame, view: str, include: str | None = None) -> tuple[list[dict], list[dict]]:
    """(serious/critical violations as flat records, rules axe could not evaluate) of one document."""
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        frame.evaluate(AXE.read_text(encoding="utf-8"))
    result = frame.evaluate(_RUN_AXE, include)
    found = [
        {"view": view, "rule": v["id"], "impact": v["impact"], "help": v["help"], "where": where(v["id"], n),
         "html": n["html"], "summary": n["summary"]}
        for v in result["violations"] if v["impact"] in BLOCKING for n in v["nodes"]
    ]
    return found, [{"view": view, **e} for e in result["errors"]]


def where(rule: str, node: dict) -> str:
    """A stable name for a failing node (no generated CSS class names, no text that changes with the UI language)."""
    data = node.get("data") or {}
    if rule == "color-contrast" and isinstance(data, dict) and data.get("fgColor"):
        return f"{data['fgColor']} on {data['bgColor']}"
    testid = re.search(r'data-testid="([^"]+)"', node["html"])
    height = re.search(r'\bheight="([^"]+)"', node["html"])
    tag = re.match(r"<(\w+)", node["html"])
    parts = [testid.group(1) if testid else (tag.group(1) if tag else "?")]
    if height:
        parts.append(f"height={height.group(1)}")
    return " ".join(parts)


def busiest_place_id() -> str:
    story = json.loads(SEED.read_text(encoding="utf-8"))
    events = {p["id"]: 0 for p in story["places"]}
    for e in story.get("events", []):
        for pid in e.get("places", []):
            if pid in events:
                events[pid] += 1
    return max(events, key=events.get)


def write_report(name: str, data) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")


def test_seed_dashboard_has_no_serious_accessibility_violations(server, browser):
    violations, errors = [], []
    page = open_seed(browser, server.url + "/")
    for found, errs in (scan(page.main_frame, "seed"),
                        scan(content_frame(page), "seed-map")):
        violations += found
        errors += errs
    page.close()

    page = open_seed(browser, f"{server.url}/?place={busiest_place_id()}")
    found, errs = scan(page.main_frame, "place")
    violations += found
    errors += errs
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_test_id("stSidebar").wait_for(state="visible")
    page.wait_for_timeout(800)  # slide-in transition
    # the sidebar alone: with it open, axe's colour grid fails on the main column (axe-core issue #4253)
    found, errs = scan(page.main_frame, "sidebar", include="[data-testid=stSidebar]")
    violations += found
    errors += errs
    page.close()

    write_report("a11y-violations.json", {"violations": violations, "errors": errors})
    assert not errors, f"axe could not evaluate these rules (that is not a pass): {errors}"
    assert not violations, "serious/critical violations:\n" + "\n".join(
        f"{v['view']}: {v['rule']} ({v['impact']}) at {v['where']}: {v['html'][:160]}\n  {v['summary']}"
        for v in violations)


_FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const group = e.closest('[role=radiogroup]');
    return {tag: e.tagName.toLowerCase(), role: e.getAttribute('role') || '', label: e.getAttribute('aria-label') || '',
            group: group ? group.getAttribute('aria-label') || '' : '', text: (e.innerText || '').trim().slice(0, 60)};
}"""


def tab_through(page, presses: int = 300) -> list[dict]:
    """What keyboard focus lands on, Tab after Tab from the top of the page (the map iframe counts once)."""
    seen: list[dict] = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused and focused not in seen:
            seen.append(focused)
    return seen


def test_controls_are_keyboard_reachable(server, browser):
    """Tab reaches the language switch, the place search, the date slider, both scrolling regions, the map and
    the downloads: everything the mouse can use on the seed page."""
    page = open_seed(browser, server.url + "/?lang=en")
    seen = tab_through(page)
    write_report("a11y-keyboard.json", seen)

    def reached(**want) -> bool:
        return any(all(f.get(k) == v for k, v in want.items()) for f in seen)

    assert reached(role="radio", group="Interface language"), seen
    assert reached(role="combobox", label="Find a place"), seen
    ends = [f["label"] for f in seen if f["tag"] == "input" and f["label"].startswith("Show places with events")]
    assert len(ends) == 2, seen  # both ends of the date range
    assert reached(role="region", label="Timeline events") and reached(role="region", label="Article (full text)"), seen
    assert reached(tag="iframe"), seen  # the map: its controls and markers are inside
    assert reached(tag="button", text="GeoJSON"), seen

    # the switch works from the keyboard: focus it, arrow to the other language, the page turns French
    page.locator("[role=radiogroup][aria-label='Interface language'] [role=radio][aria-checked=true]").focus()
    page.keyboard.press("ArrowLeft")  # EN -> FR: the arrow keys move in the group, Space chooses
    assert page.evaluate("document.activeElement.innerText") == "FR"
    page.keyboard.press("Space")
    page.get_by_role("heading", name="Les lieux du récit").wait_for(timeout=30000)
    assert "lang=fr" in page.url
    page.close()


def test_dashboard_memory_within_cloud_allowance(browser, tmp_path):
    """Peak resident memory of a fresh Streamlit server showing the seed (two sessions) stays under Cloud's minimum.

    Only the seed view: selecting a place builds the offline gazetteer in the server on a cold cache, and "Map it"
    loads spaCy; docs/deploy.md gives those figures.
    """
    with AppServer(env={"GEOSTORY_CACHE": str(tmp_path), "GEOSTORY_STORY_DIR": str(SEED.parent)}) as srv:
        memory = PeakRSS(srv.proc.pid)
        try:
            for _ in range(2):
                open_seed(browser, srv.url + "/").close()
            figures = memory.snapshot()
        finally:
            memory.close()
    figures.update(cloud_min_mb=CLOUD_MIN_MEMORY_MB, cloud_max_mb=2700, view="seed dashboard, two sessions")
    write_report("dashboard-memory.json", figures)
    peak = max(figures["sampled_peak_rss_mb"], figures["kernel_peak_rss_mb"] or 0)
    assert 0 < peak < CLOUD_MIN_MEMORY_MB, figures


# -- place kinds are told apart without colour vision -------------------------------------------------------------

# Machado, Oliveira & Fernandes (2009), full severity, applied to linear RGB.
CVD = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}
DISTINCT = 10.0  # CIEDE2000: colours closer than this are treated as confusable


def _lab(colour: str, matrix) -> tuple[float, float, float]:
    lin = [(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
           for c in (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))]
    r, g, b = (min(max(sum(m * v for m, v in zip(row, lin, strict=True)), 0.0), 1.0) for row in matrix)
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * b, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           0.0193 * r + 0.1192 * g + 0.9505 * b)
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
                  for t in (xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(lab1, lab2) -> float:
    """The CIEDE2000 colour difference (Sharma, Wu & Dalal 2005)."""
    import math

    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    cbar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(cbar**7 / (cbar**7 + 25**7)))
    a1, a2 = a1 * (1 + g), a2 * (1 + g)
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1, h2 = (math.degrees(math.atan2(b, a)) % 360 for a, b in ((a1, b1), (a2, b2)))
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    dl, dc, dhh = l2 - l1, c2 - c1, 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    lbar, cbar = (l1 + l2) / 2, (c1 + c2) / 2
    hbar = h1 + h2 if c1 * c2 == 0 else ((h1 + h2) / 2 if abs(h1 - h2) <= 180 else (h1 + h2 + 360 * (h1 + h2 < 360) - 360 * (h1 + h2 >= 360)) / 2)
    t = (1 - 0.17 * math.cos(math.radians(hbar - 30)) + 0.24 * math.cos(math.radians(2 * hbar))
         + 0.32 * math.cos(math.radians(3 * hbar + 6)) - 0.20 * math.cos(math.radians(4 * hbar - 63)))
    sl = 1 + 0.015 * (lbar - 50) ** 2 / math.sqrt(20 + (lbar - 50) ** 2)
    sc, sh = 1 + 0.045 * cbar, 1 + 0.015 * cbar * t
    rt = -math.sin(math.radians(60 * math.exp(-(((hbar - 275) / 25) ** 2)))) * 2 * math.sqrt(cbar**7 / (cbar**7 + 25**7))
    return math.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2 + rt * (dc / sc) * (dhh / sh))


def test_ciede2000_matches_the_published_test_data():
    # pairs 1, 7 and 17 of Sharma, Wu & Dalal's table
    assert round(ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)), 4) == 2.0425
    assert round(ciede2000((50, 0, 0), (50, -1, 2)), 4) == 2.3669
    assert round(ciede2000((50, 2.5, 0), (73, 25, -18)), 4) == 27.1492


def test_place_kinds_differ_by_shape_where_colour_blind_readers_confuse_colours():
    """Two kinds whose colours a protanope, deuteranope or tritanope may confuse have different marker shapes; the
    article's highlights and legend carry the shape too (components/html.py), so the kind is never told by colour
    alone."""
    import itertools

    from components.html import SHAPE_GLYPHS, article_html, legend_chips
    from components.i18n import kind_label
    from geostory.export import story_from_json
    from geostory.maps.style import KIND_STYLES

    confusable = []
    for (k1, s1), (k2, s2) in itertools.combinations(KIND_STYLES.items(), 2):
        worst = min(ciede2000(_lab(s1.colour, m), _lab(s2.colour, m)) for m in CVD.values())
        if worst < DISTINCT:
            confusable.append((k1, k2, round(worst, 1)))
            assert s1.shape != s2.shape, f"{k1} and {k2}: same shape, colours {worst:.1f} apart for colour-blind readers"
    assert confusable  # the check is not vacuous: blue country and purple region look alike to a deuteranope
    assert set(SHAPE_GLYPHS) >= {s.shape for s in KIND_STYLES.values()}

    story = story_from_json(SEED.read_text(encoding="utf-8"))
    body = article_html(story, lang="fr")
    shapes = re.findall(r'<mark data-shape="(\w+)"[^>]*title="[^"]*\(([^)"]+)\)"', body)
    assert {kind for _, kind in shapes} == {kind_label(p.kind, "fr").lower() for p in story.places if p.mentions}
    kinds = {kind_label(k, "fr").lower(): s.shape for k, s in KIND_STYLES.items()}
    assert all(kinds[kind] == shape for shape, kind in shapes), shapes
    chips = legend_chips(list(KIND_STYLES))
    assert all(SHAPE_GLYPHS[s.shape] in chips for s in KIND_STYLES.values())
