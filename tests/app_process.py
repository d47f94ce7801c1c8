"""`python tests/app_process.py [ui.py flags]`: the real app, in its own process, for the
security tests; `… serve [flags]` runs `rag serve` and `… rag-ingest [args]` the ingest CLI instead. Everything is the product's own code except one thing the test machine lacks:
a public internet. Addresses listed in RAG_TEST_PUBLIC_ADDRESSES (e.g. 127.0.0.3) are treated
as public, so a local server there stands in for a news site; every other loopback, private
or reserved address is judged by the real check.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ingest.fetch  # noqa: E402

_PUBLIC = set(filter(None, os.environ.get("RAG_TEST_PUBLIC_ADDRESSES", "").split(",")))
_real = ingest.fetch.is_public
ingest.fetch.is_public = lambda address: address in _PUBLIC or _real(address)

def _report_peak() -> None:
    """Write this process's peak memory (VmHWM: its own, after exec, unlike a parent's wait4
    figure, which counts the parent's pages a forked child started with) where the test asked."""
    peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    Path(os.environ["RAG_TEST_PEAK_FILE"]).write_text(peak)


if os.environ.get("RAG_TEST_PEAK_FILE"):
    import atexit

    atexit.register(_report_peak)

if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        from rag.cli.main import main

        main(prog_name="rag")
    elif sys.argv[1:2] == ["rag-ingest"]:
        from ingest.cli import ingest_command

        ingest_command(args=sys.argv[2:], prog_name="rag-ingest")
    else:
        import ui

        ui.main(prog_name="ui.py")
