"""What a question asks for: its *intent*, read once from its words.

People chat about articles, they do not only look facts up. The intents, in the order they
are tested (the first that matches wins):

- ``overview``   "What is this article about?", "Summarize it", "What's the news about X?"
- ``reason``     "Why …?", "What caused …?", "What is the reason for …?"
- ``next``       "What happens next?", "What will X do?", "What are the plans?"
- ``reaction``   "What did X say?", "How did X react?", "What was the reaction to …?"
- ``list``       "Which films …?", "What are the …?", "Name the …", "Who attended …?"
- ``definition`` "What is the Quds Force?", "Who is Ryan Crocker?"
- ``yesno``      "Did Crocker and Kazemi shake hands?"
- ``comparison`` "Which is bigger, X or Y?", "How does X compare with Y?"
- ``factoid``    everything else ("When …?", "How many …?", "Who made the offer?")

Rules, not a model: the question words of English news questions are few, and a rule that
misfires is easy to see and fix. Each intent also names the words that only say *what kind*
of answer is wanted ("why", "happen", "react", "summarize"): they are left out when a
sentence's relevance to the question is measured.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rag.answerers.cues import asks_yes_no
from rag.text import stems

INTENTS = ("overview", "list", "reason", "next", "reaction", "definition", "yesno", "comparison", "factoid")

_LEAD = r"^\W*(?:(?:and|so|but|ok|okay|then|now|also|well)[\s,]+)*"
_ARTICLE = r"(?:article|articles|story|stories|piece|report|reports|news|item|text|document|page|this|it|that)"

_POLITE = r"(?:(?:can|could|would|will) you (?:please |just )?|please |i(?:['’]d| would) like |i want |just )?"
_OVERVIEW = re.compile(
    rf"{_LEAD}{_POLITE}(?:"
    rf"what(?:['’]s| is| was| are| were)\s+(?:this|the|that|these)\s+{_ARTICLE}\s+(?:\w+\s+){{0,2}}about\b"
    rf"|what(?:['’]s| is| was)\s+(?:it|this|that)\s+(?:all\s+)?about\b"
    r"|(?:can you |could you |please )?(?:summari[sz]e|sum up|recap|outline)\b"
    r"|(?:give me |what(?:['’]s| is) )?(?:a |an |the )?(?:summary|overview|rundown|gist|tl;?dr|synopsis|recap)\b"
    r"|(?:what are )?(?:the )?(?:main|key|important) (?:points|facts|takeaways|details)\b"
    r"|sum (?:it|this|that|them) up\b|(?:explain|describe) (?:the |this |that )?(?:article|story|piece|report|news)\b"
    r"|tell me more\s*[?.!]*$|what do we know\b|any (?:news|updates?)\b"
    r"|(?:what else|anything else|more|go on|continue|keep going)\s*[?.!]*$"
    r"|what(?:['’]s| is| was) (?:the )?(?:latest|(?:latest )?(?:news|story|headline|situation|update))\b"
    r"|what(?:['’]s| is) (?:going on|happening|new)\b"
    r"|what happened\s*(?:\?|$|\b(?:in|at|with|on|during|to)\b)"
    r"|tell me (?:about|more about|what happened)\b"
    r"|(?:brief|update|fill) me\b|catch me up\b"
    rf"|what does (?:the|this) {_ARTICLE} say\s*\??$"
    r"|what do (?:the|these) (?:articles|stories|reports) say\s*\??$"
    r"|in (?:brief|short|a nutshell)\b"
    r")", re.I)

#: "Tell me more", "What else?", "Go on": the reader has had the start and wants the rest.
_MORE = re.compile(r"\b(?:more|else|go on|continue|keep going)\b", re.I)


def asks_for_more(question: str) -> bool:
    """"Tell me more about X", "What else?": the rest is wanted, not what was already quoted."""
    return bool(_MORE.search(question))


#: "What's the news about X?", "Tell me about X", "Summarize the news on X", "What happened in X?"
_TOPIC = re.compile(
    r"(?:\b(?:news|latest|story|stories|update|updates|summary|overview|articles?|reports?|happened|happening|going on)"
    r"\s+(?:on|about|in|with|for|from|regarding|concerning|at|to|during)"
    r"|\btell me (?:more )?about|\bwhat do we know (?:so far )?about|\bsummari[sz]e|\bsum up|\bbrief me on|\bupdate me on|\bcatch me up on)"
    r"\s+(?P<topic>.+?)\s*[?.!]*$", re.I)
_NOT_A_TOPIC = re.compile(rf"^(?:the |this |that |these |it\b|{_ARTICLE}\b|the {_ARTICLE}\b)\s*(?:{_ARTICLE})?\s*$", re.I)

_REASON = re.compile(
    rf"{_LEAD}(?:why\b|how come\b|for what reason\b)"
    r"|\bwhat (?:caused|causes|prompted|prompts|led to|leads to|triggered|sparked|drove|motivated|is behind|was behind|"
    r"are behind|were behind|explains)\b"
    r"|\b(?:the |a |main |what |what is the |what was the |what were the )?(?:reasons?|causes?|motives?|motivation|"
    r"explanation|rationale) (?:for|of|why|behind)\b"
    r"|\bwhat (?:was|is|were|are) (?:the )?(?:reasons?|causes?|motives?)\b"
    r"|\bwhat for\s*\??$", re.I)

_NEXT = re.compile(
    r"\bwhat(?:['’]s| is)? (?:happens|will happen|happening|would happen|could happen|comes|is coming|next)\b(?!\s+(?:in|at|to)\b.*\bago\b)"
    r"|\bwhat(?:['’]s| is) next\b|\bwhat next\b|\bnext steps?\b|\bwhat (?:now|then)\s*\??$"
    r"|\bwhat(?:['’]s| are| were| is| was) (?:the |their |his |her |its |[\w.-]+['’]s? )?(?:\w+ )?(?:plans?|next steps?|outlook|prospects|timetable|timeline)\b"
    r"|\bwhat (?:is|are|was|were) (?:\w+ ){0,4}(?:planned|expected|scheduled|due|planning|hoping|going to)\b"
    r"|\bwhat will\b|\bwhat do(?:es)? (?:\w+ ){0,4}(?:plan|intend|hope|expect)\b"
    r"|\b(?:do|happen|come|go|be) next\b|\bnext for\b|\bwhat (?:might|could|would|may) (?:\w+ ){0,3}(?:do|happen)\b"
    r"|^\W*(?:and\s+|so\s+)?(?:will|won[’']t|is (?:\w+ ){1,4}(?:going|expected|due|set) to|are (?:\w+ ){1,4}(?:going|expected|due|set) to)\b"
    r"|\bwhat(?:['’]s| is) (?:the )?(?:future|way forward)\b|\bgoing forward\b|\bfrom here\b"
    r"|\bwhere (?:does|do|will) (?:this|that|it|things|they) go\b", re.I)

_SAY = (r"(?:say|said|says|tell|told|think|thought|claim|claimed|argue|argued|announce|announced|warn|warned|"
        r"respond|responded|reply|replied|comment|commented|feel|felt|believe|add|added|mean|explain|admit|"
        r"insist|state|stated|suggest|describe|call)")
_REACTION = re.compile(
    rf"\bwhat (?:did|does|do|has|have|had|was|were|is|are) (?:.+? )?(?<!\ba )(?<!\ban )(?<!\bthe )(?:{_SAY})\b(?! (?:by|as)\b)"
    r"|\bhow (?:did|does|do|has|have|was|were|is|are) (?:.+? )?(?:react|reacted|respond|responded|reply|replied|"
    r"feel|felt|receive|received|view|viewed|see|saw|take|took|greet|greeted)\b"
    r"|\breactions?\b|\bresponses?\b"
    r"|\bwhat (?:was|were|is|are) (?:the |their |his |her |its )?(?:\w+ ){0,3}(?:comments?|views?|position|stance|"
    r"verdict|opinion|criticism|message|statement|words)\b"
    r"|\bwho (?:said|criticised|criticized|welcomed|condemned|praised|warned|called|spoke|commented|blamed)\b"
    r"|\bwhat was said\b|\bany (?:quotes|comments)\b|\bwhat (?:do|did) (?:people|critics|officials|experts|fans) think\b",
    re.I)

#: A plural common noun ("films", "countries"): lower case, so "Quds" or "Iraqis" is no list.
_PLURAL = r"(?-i:[a-z]+(?:[^su\W]s|ies|men|people|children))"
_AUX_AFTER = r"(?!(?:is|was|are|were|do|does|did|has|have|had|will|would|can|could|should|may|might)\b)"
_LIST = re.compile(
    rf"{_LEAD}(?:what|which) {_AUX_AFTER}(?:\w+ ){{0,2}}{_PLURAL}\b(?! (?:is|was|has)\b)"
    rf"|{_LEAD}(?:what|which|who) (?:are|were) (?:the|some|all|its|his|her|their|those|these)\b(?! (?-i:[A-Z]))(?! (?:\w+ )?(?:reason|cause|name|number|amount|cost|price|date|time|result|score|total|size)\b)"
    r"|\b(?:name|list|enumerate) (?:the|some|all|any|every|a few)\b|^\W*(?:name|list)\b"
    r"|\bwho (?:attended|took part|participated|competed|was there|were there|was present|were present|met|"
    r"joined|were involved|was involved|were killed|died|were nominated|are nominated|responded|helped|"
    r"were arrested|were injured|were hurt|were charged|testified|voted (?:for|against)|opposed|supported|"
    r"paid tribute|performed|played|starred)\b"
    r"|\bwhat (?:\w+ ){0,3}(?:include|included|includes)\b"
    r"|\bwhat (?:kinds|types|sorts|examples) of\b|\bwhich (?:ones|of them)\b", re.I)

_DEFINITION = re.compile(
    rf"{_LEAD}(?P<wh>what|who)(?:['’]s| is| are| was| were)\s+(?P<thing>(?:(?:the|a|an)\s+)?[^?]{{2,60}}?)\s*\??\s*$", re.I)
_NOT_DEFINED = re.compile(r"^(?:the |a |an )?(?:\w+\s+){0,2}(?:reason|cause|result|score|cost|price|number|amount|date|"
                          r"time|name|age|size|population|total|answer|problem|issue|difference|outcome|plan|"
                          r"next|latest|situation|status|deal|verdict)\b|\b(?:of|for|to|in|at|on|by|with|from|about|that|"
                          r"doing|going|happening)\b|['’]s\b", re.I)

_COMPARISON = re.compile(
    r"\bcompare[sd]?\b|\bcomparison\b|\bdiffer(?:ent|ence|s)?\b|\bversus\b|\bvs\.?\b|\bas opposed to\b"
    r"|\b(?:more|less|fewer|bigger|smaller|larger|higher|lower|better|worse|older|younger|earlier|later) than\b"
    r"|\bwhich (?:was|is|were|are) (?:\w+ )?(?:more|less|bigger|smaller|larger|higher|lower|better|worse|first)\b.*\bor\b",
    re.I)

#: Words that say what kind of answer is wanted, not what it is about: left out of relevance.
_ASKING_WORDS = {
    "overview": "article articles story stories piece report news summary summarize summarise sum recap overview gist "
                "main key points brief tell happened happening going latest update about new tl dr nutshell",
    "reason": "why reason reasons cause caused causes prompted led lead triggered sparked behind motive explanation come",
    "next": "happen happens next will plan plans planned expected future now then going forward comes coming steps "
            "outlook prospects scheduled due intend hope",
    "reaction": "say said says tell told react reacted reaction reactions respond responded response responses reply "
                "think thought comment comments view views feel felt position stance opinion",
    "list": "name list which what kinds types examples include included",
    "definition": "what who",
}


@lru_cache(maxsize=1024)
def intent_of(question: str) -> str:
    """The question's intent, one of ``INTENTS``."""
    q = " ".join(question.split())
    if _OVERVIEW.search(q):
        return "overview"
    if _REASON.search(q):
        return "reason"
    if _NEXT.search(q):
        return "next"
    if _REACTION.search(q):
        return "reaction"
    if _LIST.search(q) and not _COMPARISON.search(q):
        return "list"
    if defined(q):
        return "definition"
    if asks_yes_no(q):
        return "yesno"
    if _COMPARISON.search(q):
        return "comparison"
    return "factoid"


#: "What does NHC stand for?": an abbreviation to spell out.
_STANDS_FOR = re.compile(rf"{_LEAD}what (?:does|do|did) (?P<thing>[^?]{{2,40}}?) stand for\s*\??\s*$", re.I)


def defined(question: str) -> str | None:
    """The thing a "What is X?"/"Who is X?" question asks to have defined, else None (not for
    "What is the reason for…", "What is the score?": those ask for a fact about something)."""
    q = " ".join(question.split())
    if stands := _STANDS_FOR.match(q):
        return stands.group("thing").strip()
    m = _DEFINITION.match(q)
    if not m:
        return None
    thing = m.group("thing").strip()
    if _NOT_DEFINED.search(thing) or len(thing.split()) > 6:
        return None
    if m.group("wh").lower() == "who" and not re.match(r"[A-Z]", thing):
        return None  # "Who is the U.S. ambassador?" asks which person: a fact, not a definition
    # "What is it?" names nothing to define; "Who is he?" neither.
    if re.fullmatch(r"(?:it|this|that|he|she|they|him|her|them|there)", thing, re.I):
        return None
    return thing


def topic_of(question: str) -> str:
    """What an overview question asks about ("Brexit" in "What's the news about Brexit?");
    "" for the article in front of the reader ("What is this article about?")."""
    m = _TOPIC.search(" ".join(question.split()))
    if not m:
        return ""
    topic = m.group("topic").strip(" ?.!")
    topic = re.sub(r"^(?:the\s+)?(?:latest|recent|news|story)\s+(?:on|about)\s+", "", topic, flags=re.I)
    return "" if _NOT_A_TOPIC.match(topic) or not topic else topic


@lru_cache(maxsize=1024)
def content_stems(question: str, intent: str) -> frozenset[str]:
    """The question's stemmed words without those that only name the kind of answer."""
    asking = set(stems(_ASKING_WORDS.get(intent, "")))
    return frozenset(stems(question)) - asking
