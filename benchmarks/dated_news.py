"""The dated-news test set: 12 stories, each reported three times as it developed (36 dated
articles whose topics overlap by design), and 48 questions about a period, a day, "last week"
(with a reference date) or "the latest". Written for this project (not fitted on: the date
logic has no trained part). ``python benchmarks/dated_news.py --out DIR`` writes the articles
as Markdown files with a dateline, the form a saved news page takes.
"""
from __future__ import annotations

import argparse
import json
from datetime import date, timedelta
from pathlib import Path

# (story key, topic words used in questions, [(date, title, text), ...])
STORIES = [
    ("port", "the Rotterdam port strike", [
        ("2005-02-08", "Rotterdam dock workers walk out",
         "Dock workers at the port of Rotterdam walked out on Monday over pay. The union FNV Havens said 1,200 "
         "workers joined the first day of the strike. Union leader Niek Stam said the employers' offer of two "
         "percent was an insult. Eleven container ships were left waiting at anchor."),
        ("2005-03-15", "Rotterdam strike spreads to grain terminals",
         "The strike at the port of Rotterdam spread to the grain terminals on Tuesday. The union said 3,400 "
         "workers were now out. Niek Stam said the union would not return to talks until the employers "
         "doubled their offer. Forty ships were waiting at anchor and losses were put at 9 million euros a day."),
        ("2005-04-20", "Rotterdam port strike ends with pay deal",
         "The Rotterdam port strike ended on Wednesday after the union accepted a pay deal. Workers will get "
         "a raise of four percent over two years. Niek Stam said the members had voted 81 percent in favour. "
         "The port authority said it would take a week to clear the backlog of ships."),
    ]),
    ("utd", "the Manchester United takeover", [
        ("2005-02-11", "Glazer raises stake in Manchester United",
         "American businessman Malcolm Glazer raised his stake in Manchester United to 28 percent on Friday. "
         "Supporters' groups said they would fight any takeover. A club spokesman said the board had received "
         "no formal offer. Shares rose 3 percent in London trading."),
        ("2005-05-12", "Glazer wins control of Manchester United",
         "Malcolm Glazer won control of Manchester United on Thursday after buying the stake of the Irish "
         "investors John Magnier and JP McManus. His holding rose to 57 percent. The fans' trust called it a "
         "dark day for the club. The deal values the club at 790 million pounds."),
        ("2005-06-28", "Glazer completes Manchester United takeover",
         "Malcolm Glazer completed his takeover of Manchester United on Tuesday, taking his stake to 98 "
         "percent. The club will be removed from the stock exchange next month. Three non-executive directors "
         "resigned. Glazer's sons Joel, Avram and Bryan joined the board."),
    ]),
    ("talks", "the US-Iran talks on Iraq", [
        ("2007-05-29", "US and Iran hold talks in Baghdad",
         "The United States and Iran held their first formal talks in 27 years in Baghdad on Monday. The "
         "meeting lasted four hours. US Ambassador Ryan Crocker said Iran must stop arming militants in Iraq. "
         "Iranian Ambassador Hassan Kazemi Qomi offered to train the Iraqi army and police."),
        ("2007-07-25", "Second round of US-Iran talks turns tense",
         "A second round of talks between the United States and Iran in Baghdad on Tuesday lasted seven "
         "hours. Ryan Crocker said Iranian support for militias had increased since May. The two sides agreed "
         "to form a security subcommittee. Hassan Kazemi Qomi called the talks positive."),
        ("2007-08-07", "US-Iran security subcommittee meets",
         "The new US-Iran security subcommittee met for the first time in Baghdad on Monday. The meeting "
         "lasted two hours and was held at the level of experts. An American embassy spokesman said the talks "
         "were frank and serious. No date was set for another meeting."),
    ]),
    ("flood", "the Carlisle floods", [
        ("2005-01-09", "Floods cut off Carlisle",
         "Floods cut off the city of Carlisle on Saturday after two days of storms. About 1,800 homes were "
         "under water. Two people died. Cumbria police said 3,000 residents had been moved to emergency "
         "shelters."),
        ("2005-01-12", "Carlisle begins clean-up as waters fall",
         "The clean-up began in Carlisle on Tuesday as flood waters fell. The council said 2,700 homes had been "
         "damaged. Insurers estimated claims at 250 million pounds. Environment Agency chief Barbara Young "
         "said flood defences would be reviewed."),
        ("2005-03-02", "Carlisle flood victims still in temporary homes",
         "Two months after the floods, 1,500 Carlisle families were still living in temporary homes. The "
         "government promised 5 million pounds for new flood defences. Council leader Mike Mitchelson said "
         "the money was not enough."),
    ]),
    ("birdflu", "the bird flu outbreak in Turkey", [
        ("2006-01-06", "Bird flu kills two children in eastern Turkey",
         "Bird flu killed two children in the eastern Turkish town of Dogubayazit this week. Health Minister "
         "Recep Akdag said tests confirmed the H5N1 virus. Officials culled 30,000 birds in the province."),
        ("2006-01-13", "Turkey confirms 18 bird flu cases",
         "Turkey has confirmed 18 human cases of bird flu, the health ministry said on Friday. Cases were "
         "found in 11 of the country's 81 provinces. The World Health Organization sent a team to Van. "
         "More than 300,000 birds have been culled."),
        ("2006-02-10", "Turkey says bird flu outbreak under control",
         "Turkish officials said on Friday that the bird flu outbreak was under control. No new human case had "
         "been found for three weeks. The final toll was 21 cases and four deaths. Health Minister Recep Akdag "
         "thanked the World Health Organization."),
    ]),
    ("budget", "the Oakland city budget", [
        ("2006-05-16", "Oakland mayor proposes budget cuts",
         "Oakland Mayor Jerry Brown proposed a budget on Monday that cuts 140 city jobs. The city faces a "
         "deficit of 32 million dollars. Libraries would close on Mondays under the plan. The police "
         "department would be spared."),
        ("2006-06-14", "Oakland council restores library hours",
         "The Oakland city council voted 6 to 2 on Tuesday to restore library hours. Council member Jean Quan "
         "said the money would come from parking fees. The number of job cuts fell to 95."),
        ("2006-06-28", "Oakland adopts budget",
         "The Oakland city council adopted the budget on Tuesday by a vote of 7 to 1. The budget totals 1.1 "
         "billion dollars. Sixty city jobs will be cut, most of them vacant. Jerry Brown said the city would "
         "end the year with a small reserve."),
    ]),
    ("merger", "Norvik Systems' bid for AltaSoft", [
        ("2006-09-04", "Norvik Systems bids for AltaSoft",
         "Norvik Systems made a bid of 2.1 billion dollars for the software maker AltaSoft on Monday. AltaSoft "
         "chief executive Dana Ruiz said the board would study the offer. AltaSoft shares jumped 22 percent."),
        ("2006-10-02", "AltaSoft rejects Norvik bid",
         "AltaSoft rejected the Norvik Systems bid on Monday, saying it undervalued the company. Dana Ruiz "
         "said AltaSoft was worth at least 2.6 billion dollars. Norvik said it was considering its options."),
        ("2006-11-20", "Norvik agrees to buy AltaSoft for 2.5 billion",
         "Norvik Systems agreed on Monday to buy AltaSoft for 2.5 billion dollars after raising its offer. "
         "Dana Ruiz will leave the company when the deal closes. The deal needs approval from regulators in "
         "the United States and Europe."),
    ]),
    ("marathon", "the Lakeside marathon", [
        ("2005-04-11", "Kenyan wins Lakeside marathon",
         "Kenyan runner Paul Kirui won the Lakeside marathon on Sunday in 2 hours 9 minutes. About 9,000 "
         "runners started the race. Race director Anne Holt said the cool weather helped fast times."),
        ("2006-04-10", "Ethiopian breaks Lakeside course record",
         "Ethiopian runner Tesfaye Bekele broke the Lakeside marathon course record on Sunday, finishing in 2 "
         "hours 7 minutes. A record 11,500 runners started. Anne Holt said the course would be changed next year."),
        ("2007-04-16", "Heat slows Lakeside marathon",
         "Unusual heat slowed the Lakeside marathon on Sunday. Kenyan Paul Kirui won again in 2 hours 14 "
         "minutes. Medics treated 140 runners for heat exhaustion. Anne Holt said the race would start an "
         "hour earlier in future."),
    ]),
    ("drought", "the Sydney water restrictions", [
        ("2005-06-01", "Sydney brings in tougher water restrictions",
         "Sydney brought in tougher water restrictions on Wednesday as dam levels fell to 38 percent. Hoses "
         "may be used only on two days a week. Utilities Minister Frank Sartor said fines would rise to 220 "
         "dollars."),
        ("2006-02-07", "Sydney dams fall to 36 percent",
         "Sydney's dams fell to 36 percent on Tuesday, the lowest level in decades. Frank Sartor said a "
         "desalination plant would be built at Kurnell if levels fell to 30 percent. Residents cut use by 13 "
         "percent."),
        ("2007-07-03", "Sydney eases water restrictions after rain",
         "Sydney eased its water restrictions on Tuesday after heavy rain lifted dam levels to 57 percent. "
         "Hoses may now be used on three days a week. Water Minister Nathan Rees said the desalination plant "
         "would still be built."),
    ]),
    ("election", "the Ukrainian presidential election", [
        ("2004-11-22", "Ukraine election result disputed",
         "Ukraine's election commission said Viktor Yanukovych led the presidential run-off with 49 percent. "
         "Opposition leader Viktor Yushchenko said the vote was rigged. Tens of thousands of protesters "
         "gathered in Kiev's Independence Square."),
        ("2004-12-03", "Ukraine court orders new run-off",
         "Ukraine's Supreme Court annulled the presidential run-off on Friday and ordered a new vote for "
         "December 26. Viktor Yushchenko called the ruling a victory for democracy. Protesters began to leave "
         "the square."),
        ("2004-12-28", "Yushchenko wins Ukraine rerun",
         "Viktor Yushchenko won the rerun of Ukraine's presidential election with 52 percent of the vote. "
         "Viktor Yanukovych took 44 percent and said he would challenge the result. International observers "
         "said the vote was fairer than the last."),
    ]),
    ("rail", "the Northern rail line closure", [
        ("2006-03-06", "Northern rail line closed after landslide",
         "The Northern rail line was closed on Sunday after a landslide near Hexham. Network Rail said the line "
         "would be shut for three weeks. About 12,000 passengers a day were moved to buses."),
        ("2006-03-20", "Northern line repairs delayed",
         "Repairs to the Northern rail line were delayed by more rain, Network Rail said on Monday. Engineer "
         "Sarah Price said the line would now reopen in mid-April. The repair bill had risen to 4 million "
         "pounds."),
        ("2006-04-18", "Northern rail line reopens",
         "The Northern rail line reopened on Tuesday, six weeks after the landslide. Sarah Price said a new "
         "retaining wall would protect the track. The first train left Hexham at 6.10 in the morning."),
    ]),
    ("zoo", "the panda cub at Riverside Zoo", [
        ("2007-08-21", "Panda cub born at Riverside Zoo",
         "A giant panda cub was born at Riverside Zoo on Monday, the zoo's first. Keeper Lin Wei said the cub "
         "weighed 140 grams. The mother, Mei Lan, was caring for it well."),
        ("2007-09-18", "Riverside panda cub doing well",
         "The panda cub at Riverside Zoo weighs 1.2 kilograms at four weeks, keeper Lin Wei said on Monday. "
         "Its eyes have not opened yet. The zoo said the public would see it in December."),
        ("2007-12-04", "Riverside panda cub named Bao",
         "The panda cub at Riverside Zoo was named Bao on Monday after a public vote that drew 40,000 entries. "
         "It now weighs 6 kilograms. Bao will go on show to visitors from Saturday."),
    ]),
]

# (story, question, kind, target): kind "period" (target = index of the update asked about,
# the asked period is read from the question), "latest" (target = newest), "relative" (as_of
# given; target = the update the phrase points at).
QUESTIONS = [
    ("port", "How many workers were on strike at the port of Rotterdam in March 2005?", "period", 1),
    ("port", "What did Niek Stam say in February 2005?", "period", 0),
    ("port", "What is the latest on the Rotterdam port strike?", "latest", 2),
    ("port", "What happened at the Rotterdam port last week?", "relative", 2),
    ("utd", "What stake did Malcolm Glazer hold in February 2005?", "period", 0),
    ("utd", "What happened at Manchester United in May 2005?", "period", 1),
    ("utd", "What is the latest on the Manchester United takeover?", "latest", 2),
    ("utd", "What did Glazer do last week?", "relative", 1),
    ("talks", "How long did the US-Iran talks in Baghdad last in July 2007?", "period", 1),
    ("talks", "What did Ryan Crocker say on 29 May 2007?", "period", 0),
    ("talks", "What is the most recent news on the US-Iran talks?", "latest", 2),
    ("talks", "What happened in the US-Iran talks last week?", "relative", 1),
    ("flood", "How many homes were under water in Carlisle on 9 January 2005?", "period", 0),
    ("flood", "How many Carlisle families were in temporary homes in March 2005?", "period", 2),
    ("flood", "What is the latest on the Carlisle floods?", "latest", 2),
    ("flood", "What did the council say about the Carlisle flood damage yesterday?", "relative", 1),
    ("birdflu", "How many bird flu cases had Turkey confirmed by 13 January 2006?", "period", 1),
    ("birdflu", "What did Turkish officials say about bird flu in February 2006?", "period", 2),
    ("birdflu", "What is the latest on bird flu in Turkey?", "latest", 2),
    ("birdflu", "What happened with bird flu in Turkey last week?", "relative", 0),
    ("budget", "How many city jobs did the Oakland budget cut in May 2006?", "period", 0),
    ("budget", "What did the Oakland council vote on 14 June 2006?", "period", 1),
    ("budget", "What is the latest on the Oakland city budget?", "latest", 2),
    ("budget", "What happened to the Oakland budget this week?", "relative", 2),
    ("merger", "How much did Norvik Systems bid for AltaSoft in September 2006?", "period", 0),
    ("merger", "What did Dana Ruiz say in October 2006?", "period", 1),
    ("merger", "What is the latest on Norvik's bid for AltaSoft?", "latest", 2),
    ("merger", "What happened with the AltaSoft deal last week?", "relative", 2),
    ("marathon", "Who won the Lakeside marathon in 2006?", "period", 1),
    ("marathon", "How many runners started the Lakeside marathon in April 2005?", "period", 0),
    ("marathon", "Who won the most recent Lakeside marathon?", "latest", 2),
    ("marathon", "What happened at the Lakeside marathon last year?", "relative", 1),
    ("drought", "What were Sydney's dam levels in June 2005?", "period", 0),
    ("drought", "What did Frank Sartor say in February 2006?", "period", 1),
    ("drought", "What are the latest water restrictions in Sydney?", "latest", 2),
    ("drought", "What happened to Sydney's water restrictions last month?", "relative", 2),
    ("election", "What did Viktor Yushchenko say in November 2004?", "period", 0),
    ("election", "What did Ukraine's Supreme Court decide on 3 December 2004?", "period", 1),
    ("election", "What is the latest on the Ukrainian presidential election?", "latest", 2),
    ("election", "What happened in Ukraine's election this week?", "relative", 2),
    ("rail", "How long would the Northern rail line be shut, as said in early March 2006?", "period", 0),
    ("rail", "What did Sarah Price say on 20 March 2006?", "period", 1),
    ("rail", "What is the latest on the Northern rail line?", "latest", 2),
    ("rail", "What happened to the Northern rail line yesterday?", "relative", 2),
    ("zoo", "How much did the Riverside panda cub weigh in September 2007?", "period", 1),
    ("zoo", "What happened at Riverside Zoo in August 2007?", "period", 0),
    ("zoo", "What is the latest on the Riverside Zoo panda cub?", "latest", 2),
    ("zoo", "What happened with the panda cub at Riverside Zoo last week?", "relative", 2),
]

# For "relative" questions: days after the target update's date that the reader asks on.
AS_OF_DAYS = {"last week": 7, "yesterday": 1, "this week": 1, "last month": 30, "last year": 365}


def articles() -> list[dict]:
    return [{"story": key, "n": i, "published": d, "title": t, "text": x}
            for key, _, updates in STORIES for i, (d, t, x) in enumerate(updates)]


def questions() -> list[dict]:
    out = []
    for key, q, kind, target in QUESTIONS:
        day = date.fromisoformat(dict((k, u) for k, _, u in STORIES)[key][target][0])
        as_of = None
        if kind == "relative":
            phrase = next(p for p in AS_OF_DAYS if p in q)
            as_of = (day + timedelta(days=AS_OF_DAYS[phrase])).isoformat()
        out.append({"story": key, "question": q, "kind": kind, "target": target, "as_of": as_of})
    # The asked-on date for "latest" questions: a year after the last update, as a late reader would.
    return out


def write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for a in articles():
        p = out / f"{a['story']}-{a['n']}.md"
        day = date.fromisoformat(a["published"])
        p.write_text(f"# {a['title']}\n\n{day:%B} {day.day}, {day.year}\n\n{a['text']}\n", encoding="utf-8")
        paths.append(p)
    return paths


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    print(len(write(args.out)), "articles;", json.dumps(questions()[:2]))
