"""Build the news question set of the reader (benchmarks/news_set.json, news_followups.json).

Questions as a news reader asks them, in their own words, about 64 Wikinews articles
(``../shared/data/wikinews/``, CC BY 2.5, none of them in the chat set or used for fitting),
written by hand after reading each article's opening sentences (issue 29):

- 192 single questions, three per article, each with gold answers copied from the article;
- 42 follow-up pairs: a first question, then one that leans on it ("How old is he?");
- questions about articles left out of the store: ``rag eval`` deletes every other article
  after ingesting and asks those articles' questions that no kept article answers (78 of 96),
  which must be refused.

The store is every Wikinews article (295): the 64 asked about come first, the other 231 are
there as the neighbours a real store has (other stories on Hong Kong, Brexit, impeachment).

    python benchmarks/make_news_set.py
    python -m rag eval benchmarks/news_set.json --conversation benchmarks/news_followups.json
    python benchmarks/quality.py        # new reader, shipped reader and heuristic side by side
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from make_chat_questions import slug, wikinews  # noqa: E402

OUT = ROOT / "benchmarks" / "news_set.json"
FOLLOW_UPS = ROOT / "benchmarks" / "news_followups.json"

#: article slug → [(question, gold answers: article text, any one counts)]
Q = {
"paris-court-jails-two-police-in-high-profile-rape-case": [
 ("How long were the two officers sentenced to?", ["seven-year"]),
 ("Where did the tourist meet the policemen?", ["Irish pub"]),
 ("Which unit did the Paris police officers convicted of rape work for?", ["Brigade de Recherche et d’Intervention", "elite anti-gang unit"]),
],
"argentine-president-fern-ndez-to-send-bill-legalising-abortion-to-national-congr": [
 ("How soon will the abortion bill be sent to congress?", ["in the next ten days", "next 10 days"]),
 ("How many illegal abortions happen in Argentina every year?", ["350 thousand"]),
 ("Since when has illegal abortion been punishable by prison?", ["1921"]),
],
"northern-arapaho-tribe-welcomes-buffalo-herd-in-wyoming-united-states": [
 ("How many buffalo were released for the Northern Arapaho?", ["ten buffalo"]),
 ("Where did the Arapaho's bison come from?", ["National Bison Range"]),
 ("How far were the buffalo moved to Wyoming?", ["500 miles", "800 km"]),
],
"british-supermarket-chain-tesco-to-sell-its-polish-branch-to-salling-group-a-s": [
 ("Who is buying Tesco's stores in Poland?", ["Salling Group"]),
 ("How many shops are in the Tesco Poland deal?", ["301 stores"]),
 ("What is Salling paying for Tesco's Polish stores?", ["900 million złotys", "181 million pounds"]),
],
"mokha-yemen-bomb-kills-photojournalist-at-least-five-others": [
 ("Which journalist died in the Mokha bombing?", ["Ziad al-Sharabi"]),
 ("Who was blamed for the Mokha bomb?", ["Houthi rebels", "Houthi"]),
 ("Where had the Mokha bomb been hidden?", ["on a motorcycle"]),
],
"u-s-heiress-designer-and-author-gloria-vanderbilt-dies-at-95": [
 ("How old was Gloria Vanderbilt when she died?", ["95"]),
 ("Who announced Gloria Vanderbilt's death?", ["Anderson Cooper"]),
 ("What illness did Gloria Vanderbilt have?", ["advanced stomach cancer", "stomach cancer"]),
],
"face-coverings-to-be-mandatory-on-public-transport-in-england-from-june-15-trans": [
 ("From what date must passengers cover their faces?", ["June 15"]),
 ("Who is exempt from wearing a face covering on English public transport?", ["very young children, disabled people, and those with breathing difficulties", "very young children"]),
 ("What did the RMT leader think of the face covering rule?", ["nowhere near enough"]),
],
"nevada-becomes-first-state-in-u-s-with-majority-female-legislature": [
 ("What share of Nevada's lawmakers are women?", ["50.8 percent"]),
 ("Which other state has a female majority in its lower house?", ["Colorado"]),
 ("What proportion of female state legislators are Democrats?", ["about 70 percent"]),
],
"police-shoot-teenage-protester-as-hong-kong-demonstrations-continue": [
 ("How old was the Hong Kong protester shot by police?", ["eighteen-years-old"]),
 ("In which district did the shooting happen?", ["Tsuen Wan"]),
 ("What is the condition of the student shot in Hong Kong?", ["critical condition"]),
],
"european-court-of-justice-says-facebook-must-remove-illegal-posts-globally": [
 ("Who brought the case against Facebook?", ["Eva Glawischnig-Piesczek"]),
 ("Can the EU court's Facebook ruling be appealed?", ["cannot be appealed"]),
 ("What did the Facebook comments call Glawischnig-Piesczek?", ["corrupt oaf", "lousy traitor"]),
],
"national-basketball-association-suspends-season-due-to-covid-19-concerns": [
 ("Why did the NBA suspend its season?", ["COVID-19", "testing positive"]),
 ("Which NBA team's player had the virus?", ["Utah Jazz"]),
 ("What college tournament was called off?", ["March Madness"]),
],
"passenger-flight-crashes-upon-landing-at-calicut-airport-in-india": [
 ("What kind of plane crashed at Calicut?", ["Boeing 737"]),
 ("How many people were on the Calicut flight?", ["190 people"]),
 ("Where was the plane that crashed at Calicut coming from?", ["Dubai"]),
],
"sixteen-states-sue-u-s-president-trump-to-stop-declaration-of-emergency-for-bord": [
 ("Which court is hearing the states' lawsuit over Trump's border emergency?", ["U.S. District Court for Northern District of California", "Northern District of California"]),
 ("What does Trump want the emergency money for?", ["wall on the U.S.-Mexican border", "border wall"]),
 ("How much could be taken from anti-drug programs for the wall?", ["$2.5 billion"]),
],
"aftershocks-increase-death-toll-of-magnitude-6-3-earthquake-in-southern-philippi": [
 ("How strong was the earthquake in the southern Philippines?", ["6.3"]),
 ("How many people have died in the Philippines earthquake?", ["six"]),
 ("How many residents were moved away from Mount Apo?", ["Over 2,000", "2,000 residents"]),
],
"new-hampshire-crash-kills-seven-including-former-us-marines": [
 ("How many motorcyclists were killed in the New Hampshire crash?", ["seven"]),
 ("What was the name of the truck driver in the New Hampshire crash?", ["Volodoymyr Zhukovskyy"]),
 ("Which motorcycle club were the New Hampshire crash victims from?", ["Marine JarHeads MC"]),
],
"bloomberg-warren-end-us-presidential-campaigns-following-super-tuesday": [
 ("Which candidates quit after Super Tuesday?", ["Elizabeth Warren", "Michael Bloomberg"]),
 ("How many delegates does a candidate need to win the Democratic nomination?", ["1,991"]),
 ("Where does the name Super Tuesday come from?", ["large number of primaries and caucuses held on the same day"]),
],
"us-federal-judge-rules-american-samoans-are-citizens-then-delays-implementation-": [
 ("Which judge ruled on American Samoan citizenship?", ["Clark Waddoups"]),
 ("What are American Samoans called on their passports?", ["U.S. nationals"]),
 ("Which state had the American Samoan plaintiffs moved to?", ["Utah"]),
],
"new-zealand-mosque-murder-suspect-appears-in-court-at-christchurch": [
 ("What is the name of the Christchurch mosque shooting suspect?", ["Brenton Tarrant"]),
 ("When will the Christchurch suspect appear in court next?", ["April 5"]),
 ("How many people died at Al Noor Mosque?", ["at least 42"]),
],
"missing-new-york-city-chef-andrea-zamperoni-found-dead": [
 ("Where did Andrea Zamperoni work?", ["Cipriani Dolci"]),
 ("Where was chef Andrea Zamperoni's body found?", ["Kamway Lodge & Tavern", "Queens"]),
 ("Has the cause of Zamperoni's death been established?", ["no cause of death confirmed"]),
],
"japanese-professional-wrestler-and-netflix-star-hana-kimura-dies-aged-22": [
 ("How old was Hana Kimura?", ["22"]),
 ("What had Hana Kimura posted about before she died?", ["cyber-bullying"]),
 ("When did Hana Kimura make her wrestling debut?", ["2016"]),
],
}
Q.update({
"iraqi-parliament-votes-for-expulsion-of-united-states-troops": [
 ("What did Iraq's parliament vote for?", ["expel United States troops"]),
 ("Who boycotted the Iraqi parliament's vote on US troops?", ["Kurdish and Sunni Members of Parliament", "Kurdish and Sunni"]),
 ("Whose killing led Iraq's parliament to vote on expelling US troops?", ["Qasem Soleimani"]),
],
"coalition-authorities-report-no-casualties-from-missile-strike-on-iraqi-air-base": [
 ("How many rockets hit near the air base near Mosul?", ["Seventeen rockets", "Seventeen"]),
 ("Which city is the Iraqi air base hit by rockets close to?", ["Mosul"]),
 ("What do the Iraqi protesters demand?", ["dissolving Parliament"]),
],
"new-studies-may-bring-slug-made-glues-closer-to-use-in-medicine": [
 ("Which animal makes the glue scientists want to use in medicine?", ["dusky Arion slug", "Arion subfuscus"]),
 ("Where were the slug glue studies presented?", ["Orlando", "American Society for Biochemistry and Molecular Biology"]),
 ("How many proteins are found only in the slug's glue?", ["eleven proteins"]),
],
"puerto-rico-supreme-court-removes-governor-pierluisi-wanda-v-zquez-becomes-gover": [
 ("Who became governor of Puerto Rico after the court ruling?", ["Wanda Vázquez Garced", "Wanda Vázquez"]),
 ("Why did Rosselló resign?", ["texting scandal"]),
 ("Who sued to remove Pierluisi as governor?", ["Puerto Rico Senate"]),
],
"us-speaker-pelosi-announces-trump-impeachment-investigation": [
 ("What did Nancy Pelosi announce about Trump?", ["impeachment inquiry"]),
 ("How many House committees are involved in Pelosi's impeachment inquiry?", ["six"]),
 ("How did Pelosi describe Trump's conduct?", ["breach of his Constitutional responsibilities"]),
],
"former-president-of-india-pranab-mukherjee-dies-aged-84": [
 ("Who announced Pranab Mukherjee's death?", ["Abhijit Mukherjee", "his son"]),
 ("In which hospital did Pranab Mukherjee die?", ["Army’s Research and Referral Hospital"]),
 ("When did Pranab Mukherjee become finance minister?", ["1982"]),
],
"toronto-s-anime-north-2019-brings-thousands-of-fans-together": [
 ("Where was Anime North held?", ["Toronto Congress Centre"]),
 ("When was Anime North first held?", ["1997"]),
 ("What weather disrupted Anime North on Saturday?", ["heavy rains and a severe thunderstorm warning", "heavy rains"]),
],
"gunman-opens-fire-in-el-paso-texas-superstore-more-than-20-dead": [
 ("How many people died in the El Paso shooting?", ["22 people"]),
 ("What is the El Paso shooting suspect charged with?", ["capital murder"]),
 ("How are federal authorities treating the El Paso attack?", ["domestic terrorism"]),
],
"millions-don-t-turn-up-to-storm-us-airbase-for-extraterrestrial-evidence": [
 ("How many people actually turned up at Area 51?", ["one-to-two hundred"]),
 ("Who created the Storm Area 51 Facebook event?", ["Matty Roberts"]),
 ("Where is Matty Roberts from?", ["Bakersfield, California", "Bakersfield"]),
],
"hong-kong-protests-continue-through-police-opposition-rainstorms": [
 ("How many Hong Kongers marched in the rain, according to the organizers?", ["1.7 million"]),
 ("Why did Hong Kong protesters wear eyepatches?", ["young woman whose eye was said to have been severely injured by police"]),
 ("When did Britain hand Hong Kong back to China?", ["1997"]),
],
"samoan-government-ends-state-of-emergency-over-measles-outbreak": [
 ("What was the state of emergency about?", ["measles outbreak"]),
 ("How many people died in Samoa's measles outbreak?", ["81"]),
 ("What vaccination rate did Samoa reach?", ["95%"]),
],
"hurricane-dorian-leaves-trail-of-destruction-in-the-bahamas": [
 ("Where did Dorian first make landfall?", ["Abaco Islands"]),
 ("How fast were Dorian's winds?", ["185 mph"]),
 ("How many people have been confirmed dead after Hurricane Dorian?", ["twenty people"]),
],
"caloundra-defeat-maroochydore-in-third-round-of-2020-sunshine-coast-rugby-union-": [
 ("Who won the Caloundra against Maroochydore rugby match?", ["Caloundra"]),
 ("Who coaches the Caloundra rugby team?", ["Geoff Ingram"]),
 ("Who is the Maroochydore rugby captain?", ["Sam Marshall"]),
],
"us-representative-elijah-cummings-dies-at-age-68": [
 ("Which committee did Elijah Cummings chair?", ["House Oversight and Reform Committee"]),
 ("Where was Elijah Cummings born?", ["Baltimore, Maryland", "Baltimore"]),
 ("What did Elijah Cummings' parents do for a living?", ["sharecroppers"]),
],
"uk-prime-minister-johnson-suspends-parliament-for-five-weeks-as-brexit-deadline-": [
 ("How long is the UK parliament suspended for?", ["five weeks"]),
 ("What is the Brexit deadline?", ["October 31"]),
 ("What is suspending the UK parliament called?", ["prorogation"]),
],
"california-lawyer-michael-avenatti-convicted-of-attempted-extortion": [
 ("Which company did Avenatti try to extort?", ["Nike"]),
 ("How much money did Avenatti demand from Nike?", ["15–25 million dollars"]),
 ("How much did Avenatti owe the IRS?", ["$850,000"]),
],
"new-south-wales-decriminalizes-abortion": [
 ("Up to what week of pregnancy are abortions now legal in NSW?", ["week 22"]),
 ("Who wrote the New South Wales abortion bill?", ["Alex Greenwich"]),
 ("What did Tony Abbott say about the NSW abortion law?", ["license for sex-selection abortions", "infanticide on demand"]),
],
"hungarian-state-owned-enterprise-acquires-hirtenberger-defence-group": [
 ("What does Hirtenberger Defence Group make?", ["mortar and shell"]),
 ("Which newspaper revealed the Hirtenberger deal?", ["Magyar Nemzet"]),
 ("How was Hungary's purchase of Hirtenberger paid for?", ["government-guaranteed loan"]),
],
"serbian-protesters-try-to-storm-parliament-fourth-day-of-protests": [
 ("How many people were arrested at the Serbian protest on Friday night?", ["at least 71", "71"]),
 ("What did police fire at the protesters outside the Serbian parliament?", ["tear gas"]),
 ("How many police officers were hurt in the Belgrade protests?", ["fourteen"]),
],
"scientists-report-two-life-saving-treatments-for-ebola": [
 ("Who announced the results of the Ebola trial?", ["Anthony Fauci"]),
 ("What does PALM stand for?", ["pamoja tulinde maisha", "together save lives"]),
 ("How many patients were in the Ebola trial?", ["499"]),
],
"world-war-ii-era-plane-crashes-in-connecticut-us-killing-at-least-seven": [
 ("At which airport did the bomber crash?", ["Bradley International Airport"]),
 ("What did the World War II bomber hit at the airport?", ["deicing facility"]),
 ("How many people were injured in the Connecticut bomber crash?", ["Fourteen"]),
],
"boris-johnson-elected-conservative-leader-slated-to-be-britain-s-next-prime-mini": [
 ("Who did Johnson beat for the leadership?", ["Jeremy Hunt"]),
 ("How many votes did Johnson receive?", ["92,153"]),
 ("How long was Johnson mayor of London?", ["eight years"]),
],
})
Q.update({
"hong-kong-leader-announces-withdrawal-of-extradition-bill": [
 ("What did Carrie Lam announce about the extradition bill?", ["withdraw a proposed bill", "fully withdraw the bill"]),
 ("How many members will be added to Hong Kong's police oversight council?", ["two members"]),
 ("Which protester demand did Carrie Lam refuse?", ["new judge-led investigation"]),
],
"car-bomb-ramming-attack-kills-dozens-at-military-base-in-maidan-wardak-afghanist": [
 ("Who reportedly carried out the Maidan Wardak car bomb attack?", ["Taliban"]),
 ("What vehicle was used in the car bomb attack in Maidan Wardak?", ["captured Humvee", "Humvee"]),
 ("How many bodies did Sharif Hotak see?", ["35 bodies"]),
],
"belarussian-opposition-presidential-candidate-sviatlana-tsikhanouskaya-holds-maj": [
 ("When is the Belarusian presidential election?", ["August 9"]),
 ("Where was Tsikhanouskaya's rally held?", ["Minsk"]),
 ("What was the main issue at Tsikhanouskaya's rally?", ["liberation of political prisoners"]),
],
"u-s-house-formalizes-rules-for-trump-impeachment-proceedings": [
 ("Who will preside over the public hearings?", ["Adam Schiff"]),
 ("How many Republicans voted against the impeachment rules resolution?", ["194"]),
 ("What did Trump call the House impeachment rules vote?", ["The Impeachment Hoax", "witch hunt"]),
],
"sars-cov-2-surpasses-one-million-infections-worldwide": [
 ("How many deaths were linked to COVID-19?", ["At least 52 thousand", "52 thousand"]),
 ("Which country reported its first coronavirus infections the day cases passed one million?", ["Malawi"]),
 ("How many coronavirus cases had the United States recorded when the world passed one million?", ["over 244 thousand", "244 thousand"]),
],
"us-professional-wrestler-jon-huber-dies-aged-41": [
 ("What was Jon Huber's ring name in WWE?", ["Luke Harper"]),
 ("What did Jon Huber die of?", ["unspecified lung disorder", "lung disorder"]),
 ("Where was Jon Huber treated?", ["Mayo Clinic"]),
],
"u-s-house-issues-subpoena-to-secretary-of-state-as-special-envoy-to-ukraine-resi": [
 ("Who was subpoenaed by the House in the Ukraine inquiry?", ["Mike Pompeo"]),
 ("Who resigned as special envoy for Ukraine?", ["Kurt Volker"]),
 ("Was the Ukraine envoy's job paid?", ["unpaid part-time role", "unpaid"]),
],
"iran-issues-arrest-warrants-for-36-people-including-us-president-trump-seeks-int": [
 ("How many arrest warrants did Iran issue?", ["36"]),
 ("What did Iran ask Interpol for against Trump?", ["red notice"]),
 ("What did Brian Hook call Iran's arrest warrant for Trump?", ["propaganda stunt"]),
],
"wikinews-interviews-don-blankenship-u-s-constitution-party-presidential-nominee": [
 ("Which company did Blankenship run?", ["Massey Energy"]),
 ("How many miners died in the Upper Big Branch disaster?", ["29 miners"]),
 ("Who is Don Blankenship's running mate?", ["William Mohr"]),
],
"violence-breaks-out-in-washington-dc-at-pro-trump-protest": [
 ("Where did the Trump supporters rally in Washington?", ["Freedom Plaza"]),
 ("How many people were arrested at the pro-Trump rally in Washington?", ["twenty people"]),
 ("What did Trump accuse the Washington mayor of?", ["not doing her job"]),
],
"bernie-sanders-ends-2020-us-presidential-bid": [
 ("Why did Bernie Sanders drop out?", ["the path toward victory is virtually impossible", "300 delegates fewer"]),
 ("What minimum wage does Sanders want?", ["USD15 an hour"]),
 ("What did Sanders call Biden?", ["decent man"]),
],
"water-main-bursts-in-white-plains-new-york-us": [
 ("At which intersection did the White Plains water main burst?", ["Martine Avenue and S. Lexington Avenue"]),
 ("When was the water back on in White Plains?", ["by the evening"]),
 ("What did the burst water main create in the road?", ["huge crater", "large crater"]),
],
"hurricane-humberto-strengthens-to-category-3-while-approaching-bermuda": [
 ("What category is Hurricane Humberto?", ["category 3"]),
 ("How high were the waves off Bermuda during Humberto?", ["over 30 feet"]),
 ("How many hurricanes came within 100 miles of Bermuda in the last century?", ["21 hurricanes"]),
],
"queen-elizabeth-agrees-to-suspend-uk-parliament-ahead-of-brexit-deadline": [
 ("When will the suspended UK Parliament come back?", ["October 14"]),
 ("What do critics say Johnson is trying to do by suspending Parliament?", ["foil opposition to his plans for a no-deal Brexit", "ploy to achieve a no-deal Brexit"]),
 ("Who asked the Queen to suspend Parliament?", ["Boris Johnson"]),
],
"joe-biden-projected-us-president-elect": [
 ("Which state's result gave Biden the 2020 win?", ["Pennsylvania"]),
 ("Who is Biden's running mate?", ["Kamala Harris"]),
 ("How many electoral votes did Trump get by NBC's count?", ["214"]),
],
"university-defeat-maroochydore-in-round-five-of-2020-sunshine-coast-rugby-union-": [
 ("What was the final score of University's win over Maroochydore?", ["22 points to 10"]),
 ("Who coaches the University rugby side?", ["Brad Tronc"]),
 ("What was the half-time score between University and Maroochydore?", ["12 points to 10"]),
],
"first-foreigners-die-from-coronavirus-in-wuhan-china": [
 ("How old was the American who died in Wuhan?", ["60-year-old"]),
 ("Which doctor had warned about the outbreak?", ["Li Wenliang"]),
 ("How many people had the coronavirus killed in China when the first foreigners died there?", ["at least 813", "813"]),
],
"hundreds-arrested-for-dark-web-child-porn-by-international-task-force": [
 ("How many people were arrested over the dark web child abuse site?", ["337"]),
 ("Who ran the dark web child abuse site?", ["Jong Woo Son"]),
 ("What was the dark web child abuse site called?", ["Welcome To Video"]),
],
"hundreds-of-hong-kong-district-council-seats-go-to-pro-democracy-candidates": [
 ("How many people voted in Hong Kong's district elections?", ["more than 2.9 million", "2.9 million"]),
 ("What was the turnout in Hong Kong's district council elections?", ["about 71%", "71%"]),
 ("How many Hong Kong districts do pro-democracy candidates now control?", ["17 out of 18"]),
],
"lion-air-disaster-crashed-jet-s-voice-recorder-recovered-from-java-sea": [
 ("What was found in the Java Sea from the Lion Air crash?", ["cockpit voice recorder"]),
 ("How many people died on Lion Air Flight 610?", ["All 189", "189"]),
 ("Where was Lion Air Flight 610 going?", ["Pangkal Pinang"]),
],
"uk-urges-us-to-waive-immunity-for-diplomat-s-wife-involved-in-fatal-collision": [
 ("Who was killed in the crash involving the US diplomat's wife?", ["Harry Dunn"]),
 ("Why can't Anne Sacoolas be prosecuted?", ["immunity as a diplomat's wife", "diplomatic immunity"]),
 ("What car hit Harry Dunn?", ["Volvo XC90"]),
],
"benin-nigeria-join-african-union-continental-free-trade-bloc": [
 ("Where was the African Union summit held?", ["Niamey"]),
 ("When can trading start under the African free trade agreement?", ["July 1, 2020"]),
 ("Which African Union country has still not signed the free trade agreement?", ["Eritrea"]),
],
})

#: (article, first question, follow-up leaning on it, answers to the follow-up)
F = [
("gunman-opens-fire-in-el-paso-texas-superstore-more-than-20-dead", "What happened at the Walmart in El Paso?", "What was the suspect charged with?", ["capital murder"]),
("millions-don-t-turn-up-to-storm-us-airbase-for-extraterrestrial-evidence", "Who started the Area 51 event?", "How old is he?", ["about 20 years old", "20 years old"]),
("u-s-heiress-designer-and-author-gloria-vanderbilt-dies-at-95", "Who was Gloria Vanderbilt's son?", "Which network does he work for?", ["CNN"]),
("new-zealand-mosque-murder-suspect-appears-in-court-at-christchurch", "Who is the suspect in the Christchurch mosque attacks?", "Did he ask for bail?", ["did not apply for bail"]),
("passenger-flight-crashes-upon-landing-at-calicut-airport-in-india", "What type of aircraft crashed at Calicut?", "How many crew were on board?", ["six of them crew members", "six"]),
("british-supermarket-chain-tesco-to-sell-its-polish-branch-to-salling-group-a-s", "Who is buying Tesco's Polish stores?", "Which chain will the stores join?", ["Netto"]),
("national-basketball-association-suspends-season-due-to-covid-19-concerns", "Which NBA team had a player test positive?", "Who were they supposed to play?", ["Oklahoma City Thunder"]),
("puerto-rico-supreme-court-removes-governor-pierluisi-wanda-v-zquez-becomes-gover", "Who was sworn in as Puerto Rico's governor after the Supreme Court ruling?", "What job did she hold before?", ["Secretary of Justice"]),
("us-representative-elijah-cummings-dies-at-age-68", "When was Elijah Cummings first elected to Congress?", "Where did he go to law school?", ["University of Maryland"]),
("california-lawyer-michael-avenatti-convicted-of-attempted-extortion", "Which porn star did Avenatti represent?", "What money was he accused of keeping from her?", ["money that his client Stormy Daniels had earned from her book", "her book"]),
("new-south-wales-decriminalizes-abortion", "Who drafted the New South Wales abortion bill?", "What did he say in parliament?", ["It follows decades of work from women's rights campaigners"]),
("scientists-report-two-life-saving-treatments-for-ebola", "Which drug was used as the control in the Ebola trial?", "How did it do in earlier studies?", ["less benefit than sought in preventing death"]),
("world-war-ii-era-plane-crashes-in-connecticut-us-killing-at-least-seven", "How many passengers were aboard the World War II bomber that crashed in Connecticut?", "Where were the injured taken?", ["Hartford Hospital"]),
("boris-johnson-elected-conservative-leader-slated-to-be-britain-s-next-prime-mini", "Who won the Conservative leadership vote?", "When was he first elected to Parliament?", ["2001"]),
("hong-kong-leader-announces-withdrawal-of-extradition-bill", "Who announced the withdrawal of the extradition bill?", "What reason did she give?", ["to fully allay public concerns"]),
("u-s-house-formalizes-rules-for-trump-impeachment-proceedings", "Who presided over the House vote on impeachment rules?", "Which party is she from?", ["Democratic"]),
("us-professional-wrestler-jon-huber-dies-aged-41", "Who was Jon Huber's tag team partner?", "What did he write on Instagram?", ["Heartbroken and numb"]),
("u-s-house-issues-subpoena-to-secretary-of-state-as-special-envoy-to-ukraine-resi", "Who resigned as envoy to Ukraine?", "Which meeting did he help set up in July?", ["a meeting between Giuliani", "Andriy Yermak"]),
("iran-issues-arrest-warrants-for-36-people-including-us-president-trump-seeks-int", "Whose killing are Iran's arrest warrants about?", "When was he killed?", ["January"]),
("wikinews-interviews-don-blankenship-u-s-constitution-party-presidential-nominee", "Which party nominated Don Blankenship for president?", "What was his prison sentence?", ["one year prison sentence", "one year"]),
("bernie-sanders-ends-2020-us-presidential-bid", "Who is the expected Democratic nominee now that Sanders has quit?", "What did Sanders call him?", ["decent man"]),
("joe-biden-projected-us-president-elect", "Who is Joe Biden's running mate?", "What is special about her?", ["first female and first African- and Asian-American vice president", "first female"]),
("first-foreigners-die-from-coronavirus-in-wuhan-china", "Which Wuhan doctor warned about the virus?", "When did he die?", ["on Friday", "Friday"]),
("hundreds-arrested-for-dark-web-child-porn-by-international-task-force", "Which country was the dark web child abuse site based in?", "How did it take payment?", ["cryptocurrency"]),
("lion-air-disaster-crashed-jet-s-voice-recorder-recovered-from-java-sea", "What kind of plane was Lion Air Flight 610?", "Was it fit to fly?", ["not airworthy"]),
("uk-urges-us-to-waive-immunity-for-diplomat-s-wife-involved-in-fatal-collision", "Who was the motorcyclist killed in the crash with the US diplomat's wife?", "How old was he?", ["19-year-old"]),
("benin-nigeria-join-african-union-continental-free-trade-bloc", "Which agreement did Nigeria and Benin sign?", "What does it aim to do?", ["remove tariffs on 90 percent of commodities"]),
("samoan-government-ends-state-of-emergency-over-measles-outbreak", "When did Samoa's measles state of emergency begin?", "How many cases were there in total?", ["5667"]),
("hurricane-dorian-leaves-trail-of-destruction-in-the-bahamas", "Where did Hurricane Dorian first make landfall?", "How strong was the storm then?", ["Category 5"]),
("serbian-protesters-try-to-storm-parliament-fourth-day-of-protests", "Who is the Serbian police director?", "How many people did he say were arrested?", ["at least 71"]),
("sixteen-states-sue-u-s-president-trump-to-stop-declaration-of-emergency-for-bord", "Which attorney general spoke against Trump's border emergency?", "What did he say about the rule of law?", ["utter contempt"]),
("aftershocks-increase-death-toll-of-magnitude-6-3-earthquake-in-southern-philippi", "What caused the sixth death in the Philippines earthquake?", "How strong was that aftershock?", ["5.0"]),
("argentine-president-fern-ndez-to-send-bill-legalising-abortion-to-national-congr", "Who is sending the abortion bill to Argentina's Congress?", "What did he previously call abortion?", ["a matter of public health"]),
("northern-arapaho-tribe-welcomes-buffalo-herd-in-wyoming-united-states", "Which tribe received the buffalo?", "Which tribe might they work with?", ["Eastern Shoshone"]),
("mokha-yemen-bomb-kills-photojournalist-at-least-five-others", "Who was killed in the Mokha bombing?", "Which channel did he work for?", ["Abu Dhabi TV"]),
("nevada-becomes-first-state-in-u-s-with-majority-female-legislature", "Which state senator said it had been a long, hard fight?", "When was she first elected?", ["2012"]),
("european-court-of-justice-says-facebook-must-remove-illegal-posts-globally", "Who sued Facebook at the European Court of Justice?", "Which party did she lead?", ["The Greens"]),
("hong-kong-protests-continue-through-police-opposition-rainstorms", "Which group organized the Hong Kong march in the rain?", "What did the police allow instead?", ["gathering in Victoria Park"]),
("former-president-of-india-pranab-mukherjee-dies-aged-84", "Who brought Mukherjee into national politics?", "Which house was he elected to?", ["Rajya Sabha"]),
("face-coverings-to-be-mandatory-on-public-transport-in-england-from-june-15-trans", "Who announced the face covering rule for England's public transport?", "Where did he announce it?", ["daily coronavirus briefing"]),
("missing-new-york-city-chef-andrea-zamperoni-found-dead", "When was Zamperoni last seen?", "Who raised the alarm?", ["his coworkers"]),
("police-shoot-teenage-protester-as-hong-kong-demonstrations-continue", "Who spoke for the Hong Kong police after the protester was shot?", "Why did she say the officer fired?", ["lives were seriously threatened", "To save his own and his colleagues' lives"]),
]



def build() -> tuple[dict, dict]:
    rows = {slug(r["title"]): r for r in wikinews()}
    asked = list(Q)
    missing = [s for s in asked + [f[0] for f in F] if s not in rows]
    if missing:
        raise SystemExit(f"no Wikinews article {missing[0]!r}")
    data = []
    for s in asked + sorted(set(rows) - set(asked)):
        row, text = rows[s], rows[s]["text"].strip()
        qas = [{"id": f"{s[:40]}-{k}", "question": question, "is_impossible": False,
                "answers": [{"text": a, "answer_start": text.index(a)} for a in _verbatim(s, answers, text)]}
               for k, (question, answers) in enumerate(Q.get(s, []))]
        data.append({"title": row["title"], "paragraphs": [{"context": text, "qas": qas}]})
    pairs = []
    for s, first, follow, answers in F:
        pairs.append({"article": rows[s]["title"], "first": first, "follow_up": follow,
                      "answers": _verbatim(s, answers, rows[s]["text"])})
    about = ("News questions in a reader's own words over Wikinews articles (CC BY 2.5, https://en.wikinews.org); "
             "built by benchmarks/make_news_set.py")
    return ({"version": "v2.0", "about": about, "data": data},
            {"about": about + "; asked after its first question, in the store of news_set.json", "pairs": pairs})


def _verbatim(slug_: str, answers: list[str], text: str) -> list[str]:
    """The gold answers, each checked to be the article's own words."""
    for a in answers:
        if a not in text:
            raise SystemExit(f"{slug_}: {a!r} is not in the article")
    return answers


def main() -> None:
    squad, follow = build()
    OUT.write_text(json.dumps(squad, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    FOLLOW_UPS.write_text(json.dumps(follow, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    n = sum(len(p["qas"]) for a in squad["data"] for p in a["paragraphs"])
    print(f"{OUT.name}: {len(squad['data'])} articles, {n} questions; {FOLLOW_UPS.name}: {len(follow['pairs'])} pairs")


if __name__ == "__main__":
    main()
