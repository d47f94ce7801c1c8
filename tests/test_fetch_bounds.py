"""Compressed pages are decoded to a bounded size: a brotli, gzip or zstd bomb is refused at the
size cap, before it is in memory (real HTTP server on loopback, real fetcher)."""
from __future__ import annotations

import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingest.errors import SourceError
from ingest.fetch import accepted_encodings, decoded, fetch

GIB = 1 << 30


def _brotli_bomb() -> bytes:
    """About 1.6 KB that decode to 1 GiB of zeros (streamed: the test never holds the GiB)."""
    import brotli

    c, zeros = brotli.Compressor(quality=5), b"\0" * (1 << 20)
    return b"".join([*(c.process(zeros) for _ in range(GIB >> 20)), c.finish()])


def _gzip(data: bytes, times: int = 1) -> bytes:
    co = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join([*(co.compress(data) for _ in range(times)), co.flush()])


class _Handler(BaseHTTPRequestHandler):
    body, encoding = b"", ""

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if self.encoding:
            self.send_header("Content-Encoding", self.encoding)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *a):
        pass


@pytest.fixture
def serve():
    servers = []

    def start(body: bytes, encoding: str) -> str:
        handler = type("H", (_Handler,), {"body": body, "encoding": encoding})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/page"

    yield start
    for s in servers:
        s.shutdown()


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_brotli_bomb_is_refused_at_the_cap_without_decoding_it(serve):
    assert "br" in accepted_encodings()  # brotli>=1.2 (a dependency) can stop at a size
    url = serve(_brotli_bomb(), "br")
    before, t = _peak_mb(), time.perf_counter()
    with pytest.raises(SourceError, match="over the 20 MB limit once decompressed"):
        fetch(url, max_bytes=20_000_000, allow_private=True)
    assert time.perf_counter() - t < 5
    assert _peak_mb() - before < 200  # the GiB never arrived: at most the 20 MB cap and change


def test_gzip_bombs_and_broken_bodies_are_refused_and_good_pages_decode(serve):
    bomb = serve(_gzip(b"\0" * (1 << 20), 64), "gzip")  # 64 KB that decode to 64 MB
    with pytest.raises(SourceError, match="once decompressed"):
        fetch(bomb, max_bytes=20_000_000, allow_private=True)
    broken = serve(b"not gzip at all", "gzip")
    with pytest.raises(SourceError, match="gzip compression is broken"):
        fetch(broken, max_bytes=20_000_000, allow_private=True)
    page = b"<html><body><p>" + b"A sentence about the talks. " * 2000 + b"</p></body></html>"
    good = serve(_gzip(page), "gzip")
    assert fetch(good, max_bytes=20_000_000, allow_private=True).body == page


def test_decoding_stops_at_the_limit_for_every_encoding():
    page = b"x" * 5000
    assert decoded(_gzip(page), "gzip", 10_000) == page
    with pytest.raises(SourceError, match="once decompressed"):
        decoded(_gzip(page), "gzip", 4_000)
    assert decoded(zlib.compress(page), "deflate", 10_000) == page
    with pytest.raises(SourceError, match="does not decode"):
        decoded(page, "compress", 10_000)
    if "zstd" in accepted_encodings():
        import zstandard

        assert decoded(zstandard.ZstdCompressor().compress(page), "zstd", 10_000) == page
        with pytest.raises(SourceError, match="once decompressed"):
            decoded(zstandard.ZstdCompressor().compress(page), "zstd", 4_000)


def test_a_refused_private_name_does_not_tell_its_address():
    from ingest.fetch import UnsafeURLError

    with pytest.raises(UnsafeURLError) as got:
        fetch("http://localhost:9/", max_bytes=1000, allow_private=False)
    assert "'localhost' is a local or private address" in str(got.value)
    assert "127.0.0.1" not in str(got.value) and "::1" not in str(got.value)
