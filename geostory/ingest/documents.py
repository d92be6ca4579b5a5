"""Turning pasted text, uploaded files and HTML pages into a :class:`Draft` of an article (pure, no Streamlit).

Supported: plain text, Markdown, HTML (article text, title, date and byline by trafilatura), Word ``.docx``
(read with the standard library) and PDF (with ``pypdf`` when installed). Errors are
:class:`~geostory.errors.IngestError` with a message that says what to do.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from geostory.errors import IngestError
from geostory.model import Article

MAX_UPLOAD_BYTES = 20_000_000
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True, slots=True)
class Draft:
    """An article's text and what its source says about it, before the reader confirms the settings."""

    text: str
    title: str | None = None
    published: str | None = None  # ISO date found in the source's metadata
    byline: str | None = None
    source: str | None = None
    lang: str = "fr"  # detected

    def article(self, *, lang: str | None = None, published: str | dt.date | None = None,
                title: str | None = None) -> Article:
        """The Article: the reader's choices win, then the source's metadata; the date defaults to today."""
        from geostory.cli import headline_of

        when = published or self.published or dt.date.today()
        when = when.isoformat() if isinstance(when, dt.date) else str(when)
        return Article(text=self.text, lang=lang or self.lang, published=when,
                       title=(title or "").strip() or self.title or headline_of(self.text), source=self.source)


def detect_lang(text: str) -> str:
    """'fr' or 'en' (see :func:`geostory.cli.detect_lang`)."""
    from geostory.cli import detect_lang as _detect

    return _detect(text)


def max_chars() -> int:
    """The longest article text accepted: the pipeline's own limit (``$GEOSTORY_MAX_CHARS``)."""
    from geostory.extract.pipeline import max_article_chars

    return max_article_chars()


def clean_text(text: str) -> str:
    """Normalised article text: NFC, Unix line ends, no control characters, at most one blank line in a row;
    IngestError when empty or longer than :func:`max_chars`."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise IngestError("there is no text in it: give an article with at least one sentence")
    if len(text) > max_chars():
        raise IngestError(f"the text has {len(text):,} characters, more than the {max_chars():,} a story can have "
                          "(too long); split it into articles")
    return text


def from_text(text: str, *, source: str | None = None, title: str | None = None) -> Draft:
    """A draft from pasted text."""
    text = clean_text(text)
    return Draft(text=text, title=title, source=source, lang=detect_lang(text))


def decode(data: bytes, name: str = "the file", charset: str | None = None) -> str:
    """Bytes to text: a BOM (UTF-8/16/32) decides, else the declared charset, else UTF-8; binary is refused."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise IngestError(f"{name} starts like {codec} text but is not valid {codec}") from None
    if b"\x00" in data[:8192]:
        raise IngestError(f"{name} looks binary (NUL bytes); give a text, HTML, Word or PDF file")
    for codec in (charset, "utf-8"):
        if not codec:
            continue
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name} is not valid UTF-8 (byte {exc.start}); re-save it as UTF-8") from None
    raise AssertionError("unreachable")


def markdown_to_text(md: str) -> str:
    """Markdown to plain text: headings, emphasis, links, images, lists and code marks removed."""
    md = re.sub(r"^```.*?$", "", md, flags=re.MULTILINE)
    md = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", md)
    md = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", md)
    md = re.sub(r"^\s{0,3}#{1,6}\s*", "", md, flags=re.MULTILINE)
    md = re.sub(r"^\s{0,3}>\s?", "", md, flags=re.MULTILINE)
    md = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", md, flags=re.MULTILINE)
    md = re.sub(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$", "", md, flags=re.MULTILINE)
    md = re.sub(r"(\*\*|__)(.+?)\1", r"\2", md)
    md = re.sub(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])", r"\2", md)
    return md.replace("`", "")


def _html_source(data: bytes, name: str, charset: str | None = None) -> str | bytes:
    """HTML as text when it decodes, else the bytes (trafilatura reads the page's own charset declaration)."""
    try:
        return decode(data, name, charset)
    except IngestError:
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise
        return data


def from_html(html: str | bytes, *, url: str | None = None) -> Draft:
    """The article in an HTML page (trafilatura): its text, title, publication date and byline."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=False, favor_precision=True)
    except Exception as exc:  # noqa: BLE001 - a parser failing on hostile HTML is an input problem
        raise IngestError(f"the page could not be read as HTML ({exc.__class__.__name__})") from None
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    if not text.strip():
        raise IngestError("no article text found in the page: paste the text instead")
    title = _meta(doc, "title")
    lines = text.strip().split("\n")
    if title and len(lines) > 1 and lines[0].strip() == title.strip():
        text = "\n".join(lines[1:])  # the headline repeated as the first line
    text = clean_text(text)
    return Draft(text=text, title=title, published=_iso_date(_meta(doc, "date")), byline=_meta(doc, "author"),
                 source=url, lang=_lang(_meta(doc, "language")) or detect_lang(text))


def _meta(doc, name: str) -> str | None:
    value = getattr(doc, name, None)
    return " ".join(str(value).split()) or None if value else None


def _lang(value: str | None) -> str | None:
    code = (value or "").split("-")[0].lower()
    return code if code in ("fr", "en") else None


def _iso_date(value: str | None) -> str | None:
    try:
        return dt.date.fromisoformat((value or "")[:10]).isoformat() if value else None
    except ValueError:
        return None


def docx_to_text(data: bytes, name: str = "the file") -> tuple[str, str | None]:
    """The paragraphs of a Word ``.docx`` and its title (document properties), standard library only."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            body = z.read("word/document.xml")
            core = z.read("docProps/core.xml") if "docProps/core.xml" in z.namelist() else b""
        root = ElementTree.fromstring(body)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        raise IngestError(f"{name} is not a readable .docx file (Word 2007 or later)") from None
    paragraphs = []
    for p in root.iter(f"{_W}p"):
        parts = []
        for node in p.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_W}tab":
                parts.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts))
    title = None
    if core:
        try:
            found = ElementTree.fromstring(core).find("{http://purl.org/dc/elements/1.1/}title")
            title = " ".join((found.text or "").split()) or None if found is not None else None
        except ElementTree.ParseError:
            title = None
    return "\n\n".join(p for p in paragraphs if p.strip()), title


def pdf_to_text(data: bytes, name: str = "the file") -> tuple[str, str | None]:
    """The text of a PDF and its title, with ``pypdf`` (``pip install pypdf``)."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:
        raise IngestError("reading PDF files needs pypdf: `pip install pypdf`, or paste the text") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or None
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"{name} is not a readable PDF ({exc.__class__.__name__})") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise IngestError(f"{name} has no text layer (a scan?): paste the text instead")
    return re.sub(r"(\w)-\n(\w)", r"\1\2", text), title


def from_upload(name: str, data: bytes) -> Draft:
    """A draft from an uploaded file, by its suffix: .txt, .md, .html/.htm, .docx, .pdf."""
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in TEXT_SUFFIXES:
        raise IngestError(f"{name}: cannot read {suffix or 'files without a suffix'}; "
                          f"upload {', '.join(TEXT_SUFFIXES)}")
    if len(data) > MAX_UPLOAD_BYTES:
        raise IngestError(f"{name} is {len(data):,} bytes, more than the {MAX_UPLOAD_BYTES:,} allowed")
    title = None
    if suffix in (".html", ".htm"):
        draft = from_html(_html_source(data, name))
        return Draft(draft.text, draft.title, draft.published, draft.byline, name, draft.lang)
    if suffix == ".docx":
        text, title = docx_to_text(data, name)
    elif suffix == ".pdf":
        text, title = pdf_to_text(data, name)
    else:
        text = decode(data, name)
        if suffix in (".md", ".markdown"):
            heading = re.match(r"\s*#\s+(.+)", text)
            title = heading.group(1).strip() if heading else None
            text = markdown_to_text(text)
    return from_text(text, source=name, title=title)


def from_url(url: str, **fetch_options) -> Draft:
    """A draft from a web page (see :func:`geostory.ingest.fetch.fetch` for the rules and options)."""
    from geostory.ingest.fetch import fetch

    page = fetch(url, **fetch_options)
    if page.content_type.startswith("text/plain"):
        return from_text(decode(page.body, page.url, page.charset), source=page.url)
    if page.content_type and not any(t in page.content_type for t in ("html", "xml")):
        raise IngestError(f"{page.url[:120]} is {page.content_type}, not a web page: download it and upload the file")
    return from_html(_html_source(page.body, page.url, page.charset), url=page.url)
