"""Quality on a real data set: SQuAD 2.0-format questions asked against their articles.

One run builds a fresh store (a temp dir, or a throw-away collection on a Chroma server),
ingests every article (its paragraphs joined by blank lines) and measures, on seeded samples:

- retrieval hit: a gold answer occurs in the best passages of ``qa.retrieve`` that fit in
  ``budget`` characters together (the context an LLM would be given);
- answer hit: a gold answer occurs in ``ans.text``; plus mean answer length, SQuAD exact
  match and F1, and citation correctness (a cited quote contains a gold answer);
- refusal: answerable questions wrongly refused; SQuAD's own unanswerable questions refused;
  then half the articles are deleted and questions about them must be refused (those whose
  gold answer a kept article also holds are not asked: answering them is right);
- follow-ups (``conversations``): a first question, then a follow-up that leans on it
  ("What is its capital?"); a hit is a gold answer in the follow-up's answer;
- ``ask`` latency p50/p95 and ingest throughput.

EM/F1 score the short answer when the answerer gives one (the trained reader), else the
whole answer text; a refusal scores 0.

Metric helpers are shared with ``benchmarks/quality.py`` so the peer is scored identically.
"""
from __future__ import annotations

import json
import random
import re
import string
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from rag.errors import BadInputError

BUDGET_CHARS = 1500


@dataclass(frozen=True)
class Question:
    text: str
    answers: tuple[str, ...]  # empty for SQuAD's unanswerable questions
    article: int  # index into the article list


@dataclass(frozen=True)
class Dataset:
    articles: list[tuple[str, str]]  # (title, text)
    questions: list[Question]

    def answerable(self, articles: set[int] | None = None) -> list[Question]:
        return [q for q in self.questions if q.answers and (articles is None or q.article in articles)]

    def unanswerable(self) -> list[Question]:
        return [q for q in self.questions if not q.answers]


def load_squad(path: str | Path) -> Dataset:
    """Read a SQuAD 2.0 JSON file; a wrong file gets one clear message."""
    try:
        return squad_dataset(json.loads(Path(path).read_text(encoding="utf-8"))["data"])
    except FileNotFoundError:
        raise BadInputError(f"no such file: {path}") from None
    except (ValueError, KeyError, TypeError) as e:
        raise BadInputError(f"{path} is not a SQuAD 2.0 JSON file ({type(e).__name__}: {e}); "
                            "expected data[].title, data[].paragraphs[].context and .qas[]") from None


def squad_dataset(data: list[dict]) -> Dataset:
    """SQuAD articles (``data[]`` of the JSON) → one article per title, paragraphs joined."""
    articles, questions = [], []
    for i, art in enumerate(data):
        articles.append((art["title"].replace("_", " "), "\n\n".join(p["context"] for p in art["paragraphs"])))
        for p in art["paragraphs"]:
            for qa in p["qas"]:
                golds = tuple(dict.fromkeys(a["text"] for a in qa.get("answers", []) if a["text"].strip()))
                questions.append(Question(qa["question"], () if qa.get("is_impossible") else golds, i))
    return Dataset(articles, questions)


def sample(items: list, n: int | None, seed: int) -> list:
    if not n or n >= len(items):
        return list(items)
    return random.Random(seed).sample(items, n)


# -- SQuAD scoring (the official normalisation) -------------------------------------------
def normalize_answer(s: str) -> str:
    s = "".join(ch for ch in s.lower() if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def exact_match(prediction: str, golds: Iterable[str]) -> float:
    return float(any(normalize_answer(prediction) == normalize_answer(g) for g in golds))


def f1(prediction: str, golds: Iterable[str]) -> float:
    return max((_f1(prediction, g) for g in golds), default=0.0)


def _f1(prediction: str, gold: str) -> float:
    p, g = normalize_answer(prediction).split(), normalize_answer(gold).split()
    common = sum((Counter(p) & Counter(g)).values())
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def contains(text: str, golds: Iterable[str]) -> bool:
    low = text.lower()
    return any(g.lower() in low for g in golds)


def within_budget(texts: Iterable[str], budget: int = BUDGET_CHARS) -> str:
    """The best-first passages that fit in ``budget`` characters together."""
    kept, used = [], 0
    for t in texts:
        if used + len(t) > budget:
            break
        kept.append(t)
        used += len(t)
    return "\n".join(kept)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


# -- the run --------------------------------------------------------------------------
@dataclass
class EvalReport:
    articles: int = 0
    answerable: int = 0
    retrieval_hit: float = 0.0
    answer_hit: float = 0.0
    mean_answer_chars: float = 0.0
    exact_match: float = 0.0
    f1: float = 0.0
    citation_correct: float = 0.0
    wrongly_refused: float = 0.0
    unanswerable: int = 0
    unanswerable_refused: float = 0.0
    out_of_store: int = 0
    out_of_store_refused: float = 0.0
    ask_p50_ms: float = 0.0
    ask_p95_ms: float = 0.0
    follow_ups: int = 0
    follow_up_hit: float = 0.0
    ingest_chars_per_s: float = 0.0
    budget_chars: int = BUDGET_CHARS
    reader: str = ""

    def to_dict(self) -> dict:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def write_articles(articles: list[tuple[str, str]], folder: Path) -> list[str]:
    """One Markdown file per article (the heading becomes its title)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (title, text) in enumerate(articles):
        path = folder / f"{i:03d}.md"
        path.write_text(f"# {title}\n\n{text}\n", encoding="utf-8")
        paths.append(str(path))
    return paths


class Evaluation:
    """``Evaluation(dataset, settings).run(n, seed)``; ``progress`` is called once per question."""

    def __init__(self, dataset: Dataset, settings, budget: int = BUDGET_CHARS,
                 progress: Callable[[], None] | None = None, conversations: list[dict] | None = None,
                 extra_sources: list[str] | None = None):
        self.data, self.budget = dataset, budget
        self.conversations, self.extra_sources = conversations or [], extra_sources or []
        self.progress = progress or (lambda: None)
        # A private store: a temp dir, or a throw-away collection on the configured server.
        self._tmp = tempfile.TemporaryDirectory(prefix="rag-eval-")
        self.settings = settings.override(db=Path(self._tmp.name) / "db",
                                          collection=f"eval{uuid.uuid4().hex[:8]}", llm="extractive")

    def run(self, n: int | None = 500, seed: int = 0) -> EvalReport:
        from rag.api import ArticleQA

        try:
            report = EvalReport(articles=len(self.data.articles), reader=self.settings.answer.reader)
            paths, chars_per_s = self._ingest()
            report.ingest_chars_per_s = chars_per_s
            qa = ArticleQA(settings=self.settings)
            if getattr(qa.answerer, "reader", None) and qa.answerer.reader() is None and qa.answerer.notice:
                report.reader = f"heuristic (trained reader unavailable: {qa.answerer.notice})"
            self._answerable(qa, sample(self.data.answerable(), n, seed), report)
            self._unanswerable(qa, sample(self.data.unanswerable(), n, seed + 1), report)
            self._follow_ups(qa, report)
            self._out_of_store(qa, paths, n, seed + 2, report)
            return report
        finally:
            self._drop()

    def run_follow_ups(self) -> EvalReport:
        """Only the follow-up pairs (over this dataset's articles and the extra sources)."""
        try:
            report = EvalReport(articles=len(self.data.articles), reader=self.settings.answer.reader)
            self._ingest()
            from rag.api import ArticleQA

            self._follow_ups(ArticleQA(settings=self.settings), report)
            return report
        finally:
            self._drop()

    def _ingest(self) -> tuple[list[str], float]:
        from ingest import ingest

        paths = write_articles(self.data.articles, Path(self._tmp.name) / "articles")
        t0 = time.perf_counter()
        result = ingest(paths + self.extra_sources, settings=self.settings)
        elapsed = time.perf_counter() - t0
        if result.failed:
            raise BadInputError(f"could not ingest {result.failed[0][0]}: {result.failed[0][1]}")
        return paths, sum(len(t) for _, t in self.data.articles) / elapsed

    def _answerable(self, qa, questions: list[Question], report: EvalReport) -> None:
        hits, answers, times = [], [], []
        for q in questions:
            passages = qa.retrieve(q.text, k=10)
            hits.append(contains(within_budget((p.text for p in passages), self.budget), q.answers))
            t0 = time.perf_counter()
            ans = qa.ask(q.text)
            times.append((time.perf_counter() - t0) * 1000)
            answers.append((q, ans))
            self.progress()
        given = [(q, a) for q, a in answers if not a.refused]
        report.answerable = len(questions)
        report.retrieval_hit = mean(hits)
        report.answer_hit = mean([contains(a.text, q.answers) for q, a in answers])
        report.mean_answer_chars = mean([len(a.text) for _, a in given])
        report.exact_match = mean([exact_match(prediction(a), q.answers) for q, a in answers])
        report.f1 = mean([f1(prediction(a), q.answers) for q, a in answers])
        report.citation_correct = mean([any(contains(c.quote, q.answers) for c in a.citations) for q, a in given])
        report.wrongly_refused = mean([a.refused for _, a in answers])
        report.ask_p50_ms, report.ask_p95_ms = percentile(times, 50), percentile(times, 95)

    def _unanswerable(self, qa, questions: list[Question], report: EvalReport) -> None:
        refused = []
        for q in questions:
            refused.append(qa.ask(q.text).refused)
            self.progress()
        report.unanswerable, report.unanswerable_refused = len(questions), mean(refused)

    def _follow_ups(self, qa, report: EvalReport) -> None:
        """Each pair as a two-turn conversation; only pairs about articles in the store."""
        titles = {t for t, _ in self.data.articles} | {Path(p).stem for p in self.extra_sources}
        hits = []
        for pair in self.conversations:
            if pair["article"].replace("_", " ") not in titles and pair["article"] not in titles:
                continue
            first = qa.ask(pair["first"])
            history = [{"role": "user", "content": pair["first"]}, {"role": "assistant", "content": first.text}]
            hits.append(contains(qa.ask(pair["follow_up"], history).text, pair["answers"]))
            self.progress()
        report.follow_ups, report.follow_up_hit = len(hits), mean(hits)

    def _out_of_store(self, qa, paths: list[str], n: int | None, seed: int, report: EvalReport) -> None:
        """Delete every other article, then ask about the deleted ones."""
        from ingest.pipeline import article_id

        gone = set(range(1, len(paths), 2))
        for i in gone:
            qa.delete(article_id(str(Path(paths[i]).resolve())))
        refused = []
        for q in sample(self.off_store(gone), n, seed):
            refused.append(qa.ask(q.text).refused)
            self.progress()
        report.out_of_store, report.out_of_store_refused = len(refused), mean(refused)

    def off_store(self, gone: set[int]) -> list[Question]:
        """Questions about the ``gone`` articles that no article left in the store answers: a
        news store holds other stories on the same events ("Who asked the Queen to suspend
        Parliament?" is answered, rightly, by the next Brexit story), and answering those is no
        error. A gold answer written in a kept article counts as answered there."""
        kept = [text for i, (_, text) in enumerate(self.data.articles) if i not in gone]
        return [q for q in self.data.answerable(gone) if not any(a in text for a in q.answers for text in kept)]

    def _drop(self) -> None:
        if self.settings.chroma_url:  # the temp dir goes by itself; a server keeps collections
            from rag.store import ArticleStore

            ArticleStore.open(self.settings).drop()
        self._tmp.cleanup()

    def planned(self, n: int | None) -> int:
        """How many questions ``run(n)`` asks, for a progress bar."""
        half = set(range(1, len(self.data.articles), 2))
        return len(self.conversations) + sum(min(n or len(x), len(x)) for x in
                   (self.data.answerable(), self.data.unanswerable(), self.off_store(half)))


def prediction(answer) -> str:
    """What SQuAD EM/F1 score: the short answer if any, else the answer text; "" if refused."""
    if answer.refused:
        return ""
    return answer.short.text if getattr(answer, "short", None) else _plain(answer.text)


def load_conversations(path: str | Path) -> tuple[list[dict], list[str]]:
    """A follow-up set: ``{"pairs": [{article, first, follow_up, answers}], "sources": {title:
    path relative to the file}}``; returns the pairs and the extra article files to ingest."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        pairs = [p for p in doc["pairs"] if p["first"] and p["follow_up"] and p["answers"]]
    except FileNotFoundError:
        raise BadInputError(f"no such file: {path}") from None
    except (ValueError, KeyError, TypeError) as e:
        raise BadInputError(f"{path} is not a conversation set ({type(e).__name__}: {e}); expected "
                            "pairs[] of {article, first, follow_up, answers}") from None
    base = Path(path).resolve().parent
    return pairs, [str((base / rel).resolve()) for rel in doc.get("sources", {}).values()]


def _plain(answer_text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", answer_text)


def mean(values: list) -> float:
    return float(np.mean(values)) if values else 0.0
