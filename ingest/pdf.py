"""PDF text, read where a hostile file cannot hurt the run: a child process with CPU-time and
memory limits, pypdf's own decompression limits set low, and every pypdf error turned into that
file's failure with a reason.

A 20 MB PDF may carry a stream per page that inflates to 70 MB; one such file cost a minute of
CPU and most of a GB in the process that read it, and pypdf's ``LimitReachedError`` or an
AES-encrypted file (``DependencyError``) aborted the whole ingest run. Now the child reads it:

    python -m ingest.pdf < file.pdf      # {"pages": [...], "title": ...} or {"error": ...} on stdout

The parent (``pdf_doc``) gives it ``CPU_SECONDS`` of CPU, ``MEMORY_MB`` of address space and
``WALL_SECONDS`` in all; past any of them the file fails, the run goes on.
"""
from __future__ import annotations

import json
import subprocess
import sys

from ingest.errors import SourceError

CPU_SECONDS = 20  # a 300-page text PDF reads in ~3 s here; 20 s is a hostile file, not a long one
WALL_SECONDS = 60  # CPU time cannot stall a child that sleeps or waits; this can
MEMORY_MB = 1536  # address space of the child: Python and pypdf take ~150 MB of it
#: Most bytes one stream may inflate to (pypdf's default is 75 MB); a page's text is far smaller.
STREAM_MB = 8


def pdf_doc(source: str, data: bytes, name: str):
    """A PDF's text layer, page by page, and its title from the document info."""
    from ingest.load import RawDoc

    got = _read_isolated(data)
    title = (got.get("title") or "").strip()
    return RawDoc(source, "pdf", "", name, title or None, None, got["pages"])


def _read_isolated(data: bytes) -> dict:
    try:
        done = subprocess.run([sys.executable, "-m", "ingest.pdf"], input=data, capture_output=True,
                              timeout=WALL_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise SourceError(f"the PDF took over {WALL_SECONDS} s to read; check the file or export it again") from None
    try:
        got = json.loads(done.stdout.decode("utf-8") or "{}")
    except ValueError:
        got = {}
    if "pages" in got:
        return got
    if got.get("error"):
        raise SourceError(got["error"])
    if done.returncode < 0 or done.returncode in (137, 152):  # killed: SIGXCPU, SIGKILL
        raise SourceError(f"the PDF needs more than {CPU_SECONDS} s of CPU or {MEMORY_MB} MB of memory to read; "
                          "it is malformed or hostile: check the file or export it again")
    raise SourceError("not a readable PDF (the reader stopped); check the file or export it again")


def _limits() -> None:
    """In the child, first thing: the budgets it cannot exceed (set by the child itself: a
    ``preexec_fn`` is unsafe in a parent with threads, like the web app)."""
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_MB << 20, MEMORY_MB << 20))


def extract(data: bytes) -> dict:
    """The child's work: pages and title, or one error message naming the fix."""
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable files warn loudly
    _stream_limits(STREAM_MB << 20)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return {"error": "encrypted PDF: remove the password first (save an unprotected copy and ingest that)"}
        pages = [p.extract_text() or "" for p in reader.pages]
        info = reader.metadata
    except (DependencyError, FileNotDecryptedError):
        return {"error": "encrypted PDF: remove the password first (save an unprotected copy and ingest that)"}
    except MemoryError:
        return {"error": f"the PDF needs more than {MEMORY_MB} MB of memory to read; check the file or export it again"}
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError, RecursionError,
            AssertionError, ZeroDivisionError, UnicodeError) as e:
        if type(e).__name__ == "LimitReachedError":
            return {"error": f"the PDF holds a stream that inflates past {STREAM_MB} MB; it is malformed or hostile"}
        return {"error": f"not a readable PDF ({type(e).__name__}); check the file or export it again"}
    # The info dictionary's creation date is when the file was made, not when the story ran: unused.
    title = (info.title or "") if info else ""
    return {"pages": pages, "title": str(title)}


#: pypdf's decompression limits (its Configuration fields since 7.0, module constants before).
_LIMITS = {"maximum_declared_stream_length": "MAX_DECLARED_STREAM_LENGTH",
           "array_based_stream_maximum_output_length": "MAX_ARRAY_BASED_STREAM_OUTPUT_LENGTH",
           "zlib_maximum_output_length": "ZLIB_MAX_OUTPUT_LENGTH", "lzw_maximum_output_length": "LZW_MAX_OUTPUT_LENGTH",
           "run_length_maximum_output_length": "RUN_LENGTH_MAX_OUTPUT_LENGTH",
           "jbig2_maximum_output_length": "JBIG2_MAX_OUTPUT_LENGTH", "brotli_maximum_output_length": "",
           "image_maximum_buffer_size": "FLATE_MAX_BUFFER_SIZE"}


def _stream_limits(cap: int) -> None:
    """No stream may inflate past ``cap`` bytes, in whichever way this pypdf takes its limits."""
    import dataclasses

    import pypdf

    if hasattr(pypdf, "overwrite_configuration"):
        fields = {f.name for f in dataclasses.fields(pypdf.Configuration)}
        pypdf.overwrite_configuration(**{k: cap for k in _LIMITS if k in fields})
        return
    import pypdf.filters

    for name in filter(None, _LIMITS.values()):
        if hasattr(pypdf.filters, name):
            setattr(pypdf.filters, name, min(getattr(pypdf.filters, name), cap))


def main() -> None:
    _limits()
    sys.stdout.write(json.dumps(extract(sys.stdin.buffer.read())))


if __name__ == "__main__":
    main()
