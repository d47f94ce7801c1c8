"""LLM answerers through LangChain chat models, with every citation checked afterwards.

SPEC → model: ``openai:MODEL`` (ChatOpenAI; any OpenAI-compatible endpoint via base_url:
OpenAI, vLLM, llama.cpp server, LM Studio), ``ollama:MODEL`` (ChatOllama), ``local:PATH``
(a transformers model directory or .gguf file, in process). Any LangChain chat model
instance can also be passed as ``ArticleQA(llm=model)``.

After generation each ``[n]`` is checked: markers naming no given passage are removed and
flagged; each valid one becomes a Citation quoting the sentence of passage n that best
supports the claim it ends, with exact offsets. No valid citation → ``grounded=False``.
"""
from __future__ import annotations

import os
import re
from typing import Iterator

from rag.answerers import register
from rag.answerers.base import CANNOT_ANSWER, Answerer, refusal
from rag.citations import make_citation
from rag.conversation import Turn, is_follow_up, resolve
from rag.errors import LLMUnavailableError
from rag.prompts import CONDENSE, SYSTEM, conversation_text, user_message
from rag.text import stems
from rag.types import Answer, Citation, Passage

_MARKER = re.compile(r"\s?\[(\d+)\]")


class LLMAnswerer(Answerer):
    context_window = 1  # a model writes better from a sentence with its neighbours

    def __init__(self, model, name: str = "llm", endpoint: str = ""):
        self.model, self.name, self.endpoint = model, name, endpoint

    # -- conversation --------------------------------------------------------------
    def condense(self, question: str, history) -> Turn:
        offline = resolve(question, history)
        if not is_follow_up(question, history):
            return offline
        prompt = CONDENSE.format(conversation=conversation_text(history), question=question)
        standalone = self._text(self._invoke([("human", prompt)])).strip().split("\n")[0][:500]
        return Turn(f"{standalone} {offline.query}".strip(), standalone or question, offline.said)

    # -- answering -----------------------------------------------------------------
    def answer(self, question, passages, history=None, said="") -> Answer:
        *_, final = self.stream(question, passages, history, said)
        return final

    def stream(self, question, passages, history=None, said="", instruction="") -> Iterator[str | Answer]:
        system = f"{SYSTEM}\n- For this question: {instruction}" if instruction else SYSTEM
        messages = [("system", system), ("human", user_message(question, passages))]
        raw, gate = "", MarkerGate(len(passages))
        try:
            for chunk in self.model.stream(messages):
                piece = self._text(chunk)
                raw += piece
                out = gate.feed(piece)
                if out:
                    yield out
        except Exception as e:
            raise self._unavailable(e) from None
        tail = gate.flush()
        if tail:
            yield tail
        yield check(raw, question, passages, self.name)

    # -- plumbing ------------------------------------------------------------------
    def _invoke(self, messages):
        try:
            return self.model.invoke(messages)
        except Exception as e:
            raise self._unavailable(e) from None

    def _unavailable(self, e: Exception) -> LLMUnavailableError:
        where = f" at {self.endpoint}" if self.endpoint else ""
        return LLMUnavailableError(f"the LLM backend '{self.name}'{where} failed ({type(e).__name__}: {str(e)[:200]}); "
                                   "check that it is running and reachable, or use --llm extractive")

    @staticmethod
    def _text(msg) -> str:
        content = getattr(msg, "content", msg)
        if isinstance(content, list):
            return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
        return str(content)


class Markers:
    """Citation numbering shared by the stream and the final answer, so both read the same:
    valid markers are renumbered 1..k in order of first use, ones naming no passage dropped."""

    def __init__(self, n_passages: int):
        self.n, self.order, self.dropped = n_passages, {}, []

    def render(self, m: re.Match) -> str:
        k = int(m.group(1))
        if not 1 <= k <= self.n:
            self.dropped.append(k)
            return ""
        n = self.order.setdefault(k, len(self.order) + 1)
        return m.group(0).replace(f"[{k}]", f"[{n}]")

    def sub(self, text: str) -> str:
        return _MARKER.sub(self.render, text)


class MarkerGate:
    """Streams text through ``Markers`` but holds back a ``[..`` until it closes."""

    def __init__(self, n_passages: int):
        self.markers, self.buf = Markers(n_passages), ""

    def feed(self, piece: str) -> str:
        self.buf += piece
        cut = self.buf.rfind("[")
        if cut != -1 and "]" not in self.buf[cut:] and len(self.buf) - cut < 8:
            ready, self.buf = self.buf[:cut], self.buf[cut:]
        else:
            ready, self.buf = self.buf, ""
        return self.markers.sub(ready)

    def flush(self) -> str:
        ready, self.buf = self.buf, ""
        return self.markers.sub(ready)


def check(raw: str, question: str, passages: list[Passage], name: str) -> Answer:
    """Validate markers, build verbatim citations, number them as the stream did."""
    text = raw.strip()
    if not text or CANNOT_ANSWER.rstrip(".") in text[:80]:
        return refusal(question, passages, name)
    markers, cites, out, pos = Markers(len(passages)), [], [], 0
    for m in _MARKER.finditer(text):
        claim = text[pos:m.start()]
        known = len(markers.order)
        out += [claim, markers.render(m)]
        if len(markers.order) > known:  # first use of a valid passage: cite it
            k = int(m.group(1))
            cites.append(support(markers.order[k], passages[k - 1], _last_sentence(claim) or question))
        pos = m.end()
    out.append(text[pos:])
    flagged = [f"removed citation [{k}]: only {len(passages)} passages were given" for k in markers.dropped]
    if not cites:
        flagged.append("ungrounded: the answer cites none of the passages")
    clean = re.sub(r"[ \t]+", " ", "".join(out)).strip()
    return Answer(clean, False, cites, question, passages, bool(cites), flagged, name)


def _last_sentence(claim: str) -> str:
    parts = re.split(r"(?<=[.!?])\s+", claim.strip())
    return parts[-1] if parts else claim


def support(n: int, p: Passage, claim: str) -> Citation:
    """The sentence of passage ``p`` sharing most (stemmed) words with ``claim``."""
    want = set(stems(claim))
    spans = p.sentences or ((p.start, p.end),)
    best = max(spans, key=lambda se: (len(want & set(stems(p.text[se[0] - p.start:se[1] - p.start]))), -se[0]))
    s, e = best
    overlap = len(want & set(stems(p.text[s - p.start:e - p.start]))) / max(1, len(want))
    return make_citation(n, p.article_id, p.title, p.text[s - p.start:e - p.start], s, e, overlap)


# -- backends --------------------------------------------------------------------------
def _need(package: str, extra: str = "llm"):
    raise LLMUnavailableError(f"the '{package}' package is missing: pip install 'news-rag[{extra}]'")


@register("openai")
def _openai(arg, retriever, settings) -> Answerer:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        _need("langchain-openai")
    key = settings.llm_api_key or os.environ.get("OPENAI_API_KEY") or ("not-needed" if settings.llm_base_url else "")
    if not key:
        raise LLMUnavailableError("no API key: set RAG_LLM_API_KEY or OPENAI_API_KEY, or --base-url for a local server")
    model = ChatOpenAI(model=arg or "gpt-4o-mini", base_url=settings.llm_base_url or None, api_key=key,
                       temperature=settings.llm_temperature, timeout=settings.llm_timeout, max_retries=1)
    return LLMAnswerer(model, f"openai:{arg}", settings.llm_base_url or "api.openai.com")


@register("ollama")
def _ollama(arg, retriever, settings) -> Answerer:
    try:
        from langchain_ollama import ChatOllama
    except ImportError:
        _need("langchain-ollama")
    url = settings.llm_base_url or "http://localhost:11434"
    model = ChatOllama(model=arg, base_url=url, temperature=settings.llm_temperature)
    return LLMAnswerer(model, f"ollama:{arg}", url)


@register("local")
def _local(arg, retriever, settings) -> Answerer:
    from rag.answerers.local_model import LocalChatModel

    return LLMAnswerer(LocalChatModel.load(arg), f"local:{os.path.basename(arg)}")
