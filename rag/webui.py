"""What chat front-ends such as Open WebUI need beyond plain OpenAI answers.

- **Sources as events.** Open WebUI reads citations from stream chunks of the shape
  ``{"choices": [], "event": {"type": "source", "data": {"source": {"id", "name"}, "document":
  [quote], "metadata": [{"source", "name", "published"}], "distances": [score]}}}``, one per
  citation, before ``[DONE]``; a non-streamed reply carries the same items as ``sources``. Names
  are unique ("[2] Title"): two sources of one name merge into one chip and lose a marker.
- **Its background tasks.** It sends the chat model prompts that start with "### Task:" and hold
  the conversation in ``<chat_history>``: a title, tags, follow-up suggestions (and search
  queries). They get what they ask for, as raw JSON, made from the articles the conversation
  cited: no search beyond looking the quotes up, no answer refused as "The articles don't say."
"""
from __future__ import annotations

import json
import re

from rag.types import Answer

TASK = re.compile(r"^\s*###\s*Task:", re.I)
_HISTORY = re.compile(r"<chat_history>(.*?)</chat_history>", re.S | re.I)
_TURN = re.compile(r"^(USER|ASSISTANT|SYSTEM):\s?", re.I | re.M)


# -- sources ---------------------------------------------------------------------------------
def source_items(ans: Answer) -> list[dict]:
    """One Open WebUI source item per citation, names unique ("[n] title")."""
    items = []
    for c in ans.citations:
        name = f"[{c.n}] {c.title or 'Article'}"
        meta = {"source": name, "name": name, "published": c.published}
        if c.page:
            meta["page"] = c.page
        items.append({"source": {"id": f"{c.article_id}#{c.n}", "name": name}, "document": [c.quote],
                      "metadata": [meta], "distances": [c.score]})
    return items


# -- background tasks ------------------------------------------------------------------------------
def task_kind(prompt: str) -> str | None:
    """"title", "tags", "follow_ups", "queries", "emoji" or "other" for an Open WebUI task
    prompt; None for a user's question."""
    if not TASK.match(prompt or ""):
        return None
    head = prompt.split("### Chat History", 1)[0].lower()
    for kind, words in (("follow_ups", ("follow-up", "follow_ups", "follow up")), ("title", ("title",)),
                        ("tags", ("tags",)), ("queries", ("queries", "search quer")), ("emoji", ("emoji",))):
        if any(w in head for w in words):
            return kind
    return "other"


def conversation(prompt: str) -> list[dict]:
    """The ``<chat_history>`` of a task prompt as role/content turns ("USER: …" lines)."""
    m = _HISTORY.search(prompt or "")
    if not m:
        return []
    text, turns = m.group(1), []
    marks = list(_TURN.finditer(text))
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        turns.append({"role": mark.group(1).lower(), "content": text[mark.end():end].strip()})
    return turns


def answer_task(kind: str, prompt: str, qa) -> str:
    """The JSON an Open WebUI task expects, from the conversation and the articles it cited."""
    from rag.plan import cited_articles

    turns = conversation(prompt)
    asked = [t["content"] for t in turns if t["role"] == "user"]
    said = " ".join(t["content"] for t in turns if t["role"] == "assistant")
    cited = cited_articles(said, qa.retriever) if said else []
    metas = [m for a in cited if (m := qa.retriever.articles.get(a))]
    if kind == "title":
        return json.dumps({"title": _title(asked, metas)}, ensure_ascii=False)
    if kind == "tags":
        return json.dumps({"tags": _tags(metas)}, ensure_ascii=False)
    if kind == "follow_ups":
        return json.dumps({"follow_ups": follow_ups(qa, cited, asked)}, ensure_ascii=False)
    if kind == "queries":
        return json.dumps({"queries": asked[-1:]}, ensure_ascii=False)
    if kind == "emoji":
        return "📰"
    return "{}"


def _title(asked: list[str], metas) -> str:
    """The cited article's headline, else the first question, in at most eight words."""
    text = metas[0].title if metas else (asked[0] if asked else "News chat")
    words = text.strip().rstrip("?.!").split()
    return " ".join(words[:8]) or "News chat"


_NAME = re.compile(r"\b[A-Z][\w’'.-]+(?:\s+(?:of\s+|al-|de\s+)?[A-Z][\w’'.-]+)*")
_NOT_TAG = {"The", "A", "An", "In", "On", "After", "As", "US", "UK"}


def _tags(metas) -> list[str]:
    """The names in the cited headlines (people, places, bodies), then "News"."""
    tags: list[str] = []
    for m in metas:
        for name in _NAME.findall(m.title):
            if name not in _NOT_TAG and name not in tags and len(tags) < 3:
                tags.append(name)
    return [*tags, "News"]


def follow_ups(qa, cited: list[str], asked: list[str], most: int = 4) -> list[str]:
    """Questions the cited articles can answer, made from their own sentences: what someone
    they quote said, what happens next when they say, who a named person is, a summary."""
    from rag.compose.future import STRONG
    from rag.compose.reaction import SAID
    from rag.quotes import people

    if not cited:
        return ["What is the latest news?", "Summarize the newest articles."][:most]
    seen = {" ".join(q.lower().split()) for q in asked}
    out: list[str] = []

    def offer(q: str) -> None:
        if " ".join(q.lower().split()) not in seen and q not in out:
            out.append(q)

    body = qa.reading.body(cited[0])
    speakers = []
    for s in body:
        if SAID.search(s.text):
            for name in people(s.text):
                if name not in speakers:
                    speakers.append(name)
    if any(STRONG.search(s.text) for s in body):
        offer("What happens next?")
    for name in speakers[:2]:
        offer(f"What did {name} say?")
    if speakers:
        offer(f"Who is {speakers[0]}?")
    offer("What is this article about?")
    offer("Why did it happen?")
    return out[:most]
