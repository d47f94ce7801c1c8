"""Bad inputs get one clear reason; URLs are fetched from a local server, never the internet."""
from __future__ import annotations

import http.server
import threading

import pytest

from ingest.load import SourceError, load


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"   \n\t  \n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    (b"caf\xe9 au lait \xff\xfe broken", "not valid UTF-8"),
])
def test_bad_files_have_clear_reasons(tmp_path, content, reason):
    from ingest.clean import clean

    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(SourceError, match=reason):
        clean(load(str(f)))


def test_utf16_with_bom_is_read(tmp_path):
    f = tmp_path / "u16.txt"
    f.write_bytes("Die Gespräche dauerten vier Stunden.".encode("utf-16"))
    assert "Gespräche" in load(str(f)).content


def test_unsupported_and_missing(tmp_path):
    (tmp_path / "x.docx").write_bytes(b"PK\x03\x04")
    with pytest.raises(SourceError, match=r"unsupported file type '.docx' \(use .txt, .md, .html or .pdf\)"):
        load(str(tmp_path / "x.docx"))
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(SourceError, match="not a readable PDF"):
        load(str(tmp_path / "x.pdf"))
    with pytest.raises(SourceError, match="no such file"):
        load(str(tmp_path / "nothere.txt"))


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path == "/article":
            body = (b"<html><head><title>Port strike ends</title></head><body><article><h1>Port strike ends</h1>"
                    b"<p>Dock workers in Rotterdam ended a five-day strike on Tuesday after a pay deal.</p>"
                    b"<p>The union said members accepted a raise of four percent over two years.</p></article></body></html>")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/slow":
            import time
            time.sleep(3)
            self.send_response(200)
            self.end_headers()
        else:
            self.send_response(404 if self.path == "/missing" else 500)
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_url_fetch_and_errors(server):
    from ingest.clean import clean

    doc = clean(load(f"{server}/article"))
    assert doc.title == "Port strike ends" and "five-day strike" in doc.text
    with pytest.raises(SourceError, match="HTTP 404"):
        load(f"{server}/missing")
    with pytest.raises(SourceError, match="HTTP 500"):
        load(f"{server}/error")
    with pytest.raises(SourceError, match="timed out"):
        load(f"{server}/slow", timeout=0.5)
