"""Overview: "What is this article about?", "Summarize it", "What's the news about X?".

- One article: its lede (the first body sentence or two: never the headline, dateline or
  byline), then its most central sentences (nearest the mean of all its sentence vectors), in
  article order, about ``BUDGET`` characters.
- A topic or several articles: the best story's lede, then the other articles on that story,
  dated, newest first. A headline alone is never an answer.

Never refused while there is an article to summarise; a topic the articles never mention is.
"""
from __future__ import annotations

from rag.compose import register
from rag.answerers.extractive import already_said
from rag.compose.base import BUDGET, Composer, Sent, lede_of, quoted
from rag.dates import to_day
from rag.intents import asks_for_more
from rag.text import stems
from rag.types import Answer

#: Other articles on the same story: their best passage scores at least this share of the best's.
SAME_STORY = 0.8
#: Further stories listed after the best one's lede.
OTHERS = 2
#: An article whose headline holds the topic's words ranks up to this much higher.
W_TITLE = 0.2


@register("overview")
class Overview(Composer):
    instruction = ("Summarise what the passages report in two to four sentences: the main event first "
                   "(who, what, when, where), then the most important details.")

    def compose(self, plan) -> Answer:
        if plan.topic:
            return self.topic(plan)
        arts = list(plan.articles) if plan.articles is not None else self._newest(3)
        if not arts:
            return self.reading.refuse(plan)
        if len(arts) == 1:
            return self.article(plan, arts[0])
        return self.stories(plan, arts)

    def article(self, plan, article_id: str, budget: int = BUDGET) -> Answer:
        """The lede plus the article's most central sentences, in article order. "Tell me more",
        "What else?" after an answer: the most central of the sentences it did not quote."""
        said = plan.said if plan.said and asks_for_more(plan.question) else ""
        parts = self.summary(article_id, budget, said)
        return self.reading.answer(plan, parts) if parts else self.reading.refuse(plan)

    def summary(self, article_id: str, budget: int = BUDGET, said: str = "") -> list[tuple[Sent, str]]:
        """``said``: an earlier answer whose sentences are left out (no lede then: it was read)."""
        body = self.reading.body(article_id)
        if said:
            body = [s for s in body if not already_said(s.text, said)]
        if not body:
            return []
        lede = [] if said else lede_of(body)
        chosen = list(lede)
        total = sum(len(s.text) + 6 for s in chosen)
        rest = [s for s in body[len(lede):] if 40 <= len(s.text) <= 320] or ([] if lede else body[:1])
        if rest and total < budget - 60:
            vecs = self.reading.vectors(body)
            centre = vecs.mean(axis=0)
            central = {s.start: float(v @ centre) for s, v in zip(body, vecs)}
            for s in sorted(rest, key=lambda s: -central[s.start]):
                if total + len(s.text) + 6 <= budget + 20:
                    chosen.append(s)
                    total += len(s.text) + 6
                if total >= budget - 60:
                    break
        chosen.sort(key=lambda s: s.start)
        return [(s, quoted(s, 360 if i == 0 else 260)) for i, s in enumerate(chosen)]

    def topic(self, plan) -> Answer:
        """The best story on the topic: its lede, then the other articles on it, newest first."""
        r = self.reading
        query = plan.asked.strip(plan.topic) if plan.asked.phrase else plan.topic
        passages = r.search(plan, query, r.settings.answer.passages * 2, latest=False)
        if not passages or not r.names_found(query, list(dict.fromkeys(p.article_id for p in passages))[:3]):
            return r.refuse(plan)
        best: dict[str, float] = {}
        for p in passages:
            best[p.article_id] = max(best.get(p.article_id, 0.0), p.score)
        # The story whose headline names the topic is about it; others may only mention it.
        want = set(stems(query))
        for a in best:
            meta = r.retriever.articles.get(a)
            title = set(stems(meta.title)) if meta else set()
            best[a] += W_TITLE * (len(want & title) / len(want) if want else 0.0)
        sents = r.sentences_of(passages[:4])
        r.score(sents, query, "overview")
        if not sents or max(s.relevance for s in sents) < r.threshold:
            return r.refuse(plan)
        order = sorted(best, key=lambda a: -best[a])
        if plan.asked.recency:  # "What's the latest on X?": the newest of the stories nearly as relevant
            top = best[order[0]]
            near = [a for a in order if best[a] >= SAME_STORY * top and r.names_found(query, [a])]
            order = _newest_first(near, r) + [a for a in order if a not in near]
        lead = order[0]
        if len(best) == 1 or best[order[1]] < SAME_STORY * best[lead]:
            return self.article(plan, lead)
        parts = self.summary(lead, BUDGET - 150)[:2]
        others = _newest_first([a for a in order[1:] if best[a] >= SAME_STORY * best[lead]], r)[:OTHERS]
        tail_parts = []
        for a in others:
            lede = r.lede(a)
            if lede:
                tail_parts.append((lede[0], quoted(lede[0], 150)))
        return r.answer(plan, parts + tail_parts, prefix=_dated(len(parts)))

    def stories(self, plan, arts: list[str]) -> Answer:
        """Several articles, no topic: each one's lede, newest first, within the budget."""
        r = self.reading
        parts, total = [], 0
        for a in _newest_first(arts, r):
            lede = r.lede(a)
            if not lede:
                continue
            q = quoted(lede[0], 200)
            if parts and total + len(q) > BUDGET + 50:
                break
            parts.append((lede[0], q))
            total += len(q) + 20
        return r.answer(plan, parts, prefix=_dated(0)) if parts else r.refuse(plan)

    def _newest(self, n: int) -> list[str]:
        pub = self.reading.retriever.published()
        return _newest_first(list(pub), self.reading)[:n]


def _newest_first(ids: list[str], reading) -> list[str]:
    pub = reading.retriever.published()
    return sorted(ids, key=lambda a: to_day(pub.get(a)) or to_day("0001-01-01"), reverse=True)


def _dated(first: int):
    """A prefix for quotes from position ``first`` on: their article's date ("2019-03-02: ")."""
    return lambda i, s: f"{s.published[:10]}: " if i >= first and s.published else ""

