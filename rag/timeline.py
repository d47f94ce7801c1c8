"""Dates in retrieval and answers: which articles a date range admits, which retrieved
article is the newest relevant one, and the dated wording of an answer.

How a question's time is used (``rag.api.ArticleQA``):
- explicit ``since``/``until`` (``--since/--until``, the UI's range) are a hard filter;
- a time phrase in the question ("in May 2007") is a *preference*: the articles published
  then are read first when they are about as relevant as the best of all (``relevant_share``);
  when none of them answers, all dates are read and the answer says so (a 2007 article may
  well report what happened in 1998); among undated articles the phrase stays in the question;
- "latest"/"most recent"/"now": the relevant articles (retrieved passages scoring at least
  ``relevant_share`` of the best) are read newest first, and the answer starts "As of <date>:".
"""
from __future__ import annotations

from dataclasses import replace

from rag.conversation import Turn
from rag.dates import When, to_day
from rag.types import Answer, Citation, Passage, page_at


def admitted(published: dict[str, str | None], when: When, scope, keep_undated: bool) -> list[str] | None:
    """Article ids the range admits within ``scope`` (None: no range and no scope = all)."""
    if not when.bounded:
        return list(scope) if scope else None
    ids = scope if scope else published.keys()
    return [i for i in ids if i in published and when.admits(published[i], keep_undated)]


def newest_relevant(passages: list[Passage], published: dict[str, str | None], share: float,
                    limit: int = 3) -> list[str]:
    """Dated articles of the passages scoring at least ``share`` of the best, newest first."""
    if not passages:
        return []
    best = max(p.score for p in passages)
    relevant = dict.fromkeys(p.article_id for p in passages if p.score >= share * best)
    dated = [a for a in relevant if to_day(published.get(a))]
    return sorted(dated, key=lambda a: to_day(published[a]), reverse=True)[:limit]


def tries(plan, retriever, share: float, n: int, window: int | None):
    """(passages, note for the answer, turn to answer) for ``plan``, in order of preference:
    the asked period's articles first, or the newest relevant ones for "the latest". The time
    words leave the question only where a date choice was made for them; in a store without
    dates (an encyclopedia) "in 1998" stays part of what is asked. Lazy: a try is searched only
    when the one before did not do."""
    turn, pub, asked, hard = plan.turn, plan.published, plan.asked, plan.hard
    base = list(plan.articles) if plan.articles is not None else None

    def search(t: Turn, ids):
        return retriever.search(t.query, n, ids, window=window) if ids is None or ids else []

    dated = (asked.bounded or asked.latest) and (any(pub.get(i) for i in base) if base is not None
                                                 else retriever.any_dated())
    if not dated:
        yield search(turn, base), "", turn
        return
    bare = _without_time(turn, asked)
    if asked.bounded:
        yield from _period_tries(turn, bare, search, pub, base, asked, hard, share)
        return
    passages = search(bare, base)
    for aid in newest_relevant(passages, pub, share):
        yield search(bare, [aid]), "", bare
    yield passages, "", bare


def _period_tries(turn: Turn, bare: Turn, search, pub, base, asked: When, hard: When, share: float):
    """The asked period's articles first when they are about as relevant as the best of all
    (a preference, not a filter: "in 1998" may be when it happened, not when reported);
    then all dates, saying so when the relevant articles are dated at all."""
    everywhere = search(turn, base)
    period = admitted(pub, hard.narrowed(asked.since, asked.until), base, False)
    inside = search(bare, period) if period else []
    if inside and (not everywhere or inside[0].score >= share * everywhere[0].score):
        yield inside, "", bare
    if not any(pub.get(p.article_id) for p in everywhere[:3]):
        yield everywhere, "", turn  # undated articles (an encyclopedia): the date is part of the question
        return
    note = f"Nothing {'says' if period else 'was published'} {asked.describe()}; from other dates:"
    yield everywhere, note, turn
    yield search(bare, base), note, bare


def _without_time(turn: Turn, asked: When) -> Turn:
    """The turn with the question's time words taken out (the date filter or the recency order
    handles them); "What's the latest on X?" searches for X and keeps its question."""
    if not (asked.phrase or asked.recency or asked.topic):
        return turn
    question = turn.question if asked.topic else asked.strip(turn.question)
    return replace(turn, query=asked.strip(turn.query), question=question)


def with_sources(ans: Answer, metas) -> Answer:
    """Every citation carries its article's date and, for a PDF, the page its quote is on."""
    if not ans.citations:
        return ans
    found = metas([c.article_id for c in ans.citations])
    cites = []
    for c in ans.citations:
        m = found.get(c.article_id)
        cites.append(replace(c, published=c.published or (m.published if m else None),
                             page=page_at(m.pages, c.start) if m else None))
    ans.citations = cites
    return ans


def dated(ans: Answer, latest: bool, note: str = "") -> Answer:
    """The answer's text with what its dates mean: "As of <newest date>:" for a question about
    the latest news, a line naming the newest source when the sources' dates differ, and
    ``note`` (e.g. no article from the asked period) in front."""
    if ans.refused:
        if note:
            ans.text = f"{ans.text} ({note})"
        return ans
    days = sorted({d for c in ans.citations if (d := to_day(c.published))}, reverse=True)
    lead = f"{note} " if note else ""
    if latest and days:
        lead += f"As of {days[0].isoformat()}: "
    if lead:
        ans.text = lead + ans.text
        ans.markers = [m + len(lead) for m in ans.markers] if ans.markers is not None else None
    if len(days) > 1:
        ans.text += "\n\n" + _newest_line(ans.citations, days[0])
    return ans


def _newest_line(citations: list[Citation], newest) -> str:
    tags = ", ".join(f"source {c.n}" for c in citations if to_day(c.published) == newest)
    others = ", ".join(sorted({c.published[:10] for c in citations if c.published and to_day(c.published) != newest}))
    return f"(Sources differ in date: {tags} is the newest, {newest.isoformat()}; others {others}.)"
