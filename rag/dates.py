"""Time in questions: "in May 2007", "on 29 May", "last week", "latest" → a date range or a
recency preference, resolved against a reference date ("as of", today by default).

Candidate phrases are found with a small pattern (month names, years, ISO dates, relative
words); each phrase is then resolved to a period. ``dateparser`` (its ``DateDataParser``
gives the date *and* its granularity: day, week, month, year) resolves the long tail ("last
Tuesday", "2 weeks ago" in the CLI's --since). Its import plus first parse cost ~0.2-0.3 s,
measured against the 2 s cold-start budget of a one-shot ``rag ask``, so the common forms —
calendar dates and "yesterday / last week / this month / N days ago" — are resolved by
calendar arithmetic first; a test checks they agree with dateparser.
``dateparser.search.search_dates`` is not used on whole questions: it takes ~4 s on its first
call and reads ordinary words as dates ("What *did* Iran offer?" → today).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from rag.errors import BadInputError

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_UNIT = r"(?:day|week|month|year)s?"
_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|couple of|few)"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_ABSOLUTE = (rf"\d{{4}}-\d{{2}}-\d{{2}}|{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?|{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b"
             rf"|{_MONTH}\s+{_YEAR}|(?<=\bin\s){_MONTH}|(?<=\bof\s){_MONTH}|{_YEAR}")
_RELATIVE = (rf"yesterday|today|tonight|last\s+night|(?:this|last|past)\s+(?:week|month|year|{_WEEKDAY})"
             rf"|(?:in\s+the\s+)?(?:last|past)\s+{_NUM}\s+{_UNIT}|{_NUM}\s+{_UNIT}\s+ago")
_PHRASE = re.compile(rf"\b(?:(since|after|from|before|until|till|by|in|on|during|of)\s+)?({_ABSOLUTE}|{_RELATIVE})\b",
                     re.IGNORECASE)
_RECENCY = re.compile(r"\b(latest|most\s+recent(?:ly)?|newest|recent(?:ly)?|now|currently|so\s+far|"
                      r"up\s+to\s+date)\b(?:\s+news\b)?", re.IGNORECASE)
# "What's the latest on X?", "Any news about X?", "Latest news on X": X is the question.
_TOPIC = re.compile(r"(?i)^(?:what(?:'s|\s+is|\s+are)?\s+|any\s+|give\s+me\s+|tell\s+me\s+)?(?:the\s+)?"
                    r"(?:(?:latest|most\s+recent|newest)(?:\s+(?:news|developments?|updates?|word))?|news)\s+"
                    r"(?:on|about|in|with|for|from|regarding)\s+(?P<topic>.+)$")
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "couple of": 2, "few": 3}
_OPEN_END = {"since", "after", "from"}
_OPEN_START = {"before", "until", "till", "by"}


@dataclass(frozen=True)
class When:
    """A publication-date range (either end may be open) and/or a wish for the newest news."""

    since: date | None = None
    until: date | None = None
    latest: bool = False
    phrase: str = ""  # the words of the question it came from ("in May 2007"); "" for explicit filters
    recency: str = ""  # the recency words ("the latest", "most recent", "now")
    topic: str = ""  # what "What's the latest on X?" asks about: X (a news question, not a fact question)

    @property
    def bounded(self) -> bool:
        return self.since is not None or self.until is not None

    def __bool__(self) -> bool:
        return self.bounded or self.latest

    def admits(self, published: str | None, keep_undated: bool = True) -> bool:
        """Whether an article published on ``published`` (ISO date, or None) falls in the range."""
        day = to_day(published)
        if day is None:
            return keep_undated or not self.bounded
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def describe(self) -> str:
        """The period in words: "in May 2007", "last week", "since 2007-03-01"."""
        if self.phrase:
            if re.match(r"(?i)(since|after|from|before|until|till|by|in|on|during|of|last|this|past|yesterday|"
                        r"today|tonight|\w+ \w+ ago)\b", self.phrase):
                return re.sub(r"(?i)^(during|of)\b", "in", self.phrase)
            return f"on {self.phrase}" if self.since == self.until else f"in {self.phrase}"
        if self.since and self.until:
            return f"{self.since.isoformat()} to {self.until.isoformat()}"
        if self.since:
            return f"since {self.since.isoformat()}"
        return f"until {self.until.isoformat()}" if self.until else "the latest"

    def strip(self, question: str) -> str:
        """The question without its time words ("What did Iran offer in May 2007?" → "What did
        Iran offer?"; "Who won the most recent marathon?" → "Who won the marathon?"): the reader
        judges what the text says, the date filter and recency judge when."""
        if self.topic:
            return self.topic
        out = question
        for words in (self.phrase, self.recency):
            if words:
                out = out.replace(words, " ", 1)
        out = " ".join(re.sub(r"\s+([?.!,])", r"\1", out).split())
        return out if len(out.split()) >= 2 else question

    def narrowed(self, since: date | None, until: date | None) -> "When":
        """This range intersected with explicit bounds."""
        lo = max((d for d in (self.since, since) if d), default=None)
        hi = min((d for d in (self.until, until) if d), default=None)
        return replace(self, since=lo, until=hi)


def to_day(published: str | None) -> date | None:
    """The calendar day of an ISO date or datetime string (None when absent or unreadable)."""
    if not published:
        return None
    try:
        return date.fromisoformat(str(published)[:10])
    except ValueError:
        return None


def parse_day(value, what: str = "date") -> date | None:
    """``--since/--until/--as-of`` values: a date, YYYY-MM-DD, or words dateparser reads
    ("2 weeks ago", "1 May 2007"). None passes through."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    day = to_day(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value).strip()) else None
    if day is None:
        got = _parser(datetime.now()).get_date_data(str(value))
        day = got.date_obj.date() if got and got.date_obj else None
    if day is None:
        raise BadInputError(f"cannot read {what} {value!r}; write it as YYYY-MM-DD, e.g. 2007-05-28")
    return day


def in_question(question: str, as_of: date | None = None) -> When:
    """The time the question asks about: the first date phrase, and recency words."""
    as_of = as_of or date.today()
    r = _RECENCY.search(question)
    topic = _TOPIC.match(question.strip())
    recent = When(latest=bool(r or topic), recency=r.group(0) if r else "",
                  topic=topic.group("topic").rstrip("?.! ") if topic else "")
    m = _PHRASE.search(question)
    if not m:
        return recent
    lo, hi = _resolve(m.group(2), as_of)
    if lo is None:
        return recent
    lead = (m.group(1) or "").lower()
    lo, hi = (lo, None) if lead in _OPEN_END else (None, hi) if lead in _OPEN_START else (lo, hi)
    return replace(recent, since=lo, until=hi, phrase=m.group(0).strip())


def _resolve(phrase: str, as_of: date) -> tuple[date | None, date | None]:
    text = " ".join(phrase.lower().split())
    span = re.fullmatch(rf"(?:in\s+the\s+)?(?:last|past)\s+({_NUM})\s+({_UNIT})", text)
    if span:  # "past 3 days": up to the reference date
        n = _count(span.group(1))
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[span.group(2).rstrip("s")]
        return as_of - timedelta(days=n * days), as_of
    if text == "last night":
        text = "yesterday"
    quick = _calendar(text, as_of) or _relative(text, as_of)
    if quick:
        return quick
    got = _parser(datetime.combine(as_of, datetime.min.time())).get_date_data(text)
    if not got or not got.date_obj:
        return None, None
    lo, hi = _period(got.date_obj.date(), got.period or "day")
    if text.startswith("this "):
        hi = as_of
    return lo, hi


_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | \
          {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m} | {"sept": 9}


def _calendar(text: str, as_of: date) -> tuple[date, date] | None:
    """Plain calendar dates ("May 2007", "29 May", "May 29, 2007", "2005", "2007-05-28") without
    dateparser: its first parse costs ~0.2 s of a 2 s cold start."""
    words = re.findall(r"[a-z]+|\d+", text.replace(".", ""))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = to_day(text)
        return (day, day) if day else None
    nums = [int(w) for w in words if w.isdigit()]
    names = [w for w in words if not w.isdigit() and w not in ("st", "nd", "rd", "th")]
    if len(names) > 1 or (names and names[0] not in _MONTHS) or len(nums) > 2:
        return None
    year = next((n for n in nums if n >= 1900), None)
    day_n = next((n for n in nums if n < 100), None)
    if not names:
        return (date(year, 1, 1), date(year, 12, 31)) if year and len(nums) == 1 else None
    month = _MONTHS[names[0]]
    if year is None:  # "29 May", "in March": the latest such date not after the reference date
        year = as_of.year if (month, day_n or 1) <= (as_of.month, as_of.day) else as_of.year - 1
    try:
        if day_n:
            return (date(year, month, day_n),) * 2
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        return None


def _count(word: str) -> int:
    """"3", "three", "a", "couple of" → how many."""
    return int(word) if word.isdigit() else _WORDS[word]


def _relative(text: str, as_of: date) -> tuple[date, date] | None:
    """"yesterday", "last week", "this month", "two weeks ago" by calendar arithmetic (the same
    periods dateparser gives, without its first-parse cost); weekdays and the rest go to it."""
    if text in ("today", "tonight"):
        return as_of, as_of
    if text == "yesterday":
        return (as_of - timedelta(days=1),) * 2
    m = re.fullmatch(r"(this|last)\s+(week|month|year)", text)
    if m:
        return _this_or_last(m.group(1), m.group(2), as_of)
    m = re.fullmatch(rf"({_NUM})\s+({_UNIT})\s+ago", text)
    if m:
        n = _count(m.group(1))
        unit = m.group(2).rstrip("s")
        if unit == "year":
            return date(as_of.year - n, 1, 1), date(as_of.year - n, 12, 31)
        if unit == "month":
            y, mo = divmod(as_of.year * 12 + as_of.month - 1 - n, 12)
            return _period(date(y, mo + 1, 1), "month")
        return _period(as_of - timedelta(days=n * (7 if unit == "week" else 1)), unit)
    return None


def _this_or_last(which: str, unit: str, as_of: date) -> tuple[date, date]:
    if unit == "week":
        monday = as_of - timedelta(days=as_of.weekday())
        return (monday, as_of) if which == "this" else (monday - timedelta(days=7), monday - timedelta(days=1))
    if unit == "month":
        first = as_of.replace(day=1)
        return (first, as_of) if which == "this" else _period(first - timedelta(days=1), "month")
    return (date(as_of.year, 1, 1), as_of) if which == "this" else (date(as_of.year - 1, 1, 1), date(as_of.year - 1, 12, 31))


def _period(day: date, period: str) -> tuple[date, date]:
    """The whole day, week (Monday first), month or year holding ``day``."""
    if period == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if period == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if period == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    return day, day


_PARSERS: dict = {}


def _parser(base: datetime):
    """One dateparser per reference date (building one costs ~0.1 s: the English data)."""
    key = base.date()
    if key not in _PARSERS:
        from dateparser.date import DateDataParser  # imported only when a question holds a date phrase

        _PARSERS.clear()
        _PARSERS[key] = DateDataParser(languages=["en"], settings={
            "RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first"})
    return _PARSERS[key]
