"""Article-chat quality: overviews, lists, reasons, what next, reactions and conversations.

The chat-question format (``benchmarks/chat_questions.json``)::

    {"items": [{"id", "kind", "article", "store": "article" | "corpus",
                "question" | "turns": [{"question", "key", "need"}],
                "key": [phrases verbatim in the article], "need": n, "expect"?: "refuse"}]}

``store: "article"`` asks in a chat scoped to that one article (the UI's scope, the API's
``article_ids``), ``"corpus"`` against every stored article. An answer *hits* when it is not
refused and holds ``need`` of the ``key`` phrases (case, quote marks and spacing ignored);
an ``expect: "refuse"`` item hits when it is refused. A conversation's turns are asked in
order, each with the answers so far as history, and each turn counts as one question.

``article`` names the stored article: its id, its file name without extension, or its title
(``ArticleQA.find_article``).
"""
from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rag.errors import BadInputError


@dataclass(frozen=True)
class Ask:
    question: str
    key: tuple[str, ...]
    need: int


@dataclass(frozen=True)
class ChatItem:
    id: str
    kind: str
    article: str
    store: str
    asks: tuple[Ask, ...]
    refuse: bool = False

    @property
    def conversation(self) -> bool:
        return len(self.asks) > 1


def load_chat(path: str | Path) -> list[ChatItem]:
    """Read a chat-question file; a wrong one gets one message naming what is wrong."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return [_item(raw) for raw in data["items"]]
    except FileNotFoundError:
        raise BadInputError(f"no such file: {path}") from None
    except (ValueError, KeyError, TypeError) as e:
        raise BadInputError(f"{path} is not a chat-question file ({type(e).__name__}: {e}); expected "
                            '{"items": [{"id", "kind", "article", "store", "question" or "turns", "key", "need"}]}') from None


def _item(raw: dict) -> ChatItem:
    store = raw.get("store", "article")
    if store not in ("article", "corpus"):
        raise ValueError(f"item {raw.get('id')}: store must be 'article' or 'corpus', not {store!r}")
    if "turns" in raw:
        asks = tuple(Ask(t["question"], tuple(t.get("key", [])), int(t.get("need", 1))) for t in raw["turns"])
    else:
        asks = (Ask(raw["question"], tuple(raw.get("key", [])), int(raw.get("need", 1 if raw.get("key") else 0))),)
    if not asks:
        raise ValueError(f"item {raw.get('id')}: no question")
    return ChatItem(str(raw["id"]), str(raw.get("kind", "")), str(raw["article"]), store, asks,
                    raw.get("expect") == "refuse")


def normalize(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("…", " ")
    return " ".join(text.lower().split())


def holds(answer: str, ask: Ask) -> bool:
    """Does the answer hold ``need`` of the key phrases?"""
    text = normalize(answer)
    return sum(normalize(k) in text for k in ask.key) >= ask.need


MISS_CHARS = 400  # of a missed answer kept in the report


@dataclass
class Outcome:
    item: str
    kind: str
    turn: int  # 0 for a single question, 1.. for a conversation's turns
    hit: bool
    refused: bool
    expect_refuse: bool
    chars: int
    ms: float
    answer: str = ""
    question: str = ""


@dataclass
class ChatReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def to_dict(self) -> dict:
        o = self.outcomes
        answerable = [x for x in o if not x.expect_refuse]
        off = [x for x in o if x.expect_refuse]
        kinds = defaultdict(list)
        for x in o:
            kinds[x.kind].append(x.hit)
        ms = sorted(x.ms for x in o)
        later = [x for x in o if x.turn >= 2]
        answered = [x.chars for x in answerable if not x.refused]
        return {
            "questions": len(o),
            "hit": _share([x.hit for x in o]),
            "per_kind": {k: {"n": len(v), "hit": _share(v)} for k, v in sorted(kinds.items())},
            "later_turns_hit": _share([x.hit for x in later]),
            "later_turns": len(later),
            "answerable_refused": _share([x.refused for x in answerable]),
            "offtopic_refused": _share([x.refused for x in off]),
            "offtopic": len(off),
            "mean_answer_chars": round(statistics.mean(answered), 1) if answered else 0.0,
            "ask_p50_ms": round(_pct(ms, 0.5), 1),
            "ask_p95_ms": round(_pct(ms, 0.95), 1),
            # What was missed, to read rather than count (``rag eval --chat --json``).
            "misses": [{"item": x.item, "kind": x.kind, "turn": x.turn, "question": x.question,
                        "answer": x.answer[:MISS_CHARS]} for x in o if not x.hit],
        }


def _share(flags) -> float:
    flags = list(flags)
    return round(sum(bool(f) for f in flags) / len(flags), 3) if flags else 0.0


def _pct(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return 0.0
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


#: ``answer(question, history, article_ids) -> (text, refused)``: whatever is measured.
AnswerFn = Callable[[str, list, list | None], tuple[str, bool]]


def run_chat(items: list[ChatItem], answer: AnswerFn, resolve: Callable[[str], str],
             progress: Callable[[], None] | None = None) -> ChatReport:
    """Ask every item (conversations turn by turn) through ``answer``; ``resolve`` maps an
    item's ``article`` to a stored article id."""
    report = ChatReport()
    for item in items:
        scope = [resolve(item.article)] if item.store == "article" else None
        history: list[dict] = []
        for n, ask in enumerate(item.asks, start=1 if item.conversation else 0):
            t = time.perf_counter()
            text, refused = answer(ask.question, list(history), scope)
            ms = 1000 * (time.perf_counter() - t)
            hit = refused if item.refuse else (not refused and holds(text, ask))
            report.outcomes.append(Outcome(item.id, item.kind, n, hit, refused, item.refuse, len(text), ms, text,
                                           ask.question))
            history += [{"role": "user", "content": ask.question}, {"role": "assistant", "content": text}]
            if progress:
                progress()
    return report


def ours(qa) -> AnswerFn:
    def answer(question: str, history: list, scope) -> tuple[str, bool]:
        ans = qa.ask(question, history, scope)
        return ans.text, ans.refused

    return answer


ROWS = [  # (field, label, format)
    ("questions", "questions asked (conversation turns included)", "{:d}"),
    ("hit", "hit over all items and turns", "{:.3f}"),
    ("later_turns_hit", "second and third conversation turns, hit", "{:.3f}"),
    ("answerable_refused", "answerable questions refused", "{:.3f}"),
    ("offtopic_refused", "off-topic questions refused", "{:.3f}"),
    ("mean_answer_chars", "mean answer length (chars)", "{:.0f}"),
    ("ask_p50_ms", "ask p50 (ms)", "{:.1f}"),
    ("ask_p95_ms", "ask p95 (ms)", "{:.1f}"),
]


def table(report: dict) -> str:
    width = max(len(label) for _, label, _ in ROWS)
    lines = [f"{label:<{width}}  {fmt.format(report[key])}" for key, label, fmt in ROWS]
    lines.append("per kind (n, hit):")
    lines += [f"  {kind:<{width - 2}}  {v['n']:>3}  {v['hit']:.3f}" for kind, v in report["per_kind"].items()]
    return "\n".join(lines)
