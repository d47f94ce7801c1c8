"""Build the news question set (benchmarks/news_questions.json), deterministically.

Questions about the bundled sample article as a news reader asks them — in their own words
("Who represented Iran at the talks?", "Did Crocker and Kazemi shake hands?"), yes/no
questions included — with gold answers copied from the article, and questions that are on
topic but that the article does not answer. SQuAD 2.0 format, so `rag eval` measures it:

    python benchmarks/make_news_questions.py
    python -m rag eval benchmarks/news_questions.json

Written by hand before the changes they were first used to check (session 12); one article,
so the figures move in steps of 1/44: a yardstick for news phrasing, not a benchmark to fit.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "news_questions.json"
SAMPLE = ROOT / "examples" / "articles" / "us-iran-talks-baghdad-2007.txt"

#: (question, gold answers: article text, any one counts)
A = [
("What did Iran offer?", ["train and equip the Iraqi army and police", "rebuilding Iraq’s infrastructure"]),
("How long did the meeting last?", ["four-hour"]),
("How long did the talks last?", ["four-hour"]),
("When did the talks take place?", ["yesterday"]),
("Where were the talks held?", ["Green Zone"]),
("Who represented the United States?", ["Ryan Crocker"]),
("Who represented Iran at the talks?", ["Hassan Kazemi Qomi"]),
("Who is the American ambassador in Baghdad?", ["Ryan Crocker"]),
("How long had the two countries gone without diplomatic contact?", ["27-year"]),
("When did the US break off relations with Iran?", ["1979"]),
("What is Iran accused of doing in Iraq?", ["bankrolling, arming and training Iraqi militants", "sending into Iraq the deadly armor-piercing roadside bombs"]),
("What kind of bombs is Iran said to send into Iraq?", ["armor-piercing roadside bombs"]),
("How many American soldiers have those bombs killed?", ["hundreds"]),
("Which militia does Iran allegedly fund?", ["Mahdi Army"]),
("Who leads the Mahdi Army?", ["Muqtada al-Sadr"]),
("How did Crocker describe the meeting?", ["businesslike"]),
("When will the two sides meet again?", ["less than a month"]),
("What does Washington need before agreeing to another meeting?", ["Iraqi government issued an invitation", "formal invitation"]),
("Has Washington received a formal invitation?", ["We don’t have a formal invitation"]),
("What did the Iraqi prime minister tell the two sides?", ["stable country free of foreign forces and regional interference"]),
("What do the Iraqis want?", ["stable country free of foreign forces and regional interference", "action by Iran on the ground"]),
("Is the US planning to strike Iran from Iraq?", ["no plans to stage a strike"]),
("Who was in charge of the Iraqi delegation?", ["Mowaffak Rubaie"]),
("What did Mottaki want Washington to admit?", ["Middle East policy had failed", "confessing its failed policy"]),
("On what condition would Iran's foreign minister accept more meetings?", ["Washington conceded that its Middle East policy had failed"]),
("Was Iran's nuclear program discussed?", ["did not veer into other difficult issues"]),
("Did the Iranians bring up their captured compatriots?", ["did not raise the subject"]),
("How many Iranians did the US capture in Iraq?", ["seven"]),
("How many Iranians are still held by the Americans?", ["Five"]),
("How does Iran react to the American accusations?", ["We don’t take the American accusations seriously"]),
("Who does Kazemi blame for the chaos in Iraq?", ["Washington bore sole responsibility"]),
("What did Kazemi think of US efforts to rebuild the Iraqi forces?", ["inadequate"]),
("What was Kazemi's job before he became ambassador?", ["top official in the elite Revolutionary Guards Quds Force"]),
("Did Crocker and Kazemi shake hands?", ["shook hands"]),
("What time did the meeting begin?", ["10:30 a.m."]),
("Who welcomed the two ambassadors?", ["al-Maliki"]),
("How were the tables arranged in the second room?", ["triangular formation"]),
("What did Crocker say the talks focused on?", ["Iraq and Iraq only"]),
("What does the US want Iran to do?", ["stop arming and financing militants", "action by Iran on the ground"]),
("Could future talks be held at a higher level?", ["could not speculate"]),
("What did Kazemi say the Americans had done to Iraq's infrastructure?", ["demolished"]),
("How long has the security crackdown been going on?", ["fourth month"]),
("Who are the militiamen thought to make up?", ["Shi’ite death squads"]),
("Did the two sides agree on anything?", ["broad policy agreement"]),
]

#: On topic, not answered by the article: to be refused.
U = [
"How many people were in the Iranian delegation?",
"What did Rubaie say after the meeting?",
"How much money has Iran given the Mahdi Army?",
"What is the name of Iran's president?",
"Where will the next meeting be held?",
"How many U.S. soldiers are stationed in Iraq?",
"When were the seven Iranians captured?",
"What did Condoleezza Rice say about the talks?",
"How old is Ryan Crocker?",
"Which hotel did the Iranian delegation stay in?",
"How many roadside bombs were found last month?",
"What did the Iraqi parliament say about the talks?",
"How long did the press conference last?",
"Who will lead the U.S. side at the next meeting?",
"What did Iran ask for in return for its help?",
]


def qas_of(text: str) -> list[dict]:
    """Every question with its answers' offsets in ``text`` (an answer not in it is a bug here)."""
    qas = []
    for i, (q, golds) in enumerate(A):
        ans = []
        for g in golds:
            k = text.find(g)
            if k < 0:
                raise SystemExit(f"gold answer not in the article: {g!r} ({q})")
            ans.append({"text": g, "answer_start": k})
        qas.append({"id": f"news-a{i:02d}", "question": q, "answers": ans, "is_impossible": False})
    for i, q in enumerate(U):
        qas.append({"id": f"news-u{i:02d}", "question": q, "answers": [], "plausible_answers": [], "is_impossible": True})
    return qas


def main() -> None:
    from ingest.clean import clean
    from ingest.load import load

    text = SAMPLE.read_text(encoding="utf-8")
    title = clean(load(str(SAMPLE))).title  # the title the product gives the file: the reader reads it
    doc = {"version": "v2.0",
           "about": "News questions in a reader's own words over the bundled sample article "
                    f"(examples/articles/us-iran-talks-baghdad-2007.txt): {len(A)} answerable, {len(U)} on topic but not "
                    "answered by it. Written by hand; built by benchmarks/make_news_questions.py; measured by "
                    "python -m rag eval benchmarks/news_questions.json.",
           "data": [{"title": title, "paragraphs": [{"context": text, "qas": qas_of(text)}]}]}
    OUT.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(A)} answerable, {len(U)} unanswerable")


if __name__ == "__main__":
    main()
