"""Fetch one URL's body: http(s) only, one deadline for the whole fetch, a size cap while
streaming, and (for the web app) no loopback, private, link-local or reserved addresses.

The address check sits in the network layer (an httpcore backend), so it runs on the address
actually connected to, on every redirect hop, and a DNS answer cannot change between the check
and the connection. The same layer enforces the deadline on every socket read and write, so a
server that drips one byte every few seconds is cut off on time.
"""
from __future__ import annotations

import importlib.util
import ipaddress
import socket
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import httpcore
import httpx

from ingest.errors import SourceError

USER_AGENT = "news-rag/0.1"


class UnsafeURLError(SourceError):
    """The URL points at an address the web app must not fetch."""


@dataclass
class Fetched:
    url: str  # after redirects
    body: bytes
    content_type: str
    charset: str | None
    hops: tuple[str, ...] = ()  # every URL asked for, the first one to ``url``


#: Longest URL fetched (browsers and servers stop near 8 KB too).
MAX_URL_CHARS = 8192


def check_scheme(url: str) -> None:
    """An http(s) URL with a host name that can be parsed at all, or one clear reason why not
    (a broken one is the user's input, not a server error: "http://[::1", "http://☃.com/")."""
    if len(url) > MAX_URL_CHARS:
        raise SourceError(f"the URL is over {MAX_URL_CHARS:,} characters; give the page's own address")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url.strip()):
        raise SourceError("the URL holds spaces, line breaks or control characters; give the page's address alone")
    try:
        parts = urlsplit(url)
        host, scheme = parts.hostname, parts.scheme.lower()
        httpx.URL(url)  # what the fetch itself will parse
        if host:
            host.encode("idna")
    except (ValueError, UnicodeError, httpx.InvalidURL) as e:
        raise SourceError(f"not a valid URL ({str(e)[:120] or type(e).__name__}); check it and try again") from None
    if scheme not in ("http", "https") or not host:
        raise UnsafeURLError("only http:// and https:// URLs with a host name can be fetched")


def is_public(address: str) -> bool:
    """A globally routable unicast address (IPv4-mapped IPv6 judged by its IPv4 part)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local)


def addresses_of(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to ([] when it does not resolve)."""
    try:
        return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    except (socket.gaierror, UnicodeError):
        return []


def public_address(host: str, port: int) -> str:
    """The address to connect to; refused when any address the name resolves to is not public
    (a name with one private address among public ones is treated as private). The refusal
    does not name the address: that would map the intranet for whoever asks."""
    addresses = addresses_of(host, port)
    if not addresses:
        raise SourceError(f"cannot resolve host '{host}'")
    for address in addresses:
        if not is_public(address):
            raise UnsafeURLError(
                f"'{host}' is a local or private address: not fetched from the web app "
                "(start it with --allow-private-urls, or RAG_FETCH__ALLOW_PRIVATE_URLS=true, to ingest intranet pages)")
    return addresses[0]


class _Clock:
    def __init__(self, seconds: float):
        self.seconds, self.end = seconds, time.monotonic() + seconds

    def left(self, timeout: float | None) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("deadline")
        return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    """A socket stream whose every read and write stops at the fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, clock: _Clock):
        self.inner, self.clock = inner, clock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self.clock.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self.clock.left(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> "_Stream":
        return _Stream(self.inner.start_tls(ssl_context, server_hostname, self.clock.left(timeout)), self.clock)

    def get_extra_info(self, info: str):
        return self.inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """Connects only to checked addresses (unless private ones are allowed), under the deadline."""

    def __init__(self, clock: _Clock, allow_private: bool):
        self.inner, self.clock, self.allow_private = httpcore.SyncBackend(), clock, allow_private

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        address = host if self.allow_private else public_address(host, port)
        stream = self.inner.connect_tcp(address, port, self.clock.left(timeout), local_address, socket_options)
        return _Stream(stream, self.clock)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise UnsafeURLError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _Transport(httpx.HTTPTransport):
    def __init__(self, backend: _Backend):
        super().__init__()
        # httpx builds its own pool; ours differs only in the network backend.
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), network_backend=backend)


def fetch(url: str, *, max_bytes: int, deadline: float = 20.0, allow_private: bool = True,
          max_redirects: int = 5) -> Fetched:
    """GET ``url`` (following redirects), or raise SourceError with a reason a user can act on."""
    check_scheme(url)
    clock = _Clock(deadline)
    try:
        with httpx.Client(transport=_Transport(_Backend(clock, allow_private)), follow_redirects=True,
                          max_redirects=max_redirects, trust_env=allow_private, timeout=deadline,
                          headers={"User-Agent": USER_AGENT, "Accept-Encoding": accepted_encodings()}) as client:
            with client.stream("GET", url) as r:
                if r.status_code >= 400:
                    raise SourceError(f"HTTP {r.status_code} {r.reason_phrase}")
                body = _read_capped(r, max_bytes, clock)
                hops = (*(str(h.url) for h in r.history), str(r.url))
                return Fetched(str(r.url), body, r.headers.get("content-type", ""), r.charset_encoding, hops)
    except httpx.TimeoutException:
        raise SourceError(f"timed out: the whole fetch may take {deadline:g} s (RAG_FETCH__TIMEOUT)") from None
    except httpx.TooManyRedirects:
        raise SourceError(f"more than {max_redirects} redirects (RAG_FETCH__MAX_REDIRECTS)") from None
    except httpx.UnsupportedProtocol:
        raise UnsafeURLError("redirected to a URL that is not http:// or https://") from None
    except httpx.HTTPError as e:
        raise SourceError(f"cannot fetch: {e}") from None
    except (ValueError, UnicodeError) as e:  # a redirect to an address no parser takes
        raise SourceError(f"cannot fetch: a bad address on the way ({str(e)[:120] or type(e).__name__})") from None


def _read_capped(response, limit: int, clock: _Clock) -> bytes:
    """The body as sent (compressed), capped at ``limit``, then decoded to at most ``limit``
    bytes: decoding is ours, not httpx's, because httpx decodes a whole chunk before anyone can
    look at its size (an 841-byte brotli response decoded to 1 GiB in one chunk)."""
    chunks, size = [], 0
    for chunk in response.iter_raw():
        size += len(chunk)
        if size > limit:
            raise SourceError(f"page is over the {limit / 1e6:g} MB limit (RAG_CHUNKING__MAX_FILE_MB)")
        chunks.append(chunk)
        if clock.end < time.monotonic():  # many quick small pieces still end on time
            raise httpx.ReadTimeout("deadline")
    return decoded(b"".join(chunks), response.headers.get("content-encoding", ""), limit)


#: Most a compressed page may expand (text and HTML compress 5-10×): more is a decompression bomb.
MAX_RATIO = 100


@lru_cache(maxsize=1)
def accepted_encodings() -> str:
    """What the Accept-Encoding header offers: only what ``decoded`` can stop at a size."""
    offers = ["gzip", "deflate"]
    try:
        import brotli

        if "output_buffer_limit" in (brotli.Decompressor.process.__doc__ or ""):
            offers.append("br")
    except ImportError:
        pass
    if importlib.util.find_spec("zstandard"):
        offers.append("zstd")
    return ", ".join(offers)


def decoded(data: bytes, content_encoding: str, limit: int) -> bytes:
    """``data`` decoded by each Content-Encoding in turn, never producing more than ``limit``
    bytes (nor more than ``MAX_RATIO`` times what was sent)."""
    sent = max(1, len(data))
    for enc in reversed([e.strip().lower() for e in content_encoding.split(",") if e.strip()]):
        data = _decode_one(enc, data, limit)
        if len(data) > limit:
            raise SourceError(f"page is over the {limit / 1e6:g} MB limit once decompressed (RAG_CHUNKING__MAX_FILE_MB)")
        if len(data) > MAX_RATIO * sent and len(data) > 1 << 20:
            raise SourceError(f"the page decompresses to over {MAX_RATIO} times its size: a decompression bomb, refused")
    return data


def _decode_one(encoding: str, data: bytes, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``data`` decoded (one more than allowed says "too big")."""
    import zlib

    try:
        if encoding in ("identity", ""):
            return data
        if encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, limit + 1)
        if encoding == "deflate":
            try:
                return zlib.decompressobj(zlib.MAX_WBITS).decompress(data, limit + 1)
            except zlib.error:  # some servers send raw deflate
                return zlib.decompressobj(-zlib.MAX_WBITS).decompress(data, limit + 1)
        if encoding == "br" and "br" in accepted_encodings():
            import brotli

            return brotli.Decompressor().process(data, output_buffer_limit=limit + 1)
        if encoding == "zstd" and "zstd" in accepted_encodings():
            import io

            import zstandard

            return zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read(limit + 1)
    except Exception as e:  # noqa: BLE001 - zlib.error, brotli.error, zstandard.ZstdError: a broken body
        raise SourceError(f"the page's {encoding} compression is broken ({type(e).__name__})") from None
    raise SourceError(f"the page uses a compression this fetcher does not decode ({encoding})")
