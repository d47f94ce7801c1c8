"""Build the follow-up conversation set (benchmarks/conversations.json), deterministically.

Two sources:
- the bundled sample article: hand-written pairs (first question, follow-up, gold answers)
  in the way a reader follows up ("Who made that offer?", "and what did the Americans want?");
- the held-out SQuAD articles (never fitted on, training/split.py): a question that names
  the article's subject ("What is the capital of Kenya?") follows another question that names
  it, with the name replaced by the pronoun a reader would use ("What is its capital?").
  Each follow-up keeps its SQuAD gold answers. Questions where the swap would not read
  naturally ("the word imperialism") are skipped.

    python benchmarks/make_conversations.py
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from training.split import HELD_OUT, load_articles  # noqa: E402

OUT = ROOT / "benchmarks" / "conversations.json"
SAMPLE = "us-iran-talks-baghdad-2007"
PER_ARTICLE = 20
# Articles whose subject is a name; Force and Imperialism are common nouns ("cultural
# imperialism"), which a reader would not replace by "it".
SUBJECTS = {"Warsaw": "Warsaw", "Doctor_Who": "Doctor Who", "Kenya": "Kenya",
            "French_and_Indian_War": "the French and Indian War"}
#: Words that may stand right before or after the subject when it is the thing talked
#: about, not a modifier ("Mt Kenya", "the Doctor Who theme" are skipped).
BEFORE = set("in of does did do is was were has had to from for by at about with can will would "
             "when where what how and visit visited leave left reach".split())
AFTER = set("is was were has had have in to from during for on at after before become became and does did "
            "do gain gained located lie lies stand stands straddle first last 's ’s".split())

SAMPLE_PAIRS = [
    ("What did Iran offer?", "Who made that offer?", ["Kazemi", "Iranian ambassador"]),
    ("What did Iran offer?", "and what did the Americans want?",
     ["action by Iran on the ground", "stop arming and financing militants"]),
    ("Who is the U.S. ambassador?", "What did he say about an invitation?",
     ["after the Iraqi government issued an invitation", "formal invitation"]),
    ("Who is the Iranian ambassador?", "When did he say the two sides would meet again?", ["less than a month"]),
    ("Who is Mowaffak Rubaie?", "What did he take charge of?", ["Iraqi delegation"]),
    ("Who is the Iranian foreign minister?", "What did he say the talks could lead to?", ["future meetings"]),
    ("Where did the talks take place?", "How long did they last?", ["four-hour"]),
    ("Who greeted the two ambassadors?", "What did he tell both sides?",
     ["Iraqis wanted a stable country free of foreign forces"]),
]


def pronoun_swap(question: str, subject: str) -> str | None:
    """The question with its subject replaced by it/its; None when that would not read."""
    pat = re.compile(rf"\b{re.escape(subject)}(['’]s)?(?=\W|$)", re.I)
    m = pat.search(question)
    if not m or not plain_use(question, m.start(), m.end()):
        return None
    word = "its" if m.group(1) else "it"
    out = question[:m.start()] + word + question[m.end():]
    return out[0].upper() + out[1:] if m.start() == 0 else out


def plain_use(question: str, start: int, end: int) -> bool:
    """Is the subject used as the thing itself (not as a modifier, "Mt Kenya")?"""
    before = question[:start].split()
    after = re.findall(r"[’'\w]+", question[end:])
    ok_before = not before or before[-1].lower().strip(",") in BEFORE
    ok_after = not after or after[0].lower() in AFTER or question[end:].lstrip().startswith(("?", ",", "'s", "’s"))
    return ok_before and ok_after


def names_it(question: str, subject: str) -> bool:
    m = re.search(rf"\b{re.escape(subject)}(?=\W|$)", question, re.I)
    return bool(m) and plain_use(question, m.start(), m.end())


def squad_pairs() -> list[dict]:
    out = []
    for art in load_articles():
        subject = SUBJECTS.get(art["title"])
        if art["title"] not in HELD_OUT or not subject:
            continue
        named = [q for p in art["paragraphs"] for q in p["qas"]
                 if not q.get("is_impossible") and names_it(q["question"], subject)]
        pairs = []
        for first, second in zip(named, named[1:]):
            follow = pronoun_swap(second["question"], subject)
            if follow:
                golds = list(dict.fromkeys(a["text"] for a in second["answers"]))
                pairs.append({"article": art["title"], "first": first["question"], "follow_up": follow,
                              "answers": golds, "standalone": second["question"]})
        step = max(1, len(pairs) // PER_ARTICLE)
        out += pairs[::step][:PER_ARTICLE]
    return out


def main() -> None:
    sample = [{"article": SAMPLE, "first": a, "follow_up": b, "answers": g} for a, b, g in SAMPLE_PAIRS]
    data = {"about": __doc__.strip().splitlines()[0],
            "sources": {SAMPLE: f"../examples/articles/{SAMPLE}.txt"},  # ingested beside the SQuAD file
            "pairs": sample + squad_pairs()}
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(data['pairs'])} pairs → {OUT}")


if __name__ == "__main__":
    main()
