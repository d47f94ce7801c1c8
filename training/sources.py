"""The extra question sets of ../shared/data/README.md, each read in its own format into the
SQuAD layout that ``training.examples.build`` turns into reader pairs (issue 29, step 1).

Every converter returns articles ``{"title", "source", "paragraphs": [{"context", "qas": [{"id",
"question", "answers": [{"text", "answer_start"}]}]}]}``; an answer's ``answer_start`` always
points at its text in the context (``check`` says so for a whole set). What each set gives:

- ``squadshifts(name)``: SQuADShifts ``new_wiki``, ``reddit``, ``amazon_reviews``: already this
  layout (all answerable, several crowd answers each).
- ``qamr()``: QAMR dev + test (filtered): one sentence per paragraph, its Penn-Treebank tokens
  joined back into text (``-LRB-`` → ``(``, ````` `` ``` → ``"``), the answer the asker highlighted
  (token indices) as a span; grouped by source article. About half are Wikinews sentences
  (``source`` is ``qamr-wikinews`` or ``qamr-wikipedia``).
- ``tweetqa()``: TweetQA train + dev: the tweet is the paragraph; a question is kept only when
  one of its free-text answers occurs in the tweet (case-insensitively; the tweet's own casing
  is the answer text).

SelQA and the SQuAD-train sentence pairs say which *sentence* answers, not where in it: their
questions carry ``"sentences"`` (the character offsets where each answering sentence starts)
instead of ``"answers"``, and train the reader's answer head only (a label without a span):

- ``selqa()``: SelQA dev + test: a Wikipedia section's candidate sentences are the paragraph.
- ``nqg()``: the NQG sentence–question pairs (SQuAD 1.1 train articles, lower-cased and
  tokenised): the file runs through its articles in order, so consecutive distinct sentences
  are grouped 25 to a paragraph and the other sentences of that stretch are its negatives.

    python -m training.sources      # counts per set
"""
from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

#: Penn Treebank escapes in QAMR's tokens, and the tokens that attach to their left or right.
_PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}", "``": '"', "''": '"',
        "`": "'"}
_NO_SPACE_BEFORE = re.compile(r"^(?:[.,;:!?)\]}%]|'s|'re|'ve|'ll|'d|'m|n't|')$", re.I)
_NO_SPACE_AFTER = {"(", "[", "{", "$"}


def detokenize(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Text from PTB tokens, with each token's (start, end) in it, so token-index answers
    become character spans. Quotes alternate open/close: an opening one joins the next word."""
    text, offsets, quote_open = "", [], False
    for i, raw in enumerate(tokens):
        tok = _PTB.get(raw, raw)
        prev = _PTB.get(tokens[i - 1], tokens[i - 1]) if i else ""
        glue = (not text or _NO_SPACE_BEFORE.match(tok) or prev in _NO_SPACE_AFTER
                or (tok == '"' and quote_open) or (prev == '"' and quote_open and tokens[i - 1] in ("``", '"')))
        if tok == '"':
            quote_open = not quote_open
        if not glue:
            text += " "
        offsets.append((len(text), len(text) + len(tok)))
        text += tok
    return text, offsets


def squadshifts(name: str, data: Path = DATA) -> list[dict]:
    """One SQuADShifts file (``new_wiki``, ``reddit``, ``amazon_reviews``) as articles."""
    arts = json.loads((data / "squadshifts" / f"{name}_v1.0.json").read_text(encoding="utf-8"))["data"]
    return [{**a, "source": f"squadshifts-{name}"} for a in arts]


def qamr(data: Path = DATA) -> list[dict]:
    """QAMR's filtered dev and test QA pairs over their Wikinews and Wikipedia sentences."""
    sentences = {}
    with open(data / "qamr" / "wiki-sentences.tsv", encoding="utf-8") as f:
        for line in f:
            sid, _, toks = line.rstrip("\n").partition("\t")
            sentences[sid] = toks.split(" ")
    paras: dict[str, dict] = {}
    by_article: dict[str, list[dict]] = defaultdict(list)
    for split in ("dev", "test"):
        with open(data / "qamr" / f"{split}.tsv", encoding="utf-8", newline="") as f:
            for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) < 7 or row[0] not in sentences:
                    continue
                sid, question, answer = row[0], row[5], [int(x) for x in row[6].split()]
                if sid not in paras:
                    text, offsets = detokenize(sentences[sid])
                    paras[sid] = {"context": text, "qas": [], "_offsets": offsets}
                    by_article[":".join(sid.split(":")[1:3])].append(paras[sid])
                p = paras[sid]
                start, end = p["_offsets"][min(answer)][0], p["_offsets"][max(answer)][1]
                p["qas"].append({"id": f"qamr-{split}-{len(p['qas'])}-{sid}", "question": question,
                                 "answers": [{"text": p["context"][start:end], "answer_start": start}]})
    out = []
    for art, ps in sorted(by_article.items()):
        for p in ps:
            p.pop("_offsets")
        out.append({"title": art.split(":")[1], "source": f"qamr-{art.split(':')[0]}", "paragraphs": ps})
    return out


def tweetqa(data: Path = DATA) -> list[dict]:
    """TweetQA train + dev: the questions whose answer is written in the tweet itself."""
    paragraphs = []
    for split in ("train", "dev"):
        for item in json.loads((data / "tweetqa" / f"{split}.json").read_text(encoding="utf-8")):
            tweet, low = item["Tweet"], item["Tweet"].lower()
            answers = []
            for ans in dict.fromkeys(a.strip() for a in item.get("Answer") or [] if a and a.strip()):
                at = low.find(ans.lower())
                if at >= 0:
                    answers.append({"text": tweet[at:at + len(ans)], "answer_start": at})
            if answers:
                paragraphs.append({"context": tweet, "qas": [{"id": f"tweetqa-{item['qid']}",
                                                              "question": item["Question"], "answers": answers}]})
    return [{"title": "Tweet", "source": "tweetqa", "paragraphs": paragraphs}]


def selqa(data: Path = DATA) -> list[dict]:
    """SelQA answer-sentence selection: each question's section is its paragraph."""
    by_article: dict[str, list[dict]] = defaultdict(list)
    for split in ("dev", "test"):
        for k, item in enumerate(json.loads((data / "selqa" / f"selqa-ass-{split}.json").read_text(encoding="utf-8"))):
            cands = [c.strip() for c in item["candidates"]]
            if not item.get("answers") or not all(cands):
                continue
            starts, text = [], ""
            for c in cands:
                starts.append(len(text) + (1 if text else 0))
                text = f"{text} {c}" if text else c
            by_article[item["article"]].append({"context": text, "qas": [{
                "id": f"selqa-{split}-{k}", "question": item["question"],
                "sentences": [starts[i] for i in item["answers"] if i < len(starts)]}]})
    return [{"title": t, "source": "selqa", "paragraphs": ps} for t, ps in sorted(by_article.items())]


def nqg(data: Path = DATA, per_paragraph: int = 25) -> list[dict]:
    """NQG (sentence, question) pairs from SQuAD 1.1 train: sentence labels, grouped in stretches."""
    folder = data / "nqg-sentence-questions"
    src = (folder / "src-test.txt").read_text(encoding="utf-8").splitlines()
    tgt = (folder / "tgt-test.txt").read_text(encoding="utf-8").splitlines()
    order: dict[str, list[str]] = {}
    for sent, q in zip(src, tgt):
        text, _ = detokenize([_PTB_LOWER.get(t, t) for t in sent.split()])
        order.setdefault(text, []).append(detokenize([_PTB_LOWER.get(t, t) for t in q.split()])[0])
    sents = list(order)
    paragraphs = []
    for i in range(0, len(sents), per_paragraph):
        group, text, qas = sents[i:i + per_paragraph], "", []
        for s in group:
            start = len(text) + (1 if text else 0)
            text = f"{text} {s}" if text else s
            qas += [{"id": f"nqg-{i}-{len(qas)}", "question": q, "sentences": [start]} for q in order[s]]
        paragraphs.append({"context": text, "qas": qas})
    return [{"title": "", "source": "nqg", "paragraphs": [p]} for p in paragraphs]


_PTB_LOWER = {k.lower(): k for k in _PTB if k.startswith("-")}


def check(articles: list[dict]) -> int:
    """The number of QA pairs; raises if an answer does not sit where it says."""
    n = 0
    for a in articles:
        for p in a["paragraphs"]:
            for q in p["qas"]:
                for ans in q.get("answers", []):
                    got = p["context"][ans["answer_start"]:ans["answer_start"] + len(ans["text"])]
                    if got != ans["text"] or not got.strip():
                        raise ValueError(f"{q['id']}: {ans['text']!r} is not at {ans['answer_start']} ({got!r})")
                n += 1
    return n


SETS = {"squadshifts-new_wiki": lambda: squadshifts("new_wiki"), "squadshifts-reddit": lambda: squadshifts("reddit"),
        "squadshifts-amazon": lambda: squadshifts("amazon_reviews"), "qamr": qamr, "tweetqa": tweetqa,
        "selqa": selqa, "nqg": nqg}


def main() -> None:
    for name, load in SETS.items():
        arts = load()
        by_source = defaultdict(int)
        for a in arts:
            by_source[a["source"]] += sum(len(p["qas"]) for p in a["paragraphs"])
        print(f"{name}: {check(arts):,} questions, {len(arts):,} articles", dict(by_source))


if __name__ == "__main__":
    main()
