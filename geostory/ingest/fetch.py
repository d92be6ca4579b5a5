"""Fetching a web page safely: http(s) only, every address checked after DNS resolution and at every redirect,
a time limit for the whole fetch and a size cap.

The connection goes to the very address that was checked (no second DNS lookup an attacker could answer
differently). Refused: loopback, private, link-local (cloud metadata 169.254.169.254 included), shared,
multicast, reserved and unspecified addresses, unless ``allow`` lists their network (tests against a local
server pass ``allow=("127.0.0.1",)``) or ``allow_private=True``.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from geostory.errors import IngestError

MAX_BYTES = 5_000_000
TIMEOUT = 15.0
MAX_REDIRECTS = 5
USER_AGENT = "geostory/0.1 (+article map; respects robots of the page it is given)"
METADATA_HOSTS = {"metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"}
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: the final URL after redirects, its body and how to read it."""

    url: str
    body: bytes
    content_type: str
    charset: str | None
    redirects: tuple[str, ...] = ()


def refused_reason(address: Address) -> str | None:
    """Why an address may not be fetched from, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "a loopback address (this machine)"
    if address.is_link_local:
        return "a link-local address (cloud metadata services live there)"
    if address.is_unspecified or address.is_multicast or address.is_reserved:
        return "a reserved, multicast or unspecified address"
    if address.is_private or not address.is_global:
        return "a private network address"
    return None


def _allowed(address: Address, allow: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in allow)


def check_url(url: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, path?query)`` of an http(s) URL; IngestError for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise IngestError(f"{url!r} is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise IngestError(f"only http and https links can be imported, not {scheme or 'a link without scheme'}:"
                          f" {url[:120]!r}")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise IngestError(f"{url[:120]!r} has no host name")
    if parts.username or parts.password:
        raise IngestError("links with a user name or password are not imported")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port or (443 if scheme == "https" else 80), path


def resolve(host: str, port: int, allow=(), *, allow_private: bool = False) -> list[Address]:
    """The addresses of ``host``, all of which must be public (or allowed); IngestError otherwise."""
    if host in METADATA_HOSTS and not allow_private:
        raise IngestError(f"{host} is a cloud metadata service: refused")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise IngestError(f"cannot find the server {host!r} ({exc})") from None
    nets = tuple(ipaddress.ip_network(a, strict=False) for a in allow)
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    for address in addresses:
        reason = refused_reason(address)
        if reason and not allow_private and not _allowed(address, nets):
            raise IngestError(f"{host} resolves to {address}, {reason}: refused")
    if not addresses:
        raise IngestError(f"cannot find the server {host!r}")
    return addresses


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand (the Host header keeps the name)."""

    def __init__(self, host: str, port: int, address: Address, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = str(address)

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address; the certificate is verified for the host name."""

    def __init__(self, host: str, port: int, address: Address, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = str(address)

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    allow: Iterable[str] = (),
    allow_private: bool = False,
) -> Page:
    """GET ``url`` under the rules of this module; IngestError with a clear message when refused or failed.

    ``timeout`` bounds the whole fetch (every redirect and the body included), ``max_bytes`` the body.
    """
    allow = tuple(allow)
    deadline = time.monotonic() + timeout
    hops: list[str] = []
    current = url.strip()
    for _ in range(max_redirects + 1):
        scheme, host, port, path = check_url(current)
        address = resolve(host, port, allow, allow_private=allow_private)[0]
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise IngestError(f"{url[:120]} took longer than {timeout:g} s: gave up")
        cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        conn = cls(host, port, address, remaining)
        try:
            conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5",
                                               "Accept-Encoding": "identity"})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise IngestError(f"{current[:120]} redirects without saying where")
                hops.append(current)
                current = urljoin(current, location)
                continue
            if response.status >= 400:
                raise IngestError(f"{current[:120]} answered HTTP {response.status} {response.reason}")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise IngestError(f"the page is {int(length):,} bytes, more than the {max_bytes:,} bytes allowed")
            body = _read_capped(conn, response, max_bytes, deadline, timeout)
            ctype = (response.getheader("Content-Type") or "").lower()
            charset = next((p.split("=", 1)[1].strip(" \"'") for p in ctype.split(";")[1:] if "charset=" in p), None)
            return Page(current, body, ctype.split(";")[0].strip(), charset, tuple(hops))
        except TimeoutError:
            raise IngestError(f"{current[:120]} did not answer within {timeout:g} s") from None
        except ssl.SSLError as exc:
            raise IngestError(f"secure connection to {host} failed ({exc.reason or exc})") from None
        except (OSError, http.client.HTTPException) as exc:
            raise IngestError(f"could not fetch {current[:120]} ({exc.__class__.__name__}: {exc})") from None
        finally:
            conn.close()
    raise IngestError(f"{url[:120]} redirects more than {max_redirects} times: gave up")


def _read_capped(conn, response: http.client.HTTPResponse, max_bytes: int, deadline: float, timeout: float) -> bytes:
    chunks, size = [], 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise IngestError(f"the page took longer than {timeout:g} s to arrive: gave up")
        if conn.sock is not None:
            conn.sock.settimeout(left)  # each read waits at most until the deadline
        chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise IngestError(f"the page is larger than the {max_bytes:,} bytes allowed: gave up")
        chunks.append(chunk)
