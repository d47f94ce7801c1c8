"""``ArticleQA``: the Python API over a store — ask, stream, retrieve, list articles.

    qa = ArticleQA(db="path/to/db")
    ans = qa.ask("What did Iran offer?")
"""
from __future__ import annotations

import copy
import dataclasses
import itertools
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

from rag import index_cache
from rag.answerers import get_answerer, refusal
from rag.answerers.base import text_pieces
from rag.conversation import Turn, normalize_history
from rag.compose import Reading, get_composer
from rag.embedders import get_embedder
from rag.errors import BadInputError, RagError
from rag.reader.order import in_reader_order
from rag.index_cache import index_root, keeps_vectors
from rag.retrieval import HybridRetriever
from rag.runtime import blas_controller
from rag.settings import Settings
from rag.store import ArticleStore
from rag.plan import Plan, understand
from rag.timeline import dated, tries, with_sources
from rag.types import Answer, Article, Passage

MAX_QUESTION_CHARS = 2000

#: Intents whose composer yields to the trained reader when it is sure of a fact (``_reader_sure``).
#: Not "why": its answer is a clause the reader gives no short answer for, and it cannot follow a
#: sentence that refers back ("For this reason, he was not granted bail.").
READER_FIRST = frozenset({"list", "next", "reaction", "definition"})
#: …of which these are answered by a clause: no bold short answer leads them.
CLAUSE_INTENTS = frozenset({"reason", "next", "reaction", "definition"})


def clean_question(question) -> str:
    if not isinstance(question, str) or not question.strip():
        raise BadInputError("the question is empty; ask something, e.g. rag ask \"What did Iran offer?\"")
    q = " ".join(question.split())
    # Longer inputs are not questions; keep the head so retrieval stays fast and bounded.
    return q[:MAX_QUESTION_CHARS]


def check_k(k, default: int) -> int:
    """``k`` passages: None means the default; anything but a positive whole number is an error."""
    if k is None:
        return default
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise BadInputError(f"k must be a positive whole number of passages, not {k!r}")
    return k


def _preload_reader(settings) -> None:
    """Load the trained reader now (it is cached per process); a failure is left for the
    answerer to report, with its fallback."""
    from rag.reader.model import load_reader

    try:
        load_reader(settings.reader_model)
    except RagError:
        pass


class ArticleQA:
    def __init__(self, db: str | Path | None = None, *, chroma_url: str | None = None,
                 llm=None, settings: Settings | None = None, store: ArticleStore | None = None,
                 collection: str | None = None, embedder=None):
        """``llm``: a SPEC string (see Settings.llm) or a LangChain chat model instance;
        ``collection``: which library of the store (see Settings.collection); ``embedder``: an
        already loaded embedding backend to share (e.g. another collection's)."""
        spec = llm if isinstance(llm, str) else None
        self.settings = (settings or Settings()).override(
            db=Path(db) if db else None, chroma_url=chroma_url, llm=spec, collection=collection)
        with ThreadPoolExecutor(3) as pool:  # the models load while the store opens and warms: faster start
            loading = pool.submit(get_embedder, self.settings.embedding) if embedder is None else None
            # Only a trained reader has a model to load; the default heuristic one adds nothing here.
            reader = pool.submit(_preload_reader, self.settings.answer) if self.settings.answer.reader == "trained" else None
            pool.submit(blas_controller)  # the first question's vector products need it
            self.store = store or ArticleStore.open(self.settings)
            local, root = keeps_vectors(self.settings), index_root(self.settings)
            warm = pool.submit(self.store.warm, not local)
            # The saved index is checked (CRC of every file) and mapped while the models load.
            saved = pool.submit(index_cache.load, root, self.store.identity(), local) if root else None
            self.embedder = loading.result() if loading else embedder
            if reader:
                reader.result()
            warm.result()
        self.store.check_model(self.embedder.model_id, self.embedder.dim)
        self.retriever = HybridRetriever(self.store, self.embedder, self.settings.retrieval, root, vectors=local,
                                         snap=saved.result() if saved else None)
        self.reading = Reading(self.retriever, self.settings)  # the articles as the intent composers read them
        model = llm if llm is not None and spec is None else None
        self.answerer = get_answerer(model or self.settings.llm, self.retriever, self.settings)

    # -- questions -------------------------------------------------------------------
    # Dates: ``since``/``until`` (date or YYYY-MM-DD) filter by publication date; ``as_of`` is
    # the reference for "last week" in the question (default: settings.dates.as_of, else today).
    def retrieve(self, question: str, k: int | None = None, article_ids=None, *, since=None, until=None,
                 as_of=None) -> list[Passage]:
        """Best passages for ``question``, best first (an asked period's articles first)."""
        q = clean_question(question)
        n = check_k(k, self.settings.retrieval.k)
        plan = self._understand(q, [], article_ids, since, until, as_of, condense=lambda q, h: Turn(q, q))
        return next((p for p, *_ in self._tries(plan, n, None) if p), [])

    def ask(self, question: str, history: list[dict] | None = None, article_ids=None, *, since=None,
            until=None, as_of=None) -> Answer:
        """Answer from the articles (``article_ids`` limits which), following the conversation."""
        *_, final = self.stream(question, history, article_ids, since=since, until=until, as_of=as_of)
        return final

    def stream(self, question: str, history=None, article_ids=None, *, since=None, until=None,
               as_of=None, on_passages=None) -> Iterator[str | Answer]:
        """Yield answer text pieces as they are produced; the last item is the Answer.
        ``history``: role/content dicts, ``(role, text)`` tuples or LangChain messages.
        ``on_passages(passages)`` is called once, before the answer, with the passages it is
        read from (another period's when the asked one says nothing; [] when none were found).

        The walk: understand the question once (``rag.plan``), then the composer of its intent
        answers (overview, list, reason, next, reaction, definition: ``rag.compose``), or for a
        fact the answerer reads the retrieved passages (``_answer_tries``)."""
        history, on_passages = normalize_history(history), on_passages or _ignore
        plan = self._understand(clean_question(question), history, article_ids, since, until, as_of,
                                self.answerer.condense)
        if plan.empty:
            on_passages([])
            yield from self._decorated(iter([refusal(plan.question, [], self.answerer.name)]), False, plan.empty)
            return
        composer = get_composer(plan.intent, self.reading)
        if composer is not None:
            yield from self._composed(composer, plan, history, on_passages)
            return
        yield from self._answer_tries(plan, self._tries(plan, *self._reading()), history, on_passages)

    def understand(self, question: str, history=None, article_ids=None, *, since=None, until=None,
                   as_of=None) -> Plan:
        """The plan for ``question``: standalone question, intent, articles to read, time asked
        about (see ``rag.plan``)."""
        return self._understand(clean_question(question), normalize_history(history), article_ids, since, until,
                                as_of, self.answerer.condense)

    def _understand(self, q: str, history: list[dict], scope, since, until, as_of, condense) -> Plan:
        return understand(q, history, scope, since, until, as_of, condense=condense, retriever=self.retriever,
                          settings=self.settings)

    def plan(self, question: str, history=None, article_ids=None, *, since=None, until=None,
             as_of=None) -> tuple[Turn, list[Passage]]:
        """The standalone question (follow-ups resolved) and the passages found for it (the
        first choice: an asked period's, or the newest relevant article's)."""
        plan = self.understand(question, history, article_ids, since=since, until=until, as_of=as_of)
        if plan.empty:
            return plan.turn, []
        return next(((t, p) for p, _, t in self._tries(plan, *self._reading()) if p), (plan.turn, []))

    def summarize(self, article_ids=None, *, topic: str | None = None, since=None, until=None,
                  as_of=None) -> Answer:
        """An extractive summary, every sentence cited: of ``article_ids`` (one article: its
        lede and most central sentences; several: each one's lede, newest first), or of the
        best story on ``topic`` and the other articles on it. With neither, the newest articles."""
        if topic is not None and not str(topic).strip():
            raise BadInputError("the topic is empty; give one, e.g. --topic \"Iran talks\"")
        for aid in article_ids or []:
            self.store.article(aid)  # an unknown id gets a clear error
        q = f"What's the news about {' '.join(str(topic).split())[:MAX_QUESTION_CHARS]}?" if topic else "Summarize."
        plan = self._understand(q, [], list(article_ids) if article_ids else None, since, until, as_of,
                                condense=lambda q, h: Turn(q, q))
        if plan.empty:
            return dated(refusal(plan.question, [], "extractive"), False, plan.empty)
        plan = dataclasses.replace(plan, intent="overview", topic=" ".join(str(topic).split()) if topic else "")
        ans = get_composer("overview", self.reading).compose(plan)
        return dated(with_sources(ans, self._metas), False, "")

    def _reading(self) -> tuple[int, int | None]:
        """What the answerer reads: passages per question, sentences of context around each."""
        return self.settings.answer.passages, self.answerer.context_window

    def _tries(self, plan: Plan, n: int, window):
        """(passages, note, turn) in order of preference (``rag.timeline.tries``)."""
        return tries(plan, self.retriever, self.settings.dates.relevant_share, n, window)

    def _composed(self, composer, plan: Plan, history: list[dict], on_passages) -> Iterator[str | Answer]:
        """The intent's composer answers. An LLM writes from the sentences it chose, told what
        kind of answer is wanted. A composer that finds nothing of its kind (no reason given, no
        statement by X) hands the question to the fact reader, which may still refuse."""
        # The fact reader's tries are searched once: what _reader_sure reads is replayed.
        for_reader, for_answer = itertools.tee(self._tries(plan, *self._reading()))
        if plan.intent in READER_FIRST and self._reader_sure(plan, for_reader, composer):
            # A reason, a reaction or what comes next is a clause: the quote says it, a bold
            # fragment ("**Iran**" for the U.S. reaction to the offer) would mislead.
            yield from self._answer_tries(plan, for_answer, history, on_passages, lead=_lead_fits(plan))
            return
        ans = composer.compose(plan)
        if ans is None:
            yield from self._answer_tries(plan, for_answer, history, on_passages)
            return
        on_passages(ans.passages)
        if self.answerer.name != "extractive" and not ans.refused:
            yield from self._decorated(self._stream_llm(plan.turn, ans.passages, history, composer.instruction),
                                       plan.asked.latest, "", speak=False)
            return
        yield from self._decorated(iter([ans]), plan.asked.latest and not ans.refused, "")

    def _reader_sure(self, plan: Plan, tries, composer) -> bool:
        """Is the trained reader sure one retrieved sentence answers (probability at least
        ``answer.reader_first``), with a short answer the intent's composer takes as one? Then
        a question that reads like a list, a reason or a reaction is a fact question after all
        ("What was the BBC hoping an independent firm would do?"), and the reader's answer with
        its short answer is the better one; "two different articles" is no list of articles."""
        offline = self._offline_answerer()
        reader = offline.reader() if self.settings.answer.reader_first < 1.0 else None
        if reader is None:
            return False
        passages = next((p for p, *_ in tries if p), [])
        cands = offline.read_candidates(reader, plan.question, passages, plan.said) if passages else []
        if not cands or cands[0].prob < self.settings.answer.reader_first:
            return False
        best = cands[0]
        return composer.fact_answers(plan, best.text[slice(*best.span)] if best.span else "")

    def _answer_tries(self, plan: Plan, tries, history: list[dict], on_passages,
                      lead: bool = True) -> Iterator[str | Answer]:
        """The first try the answerer does not refuse (an LLM streams from the first non-empty
        one: a call per try would cost too much), its text dated and its sources dated/paged.
        ``on_passages``: told the passages of the try answered from (see ``stream``). When
        every try is refused, the refusal says what the one article in scope is about.
        ``lead``: False leaves out the bold short answer (the question asks for a clause)."""
        first, latest = [], plan.asked.latest
        for passages, note, turn in tries:
            if not passages:
                continue
            first = first or passages
            if self.answerer.name != "extractive":
                on_passages(passages)
                yield from self._decorated(self._stream_llm(turn, passages, history), latest, note, speak=False)
                return
            ans = self.answerer.answer(turn.question, passages, history, turn.said)
            ans = ans if lead else without_lead(ans)
            if not ans.refused:
                on_passages(passages)
                yield from self._decorated(iter([ans]), latest, note)
                return
        # Every try refused: a plain refusal ("nothing from other dates" would be no news).
        on_passages(first)
        yield from self._decorated(iter([self.reading.refuse(plan)]), False, "")

    def _decorated(self, items, latest: bool, note: str, speak: bool = True) -> Iterator[str | Answer]:
        """``speak``: yield the final text in pieces (an LLM's pieces were streamed as they came)."""
        for item in items:
            if isinstance(item, Answer):
                final = dated(with_sources(item, self._metas), latest, note)
                if speak:
                    yield from text_pieces(final.text)
                yield final
            else:
                yield item

    def _metas(self, ids: list[str]):
        return index_cache.article_metas(self.retriever.refresh(), self.store, ids)

    def _stream_llm(self, turn: Turn, passages: list[Passage], history: list[dict],
                    instruction: str = "") -> Iterator[str | Answer]:
        # an LLM leans on what comes first: best first (a composer's passages are in its order)
        if not instruction:
            passages = in_reader_order(turn.question, passages, self._offline_answerer())
        yield from self.answerer.stream(turn.question, passages, history, turn.said, instruction=instruction)

    def _offline_answerer(self):
        """The extractive answerer over this retriever (the reader's scoring, for LLM passage order)."""
        if self.answerer.name == "extractive":
            return self.answerer
        if getattr(self, "_extractive", None) is None:
            self._extractive = get_answerer("extractive", self.retriever, self.settings)
        return self._extractive

    def offline(self) -> "ArticleQA":
        """This store and retriever answered by the offline extractive answerer (the fallback
        when an LLM endpoint fails)."""
        twin = copy.copy(self)
        twin.answerer = self._offline_answerer()
        return twin

    # -- articles ------------------------------------------------------------------
    def articles(self) -> list[Article]:
        """All articles (text included), sorted by title."""
        self.retriever.refresh()
        return sorted((self.store.article(i) for i in self.retriever.articles), key=lambda a: a.title.lower())

    def article(self, article_id: str) -> Article:
        return self.store.article(article_id)

    def find_article(self, name: str) -> str:
        """The id of the article ``name`` names: its id, its file name without extension, or
        its title (case ignored); one clear error when none does."""
        self.retriever.refresh()
        metas = list(self.retriever.articles.values())
        wanted = name.lower()
        for key in (lambda m: m.id, lambda m: Path(m.source).stem.lower(), lambda m: m.title.lower()):
            found = next((m.id for m in metas if key(m) in (name, wanted)), None)
            if found:
                return found
        raise BadInputError(f"no article {name!r}: give an article id, its file name without extension or its title "
                            "(rag-ingest FILE adds it; rag ask --json shows the ids of cited articles)")

    def delete(self, article_id: str) -> None:
        self.store.article(article_id)  # raises a clear error for an unknown id
        self.store.delete_article(article_id)
        self.store.bump_revision([article_id])

    # -- LangChain -------------------------------------------------------------------
    def as_retriever(self, k: int | None = None, article_ids: list[str] | None = None):
        """This store as a LangChain ``BaseRetriever`` (documents carry offsets in metadata);
        ``article_ids`` limits it to those articles."""
        from rag.langchain import ArticleRetriever

        return ArticleRetriever(qa=self, k=self.settings.retrieval.k if k is None else k, article_ids=article_ids)

    def as_runnable(self):
        """The answering chain as a LangChain ``Runnable``: str or {question, history} → Answer."""
        from rag.langchain import answer_chain

        return answer_chain(self)


def _lead_fits(plan: Plan) -> bool:
    """May the reader's bold short answer lead? Not for a clause (a reason, a reaction, what
    comes next, what something is: "**Iran, specifically its Quds force**" for "What is the
    Quds Force?"), except a person's role for "Who is <Name>?" ("**Iraqi Prime Minister**")."""
    from rag.answerers.cues import asks_who_is

    return plan.intent not in CLAUSE_INTENTS or bool(asks_who_is(plan.question))


def without_lead(ans: Answer) -> Answer:
    """The answer without its bold short-answer lead ("**Iran** — "), markers moved with the text."""
    if not ans.short or not ans.text.startswith("**"):
        return ans
    cut = ans.text.find("** — ", 2)
    if cut < 0:
        return ans
    n = cut + len("** — ")
    ans.text, ans.short = ans.text[n:], None
    ans.markers = [m - n for m in ans.markers] if ans.markers is not None else None
    return ans


def _ignore(passages) -> None:
    """The default ``on_passages``: nobody asked to be told."""
