"""Many users at once on one dashboard server, through Streamlit's own websocket protocol.

Each session is what a browser tab is to the server: a websocket on ``/_stcore/stream`` sending ``BackMsg``
reruns (query string and widget states, exactly as the web client does) and reading back the ``ForwardMsg``
stream (headings, widgets, the map component's arguments, errors, URL changes). All sessions run concurrently:

- half open the seed story, half the hand-made sample, each by its own URL;
- each picks a place in the "Find a place" box (the widget value a click sends), then another (the last four of
  twenty clear theirs, so every final state but those is unique);
- a few paste a different short article and map it (extraction under load), each must land on its own new story;
- when all are done, each reruns once more and must still show its own story and selection: panel heading, URL,
  and the selected marker in the map it was sent.

Meanwhile a monitor samples the server's resident memory and the latency of its health endpoint. Used by
tests/test_load.py (assertions) and benchmarks/robustness.py (figures).
"""

from __future__ import annotations

import asyncio
import re
import statistics
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Self
from urllib.parse import parse_qs

PICKER = "Find a place"
ARTICLE_BOX = "Article text"
SUBMIT = "Map it"
PASTE_CITIES = ("Lyon", "Marseille", "Toulouse", "Bordeaux", "Lille", "Nantes", "Strasbourg", "Rennes")


@dataclass
class Page:
    """What one script run sent to the session."""

    headings: list[tuple[str, str]] = field(default_factory=list)  # (tag, text)
    widgets: dict[str, str] = field(default_factory=dict)  # label -> widget id
    options: dict[str, list[str]] = field(default_factory=dict)  # selectbox label -> options
    map_args: str = ""
    problems: list[str] = field(default_factory=list)  # exceptions and error boxes

    def heading(self, tag: str) -> list[str]:
        return [text for t, text in self.headings if t == tag]

    def selected_marker(self) -> str | None:
        found = re.search(r'gs-selected\\*" data-place=\\*"([^"\\]+)', self.map_args)  # JSON in JSON: escaped twice
        return found.group(1) if found else None


@dataclass
class LoadReport:
    sessions: int
    held: int = 0
    pasted: int = 0
    failures: list[str] = field(default_factory=list)
    crossed: list[str] = field(default_factory=list)  # a session showing what it did not choose
    run_seconds: list[float] = field(default_factory=list)
    start_rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    end_rss_mb: float = 0.0
    slowest_health_ms: float = 0.0
    health_checks: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        runs = sorted(self.run_seconds) or [0.0]
        return {"sessions": self.sessions, "held": self.held, "pasted_and_mapped": self.pasted,
                "failures": len(self.failures), "crossed": len(self.crossed), "script_runs": len(self.run_seconds),
                "run_s_median": round(statistics.median(runs), 2), "run_s_max": round(runs[-1], 2),
                "server_rss_mb_start": round(self.start_rss_mb), "server_rss_mb_peak": round(self.peak_rss_mb),
                "server_rss_mb_end": round(self.end_rss_mb), "slowest_health_ms": round(self.slowest_health_ms),
                "health_checks": self.health_checks, "seconds": round(self.seconds, 1)}


class Session:
    """One client of the Streamlit server, speaking its websocket protocol."""

    def __init__(self, port: int, query: str, report: LoadReport):
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.query = query
        self.report = report
        self.ws = None

    async def __aenter__(self) -> Self:
        import websockets

        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=60)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def run(self, widgets: dict[str, object] | None = None, timeout: float = 120) -> Page:
        """One rerun with these widget values (id -> value; True for a trigger); the page of the last full run."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_script_hash = ""
        for wid, value in (widgets or {}).items():
            w = msg.rerun_script.widget_states.widgets.add()
            w.id = wid
            if value is True:
                w.trigger_value = True
            elif value is None:
                pass  # no value: the widget is cleared
            else:
                w.string_value = str(value)
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        page = Page()
        async with asyncio.timeout(timeout):
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await self.ws.recv())
                kind = fm.WhichOneof("type")
                if kind == "new_session":
                    page = Page()
                elif kind == "page_info_changed":
                    self.query = fm.page_info_changed.query_string
                elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                    self._read(fm.delta.new_element, page)
                elif kind == "script_finished":
                    if fm.script_finished == fm.FINISHED_EARLY_FOR_RERUN:
                        continue  # st.rerun(): the server starts the next run itself
                    self.report.run_seconds.append(time.perf_counter() - started)
                    if fm.script_finished != fm.FINISHED_SUCCESSFULLY:
                        page.problems.append(f"script finished with status {fm.script_finished}")
                    return page

    @staticmethod
    def _read(element, page: Page) -> None:
        kind = element.WhichOneof("type")
        el = getattr(element, kind)
        if kind == "heading":
            page.headings.append((el.tag, el.body.strip()))
        elif kind in ("selectbox", "text_area", "button", "date_input", "text_input"):
            page.widgets[el.label] = el.id
            if kind == "selectbox":
                page.options[el.label] = list(el.options)
        elif kind == "component_instance" and el.component_name.endswith("st_folium"):
            page.map_args = el.json_args
        elif kind == "exception":
            page.problems.append(f"exception {el.type}: {el.message[:200]}")
        elif kind == "alert" and el.format == el.ERROR:
            page.problems.append(f"error box: {el.body[:200]}")

    def param(self, name: str) -> str | None:
        return (parse_qs(self.query).get(name) or [None])[0]


def option_label(place) -> str:
    """The place's line in the place search box (as components/places.py writes it)."""
    return f"{place.name} ({place.kind}{f', {place.country}' if place.country else ''})"


def _check(page: Page, session: Session, story_name: str, title: str, place, who: str) -> list[str]:
    """What is wrong with what ``session`` shows, given it chose ``story_name`` and ``place`` (None: no place)."""
    out = [f"{who}: {p}" for p in page.problems]
    if session.param("story") != story_name:
        out.append(f"{who}: URL story {session.param('story')!r}, not {story_name!r}")
    if page.heading("h1") != [title]:
        out.append(f"{who}: title {page.heading('h1')!r}, not {title!r}")
    want_id = place.id if place else None
    if session.param("place") != want_id:
        out.append(f"{who}: URL place {session.param('place')!r}, not {want_id!r}")
    panel = page.heading("h3")[:1]
    if panel != [place.name if place else "Places of the story"]:
        out.append(f"{who}: panel {panel!r}, not {place.name if place else 'the overview'!r}")
    if page.selected_marker() != want_id:
        out.append(f"{who}: selected marker {page.selected_marker()!r}, not {want_id!r}")
    return out


async def _browse(port: int, i: int, story_name: str, story, picks: list, barrier: list,
                  report: LoadReport) -> None:
    who = f"session {i} ({story_name})"
    title = story.article.title
    try:
        async with Session(port, f"story={story_name}", report) as s:
            page = await s.run()
            report.crossed += _check(page, s, story_name, title, None, who + " opening")
            picker = page.widgets[PICKER]
            for place in picks:
                page = await s.run({picker: option_label(place) if place else None})
                report.crossed += _check(page, s, story_name, title, place, who + f" after picking {place and place.id}")
            report.held += 1
            barrier.append(i)
            while len(barrier) < report.sessions:  # look again once every session has made its choices
                await asyncio.sleep(0.2)
            page = await s.run()
            report.crossed += _check(page, s, story_name, title, picks[-1], who + " at the end")
    except Exception as exc:  # noqa: BLE001 - a failed session is a figure, with its cause
        report.failures.append(f"{who}: {type(exc).__name__}: {str(exc)[:200]}")
        barrier.append(i)


async def _paste(port: int, i: int, city: str, barrier: list, report: LoadReport) -> None:
    who = f"session {i} (pastes {city})"
    text = (f"Le maire de {city} a reçu mardi le ministre de l'Intérieur. Ils ont visité le centre de {city} "
            f"avant de partir pour Paris. « Nous reviendrons à {city} », a déclaré le ministre.")
    try:
        async with Session(port, "story=seed", report) as s:
            page = await s.run()
            page = await s.run({page.widgets[ARTICLE_BOX]: text, page.widgets[SUBMIT]: True}, timeout=300)
            name = s.param("story") or ""
            problems = [f"{who}: {p}" for p in page.problems]
            if not name.startswith("u-"):
                problems.append(f"{who}: did not open a new story (URL story {name!r})")
            if not page.heading("h1") or city not in page.heading("h1")[0]:
                problems.append(f"{who}: shows {page.heading('h1')!r}, not its own article")
            if not any(o.startswith(f"{city} (") for o in page.options.get(PICKER, [])):
                problems.append(f"{who}: its places {page.options.get(PICKER)!r} lack {city}")
            report.crossed += problems
            report.pasted += not problems
            report.held += 1
            barrier.append(i)
            while len(barrier) < report.sessions:
                await asyncio.sleep(0.2)
            page = await s.run()
            if s.param("story") != name or not page.heading("h1") or city not in page.heading("h1")[0]:
                report.crossed.append(f"{who}: at the end shows {s.param('story')!r} {page.heading('h1')!r}")
    except Exception as exc:  # noqa: BLE001
        report.failures.append(f"{who}: {type(exc).__name__}: {str(exc)[:200]}")
        barrier.append(i)


class _Monitor(threading.Thread):
    """Samples the server's resident memory and the latency of its health endpoint until stopped."""

    def __init__(self, server, report: LoadReport):
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process(server.proc.pid)
        self.url = f"{server.url}/_stcore/health"
        self.report = report
        self.done = threading.Event()

    def rss_mb(self) -> float:
        return sum(p.memory_info().rss for p in (self.proc, *self.proc.children(recursive=True))) / 2**20

    def run(self) -> None:
        while not self.done.is_set():
            self.report.peak_rss_mb = max(self.report.peak_rss_mb, self.rss_mb())
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(self.url, timeout=30) as r:
                    r.read()
                self.report.health_checks += 1
                self.report.slowest_health_ms = max(self.report.slowest_health_ms, 1000 * (time.perf_counter() - t))
            except OSError as exc:
                self.report.failures.append(f"health check failed: {exc}")
            self.done.wait(0.5)


def run_load(server, stories: dict, sessions: int = 20, pasters: int = 4) -> LoadReport:
    """``sessions`` concurrent sessions against a running ``AppServer`` serving ``stories`` ({name: Story}, two);
    ``pasters`` of them map a new article each."""
    report = LoadReport(sessions)
    names = list(stories)
    barrier: list[int] = []
    jobs = []
    for i in range(sessions):
        if i < pasters:
            jobs.append((_paste, (server.port, i, PASTE_CITIES[i % len(PASTE_CITIES)], barrier, report)))
            continue
        name = names[i % len(names)]
        mapped = [p for p in stories[name].places if p.resolved]
        k = (i - pasters) // len(names)  # rank among the sessions of this story
        last = mapped[k] if k < len(mapped) else None  # unique final choices, then "no selection"
        first = mapped[(k * 5 + 3) % len(mapped)]
        jobs.append((_browse, (server.port, i, name, stories[name], [first, last], barrier, report)))

    async def main() -> None:
        await asyncio.gather(*(job(*args) for job, args in jobs))

    monitor = _Monitor(server, report)
    report.start_rss_mb = monitor.rss_mb()
    monitor.start()
    t = time.perf_counter()
    try:
        asyncio.run(main())
    finally:
        monitor.done.set()
        monitor.join()
    report.seconds = time.perf_counter() - t
    report.end_rss_mb = monitor.rss_mb()
    return report
