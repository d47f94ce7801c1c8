"""Build the article-chat question set (benchmarks/chat_questions.json), deterministically.

Questions as a reader asks them in a chat about news articles: overviews ("What is this
article about?"), topic overviews ("What's the news about X?"), lists, reasons, what comes
next, reactions, definitions, single facts, three-turn conversations and questions the
article does not answer (``expect: refuse``). Written by hand, after reading each article,
over 20 Wikinews articles (``../shared/data/wikinews/``, CC BY 2.5) and the bundled sample
article. Every key phrase is checked to occur verbatim in its article.

    python benchmarks/make_chat_questions.py
    python benchmarks/chat.py                      # ours and the LangChain recipe, one run
    rag eval --chat benchmarks/chat_questions.json --db DIR   # against a store you built

Format (``rag.chat_eval``): ``{"items": [{"id", "kind", "article", "store": "article" |
"corpus", "question" | "turns": [{"question", "key", "need"}], "key", "need", "expect"?}]}``.
``article`` names the article by its file name without extension (``benchmarks/chat.py``
writes each Wikinews article to ``<slug>.txt``, headline first); ``store: "article"`` asks in a
chat scoped to that one article, ``"corpus"`` against every article.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "chat_questions.json"
WIKINEWS = ROOT.parent / "shared" / "data" / "wikinews"
SAMPLE = ROOT / "examples" / "articles" / "us-iran-talks-baghdad-2007.txt"
SAMPLE_ID = "us-iran-talks-baghdad-2007"


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80]


def wikinews() -> list[dict]:
    """Every Wikinews article: url, date, title, text (the body opens with a dateline)."""
    csv.field_size_limit(10**8)
    rows = []
    for name in ("wikinews_2019.csv", "wikinews_2020.csv"):
        with open(WIKINEWS / name, encoding="utf-8", newline="") as f:
            rows += list(csv.DictReader(f))
    return rows


# (article title prefix, store, kind, question or [(question, key, need), ...], key, need, expect)
A, C = "article", "corpus"
ITEMS = [
    # -- the bundled sample article --------------------------------------------------
    ("SAMPLE", A, "overview", "What is this article about?", ["27-year diplomatic freeze", "four-hour meeting"], 1),
    ("SAMPLE", A, "overview", "Summarize the article.", ["27-year diplomatic freeze", "four-hour meeting"], 1),
    ("SAMPLE", A, "list", "Who attended the talks?", ["Crocker", "Kazemi", "al-Maliki", "Rubaie"], 2),
    ("SAMPLE", A, "next", "What happens next?", ["meet again in less than a month", "future meetings",
                                                 "Iraqi government issued an invitation", "follow-up meetings"], 1),
    ("SAMPLE", A, "factoid", "How long did the talks last?", ["four-hour"], 1),
    ("SAMPLE", A, "definition", "What is the Quds Force?", ["Revolutionary Guards"], 1),
    ("SAMPLE", A, "reason", "Why does Kazemi blame Washington for the chaos?",
     ["inadequate", "sole responsibility"], 1),
    ("SAMPLE", A, "conversation", [("What did Iran offer?", ["train and equip", "rebuilding Iraq’s infrastructure"], 1),
                                   ("Who made the offer?", ["Kazemi"], 1),
                                   ("What did the Americans say?", ["businesslike", "action by Iran on the ground",
                                                                    "formal invitation", "Iraq and Iraq only",
                                                                    "bankrolling, arming and training"], 1)], None, None),
    ("SAMPLE", A, "offtopic", "What did the Pope say about climate change?", [], 0, "refuse"),
    ("SAMPLE", C, "topic", "What's the news about the talks between the United States and Iran?",
     ["27-year diplomatic freeze", "four-hour meeting"], 1),
    # -- Puerto Rico earthquake --------------------------------------------------------
    ("Seismic activity continues", A, "overview", "What is this article about?", ["magnitude 5.2 earthquake"], 1),
    ("Seismic activity continues", A, "reason", "Why have seismologists buried sensors in the ground?",
     ["find the cause of the past month's unusual seismic activity"], 1),
    ("Seismic activity continues", A, "next", "What happens next with the damaged power plant?", ["may take a year"], 1),
    ("Seismic activity continues", A, "reaction", "What did John Geiger say?",
     ["hundreds of small earthquakes", "over 400 magnitude 2+ earthquakes"], 1),
    ("Seismic activity continues", A, "list", "What damage did the January 7 quake do?",
     ["destroyed at least 300 homes", "ripped up roads", "killed one", "cracked the island's biggest power plant",
      "island-wide blackout"], 2),
    ("Seismic activity continues", A, "conversation", [("Where did the earthquake hit?", ["Puerto Rico"], 1),
                                                       ("How strong was it?", ["5.2"], 1),
                                                       ("What did the governor do?", ["state of emergency"], 1)], None, None),
    ("Seismic activity continues", A, "offtopic", "Who won the Super Bowl?", [], 0, "refuse"),
    # -- Trump wins Nevada delegates -------------------------------------------------------
    ("Donald Trump wins 2020 US Republican delegates", A, "overview", "Summarize the article.",
     ["all 25 of Nevada's delegates"], 1),
    ("Donald Trump wins 2020 US Republican delegates", A, "list",
     "Which states cancelled their Republican primaries or caucuses?", ["South Carolina", "Kansas", "Arizona"], 2),
    ("Donald Trump wins 2020 US Republican delegates", A, "next", "What is next in the primary season?",
     ["South Carolina primary election on February 29", "March 3"], 1),
    ("Donald Trump wins 2020 US Republican delegates", A, "factoid", "How many delegates does Trump have now?", ["86"], 1),
    ("Donald Trump wins 2020 US Republican delegates", C, "topic", "What's the news about the Nevada Republican delegates?",
     ["all 25 of Nevada's delegates"], 1),
    ("Donald Trump wins 2020 US Republican delegates", A, "offtopic", "What did the hurricane center forecast?", [], 0, "refuse"),
    # -- Hurricane Humberto -------------------------------------------------------------------
    ("Tropical Storm Humberto", C, "topic", "What's the news about Hurricane Humberto?",
     ["upgraded Tropical Storm Humberto to hurricane status", "third hurricane"], 1),
    ("Tropical Storm Humberto", A, "next", "Will Humberto make landfall?", ["not expected to make landfall"], 1),
    ("Tropical Storm Humberto", A, "list", "Which hurricanes came before Humberto this season?",
     ["Hurricane Barry", "Hurricane Dorian"], 2),
    ("Tropical Storm Humberto", A, "definition", "What is a category 1 hurricane?", ["at least 74 miles per hour"], 1),
    ("Tropical Storm Humberto", A, "factoid", "How fast were Humberto's winds?", ["75 miles per hour"], 1),
    ("Tropical Storm Humberto", A, "overview", "What's this story about?",
     ["upgraded Tropical Storm Humberto to hurricane status", "third hurricane"], 1),
    # -- Hickenlooper ---------------------------------------------------------------------------
    ("Hickenlooper ends US presidential bid", A, "overview", "What is this story about?", ["ended his campaign"], 1),
    ("Hickenlooper ends US presidential bid", A, "reason", "Why did Hickenlooper drop out?",
     ["polling so low nationally", "encouraged to drop out"], 1),
    ("Hickenlooper ends US presidential bid", A, "next", "What might Hickenlooper do next?",
     ["run for the United States Senate", "run for a seat in the United States Senate", "serious thought"], 1),
    ("Hickenlooper ends US presidential bid", A, "reaction", "What did Hickenlooper say in the video?",
     ["so many Coloradans", "serious thought"], 1),
    ("Hickenlooper ends US presidential bid", C, "conversation",
     [("Why did John Hickenlooper end his presidential campaign?", ["polling so low", "encouraged to drop out"], 1),
      ("What did he say in his video?", ["Coloradans", "serious thought", "thanked his supporters"], 1),
      ("Whose senate seat is up for election?", ["Cory Gardner"], 1)], None, None),
    ("Hickenlooper ends US presidential bid", A, "definition", "Who is John Hickenlooper?",
     ["mayor of Denver", "governor of Colorado", "candidate in the Democratic primaries"], 1),
    # -- Texas judge, male-only draft ---------------------------------------------------------------
    ("Texas federal judge says drafting only men", A, "overview", "What's this article about?",
     ["male-only draft", "unconstitutional"], 1),
    ("Texas federal judge says drafting only men", A, "reason", "Why did the judge rule the male-only draft unconstitutional?",
     ["no longer applies", "similarly situated", "serving official combat roles since 2015"], 1),
    ("Texas federal judge says drafting only men", A, "reaction", "What did Judge Miller say?",
     ["similarly situated", "that time has passed", "better suited physically", "no longer applies"], 1),
    ("Texas federal judge says drafting only men", A, "next", "Will the government have to change the draft now?",
     ["no injunction", "commission engaged to study the role of the draft"], 1),
    ("Texas federal judge says drafting only men", A, "offtopic", "How many people attended the concert?", [], 0, "refuse"),
    # -- Pelosi ----------------------------------------------------------------------------------------
    ("Nancy Pelosi again elected Speaker", C, "topic", "What's the news about Nancy Pelosi?",
     ["resumed the office of Speaker of the House"], 1),
    ("Nancy Pelosi again elected Speaker", A, "reaction", "How did Trump react to Pelosi's election?",
     ["congratulated Pelosi", "a lot of things that we can get done together"], 1),
    ("Nancy Pelosi again elected Speaker", A, "list", "Who were the guests at the swearing in?",
     ["Tim Gunn", "Mickey Hart", "grandchildren"], 2),
    ("Nancy Pelosi again elected Speaker", A, "next", "What are Pelosi's plans for the new term?",
     ["less controversial issues", "government shutdown"], 1),
    ("Nancy Pelosi again elected Speaker", A, "reason", "Why is the government shut down?",
     ["could not reach an agreement about the national budget", "funding for a wall"], 1),
    ("Nancy Pelosi again elected Speaker", A, "factoid", "How many votes did Kevin McCarthy receive?", ["192"], 1),
    ("Nancy Pelosi again elected Speaker", A, "conversation",
     [("Who was elected Speaker?", ["Nancy Pelosi"], 1),
      ("How many votes did she get?", ["220"], 1),
      ("Who opposed her?", ["fifteen Democrats", "younger leadership", "Kevin McCarthy"], 1)], None, None),
    # -- John Horton Conway ---------------------------------------------------------------------------------
    ("English mathematician John Horton Conway", A, "overview", "What happened?", ["John Horton Conway died"], 1),
    ("English mathematician John Horton Conway", A, "list", "What prizes did Conway receive?",
     ["Berwick Prize", "George Pólya Prize", "Nemmers Prize", "Leroy P. Steele Prize"], 2),
    ("English mathematician John Horton Conway", A, "reaction", "How did people react to Conway's death?",
     ["incomparable mathematician", "warm and gentle soul", "mourned by various members of the academic community",
      "podcast dedicated to Conway"], 1),
    ("English mathematician John Horton Conway", A, "definition", "What is Conway's Game of Life?", ["cellular automaton"], 1),
    ("English mathematician John Horton Conway", A, "reason", "Why did Conway die?", ["COVID-19 complications"], 1),
    ("English mathematician John Horton Conway", C, "conversation",
     [("What is John Horton Conway known for?", ["Game of Life", "chained arrow notation", "angel problem"], 1),
      ("How old was he?", ["82"], 1),
      ("What did Sam Wang say about him?", ["incomparable mathematician", "developed a fever"], 1)], None, None),
    # -- White House self-immolation ----------------------------------------------------------------------------
    ("Man sets himself on fire outside US White House", A, "overview", "What is this article about?", ["set himself on fire"], 1),
    ("Man sets himself on fire outside US White House", A, "reason", "Why did the man set himself on fire?",
     ["no official statement had been made on the man's motivation"], 1),
    ("Man sets himself on fire outside US White House", A, "list", "Who responded to the emergency?",
     ["Secret Service", "US Park Police"], 2),
    ("Man sets himself on fire outside US White House", A, "factoid", "How old was Arnav Gupta?", ["33-year-old"], 1),
    ("Man sets himself on fire outside US White House", A, "offtopic", "What did the Pope say about the incident?", [], 0, "refuse"),
    # -- New Hampshire motorcycle crash ---------------------------------------------------------------------------
    ("Driver in New Hampshire multi-motorcycle crash", C, "topic", "What's the latest on the New Hampshire motorcycle crash?",
     ["pleaded not guilty"], 1),
    ("Driver in New Hampshire multi-motorcycle crash", A, "reason", "Why was Zhukovskyy not granted bail?",
     ["danger to himself or to the public"], 1),
    ("Driver in New Hampshire multi-motorcycle crash", A, "next", "What happens next in the case?",
     ["trial has been scheduled for November"], 1),
    ("Driver in New Hampshire multi-motorcycle crash", A, "reaction", "What did Travis Hood say?",
     ["middle of the yellow line", "cleaned out"], 1),
    ("Driver in New Hampshire multi-motorcycle crash", A, "conversation",
     [("Who was driving the truck?", ["Zhukovskyy"], 1),
      ("What was he charged with?", ["negligent homicide"], 1),
      ("Has he crashed before?", ["struck a guard rail", "traffic collisions before"], 1)], None, None),
    # -- Eddie Van Halen ---------------------------------------------------------------------------------------------
    ("Guitarist Eddie Van Halen dies", A, "overview", "Summarize this.", ["died Tuesday at age 65", "throat cancer"], 1),
    ("Guitarist Eddie Van Halen dies", A, "list", "Which musicians paid tribute to Van Halen?", ["Billy Idol", "Cat Stevens"], 2),
    ("Guitarist Eddie Van Halen dies", A, "reaction", "What did Mike McCready say?", ["harmonics", "Mozart"], 1),
    ("Guitarist Eddie Van Halen dies", A, "definition", "What is Eruption?", ["guitar solo"], 1),
    ("Guitarist Eddie Van Halen dies", C, "conversation",
     [("When did Eddie Van Halen die?", ["Tuesday"], 1),
      ("Who confirmed his death?", ["Wolfgang Van Halen"], 1),
      ("What was he known for?", ["two-handed tapping", "Eruption", "influential electric guitarists"], 1)], None, None),
    ("Guitarist Eddie Van Halen dies", A, "offtopic", "What did the WHO name the new disease?", [], 0, "refuse"),
    # -- Tony Mendez ---------------------------------------------------------------------------------------------------
    ("Former U.S. intelligence agent Tony Mendez", C, "topic", "Tell me about Tony Mendez",
     ["Argo", "Iran Hostage Crisis", "safe return"], 1),
    ("Former U.S. intelligence agent Tony Mendez", A, "reaction", "What did Michael Morell say about Mendez?",
     ["one of the best officers"], 1),
    ("Former U.S. intelligence agent Tony Mendez", A, "definition", "What is exfiltration?",
     ["removing people from areas that had become dangerous"], 1),
    ("Former U.S. intelligence agent Tony Mendez", A, "reason", "Why was the rescue called Argo?",
     ["disguised as a Canadian film crew", "supposed movie called Argo"], 1),
    ("Former U.S. intelligence agent Tony Mendez", A, "overview", "What is this article about?",
     ["Tony Mendez died Saturday", "aged 78"], 1),
    # -- Monarch butterflies ---------------------------------------------------------------------------------------------
    ("Report indicates Mexican monarch butterfly", A, "overview", "What is the article about?",
     ["144% greater than last year"], 1),
    ("Report indicates Mexican monarch butterfly", A, "reason", "Why did the monarch population grow?",
     ["relatively cool temperatures"], 1),
    ("Report indicates Mexican monarch butterfly", A, "reaction", "What did Tierra Curry say?",
     ["one good weather year won't save the monarch", "thank-you from the butterflies"], 1),
    ("Report indicates Mexican monarch butterfly", A, "list", "What factors are cited for the monarch's decline?",
     ["habitat loss", "herbicides", "insecticides"], 2),
    ("Report indicates Mexican monarch butterfly", A, "next", "Will the population stay this high next year?",
     ["not likely to happen again next year"], 1),
    ("Report indicates Mexican monarch butterfly", A, "offtopic", "Who was elected Speaker of the House?", [], 0, "refuse"),
    # -- Sea-Eye ship renamed -------------------------------------------------------------------------------------------------
    ("German migrant rescue charity renames ship", A, "overview", "What is this article about?",
     ["renamed their ship after Alan Kurdi"], 1),
    ("German migrant rescue charity renames ship", A, "reaction", "What did Abdullah Kurdi say?",
     ["This day is very hard for me", "people with good heart"], 1),
    ("German migrant rescue charity renames ship", A, "list", "Who attended the renaming ceremony?",
     ["Relatives of the boy", "Tima Kurdi", "Abdullah Kurdi"], 1),
    ("German migrant rescue charity renames ship", A, "definition", "Who was Alan Kurdi?",
     ["three-year-old Syrian child who drowned"], 1),
    ("German migrant rescue charity renames ship", C, "topic", "What's the news about Sea-Eye?",
     ["renamed their ship after Alan Kurdi"], 1),
    # -- Puerto Rico governor --------------------------------------------------------------------------------------------------------
    ("Puerto Rico's governor Rosselló resigns", A, "overview", "What happened?",
     ["Ricardo Rosselló Nevares resigned", "Pedro Pierluisi was sworn in"], 1),
    ("Puerto Rico's governor Rosselló resigns", A, "next", "What happens next?",
     ["If the Senate confirms me", "would meet on Monday", "set to meet on Wednesday"], 1),
    ("Puerto Rico's governor Rosselló resigns", A, "reaction", "How did the Senate president react?",
     ["expressed opposition", "not enough votes"], 1),
    ("Puerto Rico's governor Rosselló resigns", A, "conversation",
     [("Who is the new governor?", ["Pedro Pierluisi"], 1),
      ("What did he say?", ["If the Senate confirms me", "governor until 2020"], 1),
      ("Who opposed him?", ["Thomas Rivera Schatz", "Eduardo Bhatia", "Carmen Yulín Cruz"], 1)], None, None),
    # -- Ford emissions ---------------------------------------------------------------------------------------------------------------
    ("US Department of Justice investigating Ford", C, "topic", "What's the news about Ford?",
     ["criminal investigation of Ford's internal emission testing practices"], 1),
    ("US Department of Justice investigating Ford", A, "reason", "Why did Ford start investigating itself?",
     ["employee concerns", "could be inconsistent"], 1),
    ("US Department of Justice investigating Ford", A, "reaction", "What did Ford say?",
     ["fully cooperating", "road load estimations", "does not involve the use of defeat devices"], 1),
    ("US Department of Justice investigating Ford", A, "definition", "What is road load?",
     ["ordinary resistance factors"], 1),
    ("US Department of Justice investigating Ford", A, "offtopic", "How many people died in the earthquake?", [], 0, "refuse"),
    # -- Hong Kong protests -------------------------------------------------------------------------------------------------------------
    ("Hong Kong protesters surround downtown police complex", A, "overview", "What is this article about?",
     ["Hong Kong protesters", "police complex"], 2),
    ("Hong Kong protesters surround downtown police complex", A, "reason", "Why are people protesting in Hong Kong?",
     ["extradition law", "extradition bill"], 1),
    ("Hong Kong protesters surround downtown police complex", A, "list", "What are the protesters' demands?",
     ["investigation of alleged police violence", "release and dropping of charges", "riots",
      "complete dismissal of the extradition bill"], 2),
    ("Hong Kong protesters surround downtown police complex", C, "conversation",
     [("Where did the Hong Kong protesters gather on Friday?", ["police complex", "Police Headquarters"], 1),
      ("What did they do there?", ["blocking the exits", "threw eggs", "chanted slogans"], 1),
      ("What do they want?", ["investigation of alleged police violence", "complete dismissal of the extradition bill",
                              "release and dropping of charges"], 1)], None, None),
    # -- Greta Thunberg ---------------------------------------------------------------------------------------------------------------------
    ("Greta Thunberg named 2019 Time Person of the Year", C, "topic", "What's the news about Greta Thunberg?",
     ["Person of the Year"], 1),
    ("Greta Thunberg named 2019 Time Person of the Year", A, "reason", "Why did Thunberg get the award?",
     ["her work drawing attention to the issue of climate change"], 1),
    ("Greta Thunberg named 2019 Time Person of the Year", A, "list", "Where were the biggest marches held?",
     ["New York City", "London", "Germany"], 2),
    ("Greta Thunberg named 2019 Time Person of the Year", A, "definition", "Who is Greta Thunberg?",
     ["climate change activist", "sixteen-year-old Swede"], 1),
    ("Greta Thunberg named 2019 Time Person of the Year", A, "offtopic", "What did the judge rule about the draft?", [], 0, "refuse"),
    # -- COVID-19 name ----------------------------------------------------------------------------------------------------------------------
    ("World Health Organization names new coronavirus", A, "overview", "What is this article about?",
     ["COVID-19", "official name"], 2),
    ("World Health Organization names new coronavirus", A, "reason", "Why was the virus not named after Wuhan?",
     ["stigma", "tremendous stigmatization"], 1),
    ("World Health Organization names new coronavirus", A, "reaction", "What did Wendy Parmet say?",
     ["tremendous stigmatization"], 1),
    ("World Health Organization names new coronavirus", A, "conversation",
     [("What is the new name of the disease?", ["COVID-19"], 1),
      ("What does the name stand for?", ["coronavirus", "disease"], 2),
      ("Why was it chosen?", ["easy to say", "stigma"], 1)], None, None),
    # -- Trump impeachment ---------------------------------------------------------------------------------------------------------------------
    ("US House of Representatives impeaches President Trump", C, "topic", "What's the news about the impeachment?",
     ["impeached President Donald Trump"], 1),
    ("US House of Representatives impeaches President Trump", A, "list", "What are the articles of impeachment?",
     ["abuse of power", "obstruction of Congress"], 2),
    ("US House of Representatives impeaches President Trump", A, "next", "What happens next?",
     ["face trial in the Senate", "anticipated to begin in January", "expected to leave the Democratic party"], 1),
    ("US House of Representatives impeaches President Trump", A, "reaction", "What did Mitch McConnell say?",
     ["would not be impartial", "largely partisan outcome"], 1),
    ("US House of Representatives impeaches President Trump", A, "list", "Which Democrats opposed the impeachment?",
     ["Collin Peterson", "Jeff Van Drew", "Jared Golden"], 2),
    ("US House of Representatives impeaches President Trump", A, "reason", "Why was Trump impeached?",
     ["abuse of power", "pressure the Ukrainian government"], 1),
    # -- Kerala elephant ----------------------------------------------------------------------------------------------------------------------
    ("Suspect arrested in death of elephant in Kerala", A, "overview", "What is this article about?",
     ["arrested a man in connection with the death of a pregnant female elephant"], 1),
    ("Suspect arrested in death of elephant in Kerala", A, "reason", "Why did the elephant die?",
     ["fruit filled with firecrackers had exploded in her mouth", "explosive injuries"], 1),
    ("Suspect arrested in death of elephant in Kerala", A, "reaction", "How did people react to the incident?",
     ["expressed their outrage on social media"], 1),
    ("Suspect arrested in death of elephant in Kerala", C, "conversation",
     [("Who was arrested over the death of the elephant in Kerala?", ["P Wilson", "rubber tapper"], 1),
      ("Are other suspects still at large?", ["two other suspects"], 1),
      ("What was the fruit?", ["pineapple", "coconut"], 1)], None, None),
    ("Suspect arrested in death of elephant in Kerala", A, "offtopic", "What is the price of the new iPhone?", [], 0, "refuse"),
    # -- more of the same articles ------------------------------------------------------------------------------------------------------
    ("Hong Kong protesters surround downtown police complex", A, "reaction", "How did the government respond to the protests?",
     ["bill was suspended"], 1),
    ("Greta Thunberg named 2019 Time Person of the Year", A, "next", "What did Thunberg promise?",
     ["protests every week until Sweden joined the Paris Agreement"], 1),
    ("World Health Organization names new coronavirus", A, "offtopic", "Who won the caucus in Nevada?", [], 0, "refuse"),
    ("Tropical Storm Humberto", A, "offtopic", "What did Greta Thunberg say at the United Nations?", [], 0, "refuse"),
]


def normalize(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.lower().split())


def main() -> None:
    rows = wikinews()
    texts = {SAMPLE_ID: SAMPLE.read_text(encoding="utf-8")}
    by_prefix = {}
    for row in rows:
        by_prefix[row["title"]] = row
    items, used = [], []
    for n, (prefix, store, kind, ask, *rest) in enumerate(ITEMS, start=1):
        if prefix == "SAMPLE":
            art = SAMPLE_ID
        else:
            found = [r for t, r in by_prefix.items() if t.startswith(prefix)]
            assert len(found) == 1, f"{prefix!r}: {len(found)} articles"
            art = slug(found[0]["title"])
            texts[art] = found[0]["text"]
            if art not in used:
                used.append(art)
        item = {"id": f"c{n:03d}", "kind": kind, "article": art, "store": store}
        if isinstance(ask, list):
            item["turns"] = [{"question": q, "key": k, "need": need} for q, k, need in ask]
            keys = [(k, need) for _, k, need in ask]
        else:
            key, need, *expect = rest
            item.update({"question": ask, "key": key, "need": need})
            if expect:
                item["expect"] = expect[0]
            keys = [(key, need)]
        for key, need in keys:
            for phrase in key:
                assert normalize(phrase) in normalize(texts[art]), f"{item['id']}: {phrase!r} not in {art}"
            assert need <= len(key), item["id"]
        items.append(item)
    about = ("Article-chat questions written by hand over the bundled sample article and 20 Wikinews articles "
             "(CC BY 2.5, https://en.wikinews.org); built by benchmarks/make_chat_questions.py, measured by "
             "python benchmarks/chat.py and rag eval --chat.")
    OUT.write_text(json.dumps({"about": about, "articles": [SAMPLE_ID, *used], "items": items},
                              ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    turns = sum(len(i.get("turns", [])) or 1 for i in items)
    print(f"{len(items)} items ({turns} questions) over {len(used) + 1} articles -> {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
