"""Bringing an article in: text, files, and web pages fetched from a local server started by the test (never the
internet): a normal page, redirects, redirects to private addresses, pages too large, a server that never answers."""

from __future__ import annotations

import http.server
import io
import ipaddress
import socket
import threading
import zipfile
from collections.abc import Iterator

import pytest

from geostory.errors import IngestError
from geostory.export import story_to_json
from geostory.ingest import (
    STAGES,
    decode,
    extract_in_stages,
    fetch,
    from_html,
    from_text,
    from_upload,
    from_url,
    max_chars,
    refused_reason,
)
from geostory.ingest.documents import markdown_to_text

LOCAL = ("127.0.0.1",)
PAGE = """<!doctype html><html lang="fr"><head><title>Inondations à Nantes - Le Quotidien</title>
<meta property="og:title" content="Inondations à Nantes">
<meta name="author" content="Claire Dubois">
<meta property="article:published_time" content="2024-02-11T08:30:00+01:00"></head>
<body><nav>Accueil | Sport | Météo</nav><article><h1>Inondations à Nantes</h1>
<p>La Loire est sortie de son lit samedi à Nantes, où les pompiers ont évacué deux cents habitants.</p>
<p>« Nous n'avions jamais vu cela », a déclaré le maire. À Angers, la situation restait calme dimanche.</p>
<script>document.write("<p>publicité</p>")</script></article><footer>© Le Quotidien</footer></body></html>"""


class Handler(http.server.BaseHTTPRequestHandler):
    """Routes of the test server; ``server.hang`` holds the threads of requests that never get an answer."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        routes = {
            "/article": (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE.encode()),
            "/plain": (200, {"Content-Type": "text/plain; charset=utf-8"}, "Il pleut à Brest depuis lundi.".encode()),
            "/redirect": (302, {"Location": "/article"}, b""),
            "/redirect-abs": (301, {"Location": f"http://127.0.0.1:{port}/redirect"}, b""),
            "/loop": (302, {"Location": "/loop"}, b""),
            "/to-private": (302, {"Location": "http://10.1.2.3/article"}, b""),
            "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
            "/to-other-loopback": (302, {"Location": f"http://127.0.0.2:{port}/article"}, b""),
            "/to-ipv6-loopback": (307, {"Location": f"http://[::1]:{port}/article"}, b""),
            "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
            "/big-declared": (200, {"Content-Type": "text/html", "Content-Length": str(10_000_000)}, b""),
            "/image": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n"),
            "/missing": (404, {"Content-Type": "text/html"}, b"<p>gone</p>"),
        }
        if self.path == "/big-chunked":  # no Content-Length: the cap must hold while reading
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(400):
                try:
                    self.wfile.write(b"<p>" + b"x" * 8192 + b"</p>")
                except OSError:
                    return
            return
        if self.path == "/never":
            self.server.release.wait(30)  # holds the connection open without a byte of answer
            return
        status, headers, body = routes.get(self.path, (404, {}, b""))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.release = threading.Event()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.release.set()
        srv.shutdown()
        srv.server_close()


# -- web pages ---------------------------------------------------------------------------------------------


def test_a_normal_page_gives_its_text_title_date_and_byline(server):
    draft = from_url(server + "/article", allow=LOCAL)
    assert draft.title == "Inondations à Nantes"
    assert draft.published == "2024-02-11" and draft.byline == "Claire Dubois" and draft.lang == "fr"
    assert draft.text.startswith("La Loire est sortie de son lit samedi à Nantes")
    assert "Angers" in draft.text and "Accueil" not in draft.text and "publicité" not in draft.text
    assert draft.source == server + "/article"
    article = draft.article()
    assert article.published == "2024-02-11" and article.title == "Inondations à Nantes"


def test_redirects_are_followed_and_each_hop_checked(server):
    page = fetch(server + "/redirect-abs", allow=LOCAL)
    assert page.url == server + "/article"
    assert page.redirects == (server + "/redirect-abs", server + "/redirect")
    assert from_url(server + "/redirect", allow=LOCAL).title == "Inondations à Nantes"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/to-private", "10.1.2.3, a private network address"),
        ("/to-metadata", "169.254.169.254, a link-local address"),
        ("/to-other-loopback", "127.0.0.2, a loopback address"),
        ("/to-ipv6-loopback", "::1, a loopback address"),
        ("/to-file", "only http and https"),
    ],
)
def test_a_redirect_to_a_forbidden_address_is_refused(server, path, words):
    """The first hop (the test server) is allowed; where it redirects is not, and nothing is fetched there."""
    with pytest.raises(IngestError, match="refused|only http") as err:
        fetch(server + path, allow=LOCAL)
    assert words in str(err.value)


def test_loopback_is_refused_unless_allowed(server):
    with pytest.raises(IngestError, match="127.0.0.1, a loopback address"):
        fetch(server + "/article")
    with pytest.raises(IngestError, match="localhost resolves to .*loopback"):
        fetch(server.replace("127.0.0.1", "localhost") + "/article")
    assert fetch(server + "/article", allow_private=True).body.startswith(b"<!doctype html>")


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/a.txt", "gopher://x", "javascript:alert(1)", "data:text/html,<p>hi</p>",
     "example.org/article", "http://user:secret@example.org/", "http://", "http://[::1"],
)
def test_only_plain_http_links_are_taken(url):
    with pytest.raises(IngestError):
        fetch(url)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.8", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1",
     "fe80::1", "fd00::1", "::ffff:10.0.0.1", "224.0.0.1", "240.0.0.1"],
)
def test_every_non_public_address_has_a_reason(address):
    assert refused_reason(ipaddress.ip_address(address))


def test_public_addresses_pass():
    assert refused_reason(ipaddress.ip_address("93.184.215.14")) is None
    assert refused_reason(ipaddress.ip_address("2606:4700::6810:84e5")) is None


def test_metadata_host_names_are_refused_before_any_lookup():
    with pytest.raises(IngestError, match="metadata"):
        fetch("http://metadata.google.internal/computeMetadata/v1/")


@pytest.mark.parametrize("path", ["/big-declared", "/big-chunked"])
def test_a_page_too_large_is_refused(server, path):
    with pytest.raises(IngestError, match="bytes allowed"):
        fetch(server + path, allow=LOCAL, max_bytes=1_000_000)


def test_a_page_that_never_answers_times_out(server):
    with pytest.raises(IngestError, match=r"did not answer within 1 s|longer than 1 s"):
        fetch(server + "/never", allow=LOCAL, timeout=1.0)


def test_redirect_loops_stop(server):
    with pytest.raises(IngestError, match="redirects more than 3 times"):
        fetch(server + "/loop", allow=LOCAL, max_redirects=3)


def test_http_errors_and_non_pages_are_clear(server):
    with pytest.raises(IngestError, match="HTTP 404"):
        fetch(server + "/missing", allow=LOCAL)
    with pytest.raises(IngestError, match="image/png, not a web page"):
        from_url(server + "/image", allow=LOCAL)
    assert from_url(server + "/plain", allow=LOCAL).text == "Il pleut à Brest depuis lundi."


def test_an_unknown_host_is_a_clear_error(monkeypatch):
    def no_dns(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(IngestError, match="cannot find the server 'news.invalid'"):
        fetch("https://news.invalid/a")


def test_a_name_resolving_to_a_private_address_is_refused_without_connecting(monkeypatch):
    """DNS answers are checked: a public-looking name that points inside the network is refused."""
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.0.7", 80))])
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("connected to a refused address"))
    with pytest.raises(IngestError, match="192.168.0.7, a private network address"):
        fetch("http://intranet.example.com/")


# -- text and files ----------------------------------------------------------------------------------------


def test_pasted_text_is_cleaned_and_its_language_detected():
    draft = from_text("  The mayor of Leeds spoke on Monday.\r\n\r\n\r\n\r\nHe was in York on Tuesday.\x07  ")
    assert draft.text == "The mayor of Leeds spoke on Monday.\n\nHe was in York on Tuesday."
    assert draft.lang == "en"
    with pytest.raises(IngestError, match="no text"):
        from_text(" \n\t ")
    with pytest.raises(IngestError, match="more than the"):
        from_text("a" * (max_chars() + 1))


def test_article_settings_the_reader_chose_win():
    draft = from_text("Le maire de Lille a parlé lundi.")
    article = draft.article(lang="en", published="2020-01-02", title="  Lille  ")
    assert (article.lang, article.published, article.title) == ("en", "2020-01-02", "Lille")
    assert draft.article().published is not None  # default: today


@pytest.mark.parametrize(
    ("data", "expected"),
    [("é à".encode("utf-8-sig"), "é à"), ("é à".encode("utf-16"), "é à"), (b"plain", "plain")],
)
def test_decode_reads_boms(data, expected):
    assert decode(data) == expected


@pytest.mark.parametrize(("data", "words"), [(b"\xff\xfe\x00\x00\xd8", "not valid"), (b"a\x00b", "binary"),
                                             (b"caf\xe9", "not valid UTF-8")])
def test_decode_refuses_what_is_not_text(data, words):
    with pytest.raises(IngestError, match=words):
        decode(data)


def test_uploaded_markdown_html_and_text():
    md = "# Crue à Lyon\n\nLe **Rhône** a débordé à [Lyon](https://example.org) lundi.\n\n- Vienne aussi\n"
    draft = from_upload("crue.md", md.encode())
    assert draft.title == "Crue à Lyon" and "Le Rhône a débordé à Lyon lundi." in draft.text and "](" not in draft.text
    assert from_upload("page.HTML", PAGE.encode()).title == "Inondations à Nantes"
    assert from_upload("a.txt", "Il neige à Grenoble.".encode()).text == "Il neige à Grenoble."
    with pytest.raises(IngestError, match="cannot read .exe"):
        from_upload("virus.exe", b"MZ")


def _docx(paragraphs: list[str], title: str) -> bytes:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    core = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></cp:coreProperties>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", f"<w:document {ns}><w:body>{body}</w:body></w:document>")
        z.writestr("docProps/core.xml", core)
    return out.getvalue()


def test_uploaded_docx():
    draft = from_upload("note.docx", _docx(["Le préfet est arrivé à Rennes.", "Il repart pour Vannes."], "Bretagne"))
    assert draft.text == "Le préfet est arrivé à Rennes.\n\nIl repart pour Vannes." and draft.title == "Bretagne"
    with pytest.raises(IngestError, match="not a readable .docx"):
        from_upload("broken.docx", b"PK\x03\x04 not really")


def _pdf(text: str) -> bytes:
    """A one-page PDF with ``text`` in Helvetica (hand-written objects, offsets computed)."""
    stream = f"BT /F1 12 Tf 50 700 Td ({text}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>"),
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_uploaded_pdf():
    pytest.importorskip("pypdf", reason="pypdf (optional, for PDF uploads) is not installed")
    draft = from_upload("depeche.pdf", _pdf("Le ministre est a Toulouse depuis mardi."))
    assert "Le ministre est a Toulouse depuis mardi." in draft.text
    with pytest.raises(IngestError, match="not a readable PDF"):
        from_upload("broken.pdf", b"%PDF-1.4 garbage")


def test_markdown_to_text_keeps_words():
    assert markdown_to_text("## Titre\n*Paris* et _Lyon_ sont `loin`.\n> cité\n1. un") == "Titre\nParis et Lyon sont loin.\ncité\nun"


def test_html_with_hostile_markup_gives_only_text():
    draft = from_html('<html><body><article><p>Le maire de Metz <img src=x onerror="alert(1)"> a parlé. '
                      '<iframe src="http://evil"></iframe>Il était à Nancy hier, dit-il encore.</p></article></body></html>')
    assert "<" not in draft.text and "alert" not in draft.text and "Nancy" in draft.text


def test_html_without_an_article_is_a_clear_error():
    with pytest.raises(IngestError, match="no article text"):
        from_html("<html><head><title>Accueil</title></head><body><div></div></body></html>")


# -- staged extraction -------------------------------------------------------------------------------------


def test_staged_extraction_reports_each_stage_and_equals_the_pipeline():
    from geostory.extract.pipeline import extract_story

    article = from_text("Le ministre s'est rendu à Bordeaux lundi. « C'est une priorité », a-t-il dit à Pau.").article(
        published="2024-05-06")
    seen: list[tuple[str, float]] = []
    staged = extract_in_stages(article, report=lambda stage, done: seen.append((stage, done)))
    assert [s for s, _ in seen] == [*STAGES, "done"]
    assert [d for _, d in seen] == sorted(d for _, d in seen) and seen[-1][1] == 1.0
    assert story_to_json(staged) == story_to_json(extract_story(article))
