"""Seeded synthetic news posts from Pulse, a public social network: the case's offline source.

A post shares a news story: its ``title`` is the headline of the linked article, its ``text``
the sharer's words and the article's opening, its ``domain`` the site that published the
story. Each story is labelled ``fake`` or ``real`` by Pulse's fact-checking partners.

What makes the task realistic rather than a template lookup:

* **Source reliability priors.** Every domain has its own rate of fake stories, from about
  3 % for established outlets to about 80 % for hoax sites, and its own audience. Hoax sites
  that get banned come back under a new name, and a few sites only launch late in the year,
  so some test domains never occur in training.
* **Stylistic cues that correlate with the label, imperfectly.** Clickbait headlines, runs
  of exclamation marks and words in capitals are more common on fake stories, but tabloids
  use them on true stories too, and half of the fake stories are written in the sober
  register of a news report (a third of them invent an event outright).
* **Content that misleads a bag of words.** Fact-checks of viral claims repeat the claim's
  words and are real, so are angry opinion pieces; vague posts ("Thoughts?") say little.
* **Near-duplicate reposts.** A story is reshared by other accounts within days, with the
  same headline (sometimes edited) and the sharer's own comment; fake stories are reshared
  more, and by accounts that share fake stories often.
* **Drift.** The topic mix moves through the year (an outbreak in spring, a heatwave in
  summer, an election in November) and each topic has its own rate of fakes and its own
  vocabulary, so the last quarter of the year, the test period, does not look like the rest.
* **Label noise.** Exactly ``LABEL_NOISE`` of the labels are flipped: fact-checkers err too.

Every random draw comes from one generator seeded with ``seed``, so a seed gives the same
posts byte for byte.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from casekit.cases.draws import Draws

N_POSTS = 16_000
WINDOW_START = np.datetime64("2024-01-01")
WINDOW_DAYS = 366
# Exact fraction of posts whose label is flipped (fact-checkers' mistakes).
LABEL_NOISE = 0.03
LABELS = ("fake", "real")
COLUMNS = ["published_at", "domain", "author", "topic", "share_count", "title", "text", "label"]

# How a story is written. Real stories are reports, fact-checks of a viral claim, sensational
# (true, but sold like gossip) or opinion (true, but angry); fake stories push a claim, dress
# a claim up as a report, or invent an event in a report's sober words.
REAL_KINDS = {"report": 0.62, "debunk": 0.12, "sensational": 0.10, "opinion": 0.16}
FAKE_KINDS = {"claim": 0.47, "mimic": 0.20, "fabricated": 0.33}
# Established newsrooms write reports where others would write gossip or opinion.
NEWSROOMS = ("outlet", "regional")
# Share of stories of either label whose text is a vague one-liner around the headline.
VAGUE_SHARE = 0.12
# Reposts per story: a geometric count with this mean, by label (fake spreads further).
MEAN_REPOSTS = {"real": 0.45, "fake": 0.95}
# Hours from a story to one of its reposts: exponential with this mean.
REPOST_DELAY_HOURS = 30.0


@dataclass(frozen=True)
class Domain:
    """A news site: how often its stories are fake, how much it publishes, how far it reaches.

    ``style`` is how sensational its headlines are (0 sober, 1 tabloid); ``active`` is the
    range of days of the year during which it publishes.
    """

    name: str
    kind: str
    fake_rate: float
    volume: float
    audience: float
    style: float
    active: tuple[int, int] = (0, WINDOW_DAYS)


DOMAINS = (
    Domain("dailyherald.com", "outlet", 0.03, 9.0, 5.0, 0.05),
    Domain("nationalledger.com", "outlet", 0.03, 8.0, 4.8, 0.05),
    Domain("metrotribune.com", "outlet", 0.04, 7.0, 4.5, 0.10),
    Domain("thecapitalpost.com", "outlet", 0.03, 7.0, 4.9, 0.05),
    Domain("morningbulletin.com", "outlet", 0.04, 5.0, 4.2, 0.10),
    Domain("globeandstar.com", "outlet", 0.05, 5.0, 4.4, 0.15),
    Domain("civicwire.org", "outlet", 0.03, 3.0, 3.8, 0.05),
    Domain("brightwaternews.com", "outlet", 0.04, 5.0, 4.0, 0.10, (190, WINDOW_DAYS)),
    Domain("cityviewnews.com", "outlet", 0.05, 6.0, 4.0, 0.10, (285, WINDOW_DAYS)),
    Domain("lakecountygazette.com", "regional", 0.06, 3.0, 3.0, 0.10),
    Domain("valleycourier.com", "regional", 0.07, 3.0, 3.1, 0.15),
    Domain("harborcitytimes.com", "regional", 0.06, 2.5, 3.0, 0.10),
    Domain("northstatejournal.com", "regional", 0.08, 2.5, 3.2, 0.15),
    Domain("riverbendpress.com", "regional", 0.07, 2.0, 2.8, 0.10),
    Domain("starbuzzdaily.com", "tabloid", 0.18, 5.0, 4.6, 0.85),
    Domain("celebflash.net", "tabloid", 0.22, 4.0, 4.3, 0.90),
    Domain("viralscoop.com", "tabloid", 0.28, 4.0, 4.5, 0.80),
    Domain("buzzworthyfeed.com", "tabloid", 0.20, 3.0, 4.0, 0.85),
    Domain("libertyledger.com", "partisan", 0.42, 4.0, 4.2, 0.50),
    Domain("redstatewire.com", "partisan", 0.48, 4.0, 4.4, 0.55),
    Domain("progressivepulse.org", "partisan", 0.38, 3.5, 4.0, 0.45),
    Domain("bluewavedaily.com", "partisan", 0.45, 3.5, 4.1, 0.50),
    Domain("heartlandvoice.net", "partisan", 0.50, 2.5, 3.6, 0.55),
    Domain("naturalcureinsider.com", "wellness", 0.60, 3.0, 3.9, 0.60),
    Domain("wellnesswhispers.net", "wellness", 0.55, 2.5, 3.5, 0.55),
    Domain("holistichealthnow.com", "wellness", 0.50, 2.0, 3.3, 0.50),
    Domain("truthbombnews.net", "hoax", 0.82, 3.5, 4.2, 0.80, (0, 200)),
    Domain("truthbombnews.info", "hoax", 0.82, 3.5, 4.0, 0.80, (206, WINDOW_DAYS)),
    Domain("wakeupamerica.news", "hoax", 0.78, 3.0, 4.1, 0.75, (0, 250)),
    Domain("wakeupamericanow.com", "hoax", 0.78, 3.0, 3.9, 0.75, (258, WINDOW_DAYS)),
    Domain("globalexposer.net", "hoax", 0.75, 2.5, 3.7, 0.70),
    Domain("theunseenfacts.info", "hoax", 0.80, 2.5, 3.8, 0.75, (150, WINDOW_DAYS)),
    Domain("dailyredpill.net", "hoax", 0.85, 2.0, 3.6, 0.85),
    Domain("patriotalarm.com", "hoax", 0.80, 3.5, 4.2, 0.80, (290, WINDOW_DAYS)),
)

# Topics: their weight in the stream on each day (a base weight times bumps), and how much
# more (or less) often their stories are fake, as a shift of the log-odds.
TOPICS = ("politics", "elections", "health", "economy", "climate", "science", "technology", "crime",
          "celebrity")
TOPIC_BASE = {
    "politics": 1.0, "elections": 0.25, "health": 0.8, "economy": 0.9, "climate": 0.5,
    "science": 0.45, "technology": 0.55, "crime": 0.7, "celebrity": 0.8,
}
# (topic, first day, last day, multiplier): an outbreak in spring, a summer heatwave, the
# campaign that builds up to the election on day 310 (November 5th).
TOPIC_BUMPS = (
    ("health", 60, 130, 3.0),
    ("climate", 160, 240, 2.5),
    ("elections", 150, 280, 3.0),
    ("elections", 280, 320, 9.0),
    ("economy", 120, 180, 1.6),
    ("technology", 300, WINDOW_DAYS, 1.8),
)
TOPIC_FAKE_SHIFT = {
    "politics": 0.3, "elections": 0.9, "health": 0.7, "economy": 0.0, "climate": 0.3,
    "science": -0.4, "technology": -0.5, "crime": 0.0, "celebrity": 0.3,
}

# Share counts are log-normal around the domain's audience, with these shifts.
SHARES_FAKE = 0.7
SHARES_CLICKBAIT = 0.4
SHARES_REPOST = -1.8
SHARES_SIGMA = 1.1

# Accounts that reshare stories: how active each is, and how much each prefers fake stories.
N_SHARERS = 900

_FORMATTER = string.Formatter()

# --- vocabulary -----------------------------------------------------------------------------

FIRST_NAMES = (
    "Anna", "Ben", "Carlos", "Chloe", "Daniel", "Priya", "Emma", "Felix", "Grace", "Hiro",
    "Ines", "Jakub", "Jasmine", "Kofi", "Laura", "Liam", "Maria", "Mateo", "Mei", "Nadia",
    "Noah", "Olivia", "Omar", "Pablo", "Rachel", "Sam", "Sara", "Tom", "Yusuf", "Zoe",
)
LAST_NAMES = (
    "Adams", "Becker", "Chen", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen",
    "Ibrahim", "Jensen", "Kowalski", "Lee", "Martin", "Nguyen", "Okafor", "Patel", "Rossi",
    "Schmidt", "Silva", "Tanaka", "Novak", "Wagner", "Wilson", "Moreau", "Singh", "Murphy",
)
HANDLE_WORDS = (
    "eagle", "truth", "mom", "dad", "news", "watcher", "patriot", "skeptic", "reader", "voice",
    "citizen", "freedom", "nurse", "teacher", "farmer", "coffee", "runner", "vet", "gamer",
    "garden", "sunny", "river", "texan", "ohio", "coast", "mountain", "lady", "guy",
)

# Slots every topic shares; topic slots (below) override or extend them.
COMMON_SLOTS: dict[str, tuple[str, ...]] = {
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "month": ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"),
    "pct": ("3", "4", "6", "8", "11", "12", "15", "18", "21", "25", "30", "40"),
    "number": ("120", "300", "1,200", "2,500", "4,000", "15,000", "40,000", "250,000"),
    "trend": ("rose", "fell", "edged up", "dropped", "climbed", "slipped", "held steady"),
    "city": ("Springfield", "Riverton", "Lakewood", "Fairview", "Harbor City", "Ashford",
             "Millbrook", "Cedar Falls", "Brookhaven", "Northgate"),
    "official_said": ("said in a statement", "told reporters", "said at a press conference",
                      "wrote in a letter", "said in an interview"),
    "group": ("renters", "families", "small businesses", "pensioners", "students", "commuters",
              "farmers", "nurses", "first-time buyers", "drivers"),
    "ordinal": ("second", "third", "fourth", "fifth", "sixth"),
    "insider": ("a whistleblower", "a former official", "a retired officer", "an insider", "a nurse",
                "a leaked email", "an anonymous engineer"),
    "year": ("2025", "next year", "the coming year", "the next decade"),
}

TOPIC_SLOTS: dict[str, dict[str, tuple[str, ...]]] = {
    "politics": {
        "actor": ("Senator Hale", "Governor Reyes", "Speaker Ortiz", "the president",
                  "Representative Brooks", "Senator Lindqvist", "the attorney general", "Mayor Tran"),
        "institution": ("the Senate", "the House", "the White House", "the state legislature",
                        "the Justice Department", "the city council"),
        "thing": ("the budget bill", "the infrastructure package", "the new tax plan",
                  "border funding", "the housing bill", "the pension reform", "the spending deal"),
        "claim": ("Senator Hale secretly holds a foreign passport",
                  "the budget bill hides a plan to seize private land",
                  "the president has been replaced by a body double",
                  "the housing bill lets the state confiscate second homes",
                  "Governor Reyes was paid by a foreign government to veto the bill"),
    },
    "elections": {
        "actor": ("the election board", "Secretary of State Morgan", "the county clerk",
                  "candidate Whitfield", "candidate Alvarez", "the campaign"),
        "institution": ("the election commission", "the county election office",
                        "the secretary of state's office", "the polling authority"),
        "thing": ("early voting", "mail-in ballots", "voter registration", "the recount",
                  "the televised debate", "polling stations", "the vote count"),
        "claim": ("{number} dead people voted in {city}",
                  "voting machines flipped votes to candidate Alvarez",
                  "boxes of mail-in ballots were found dumped in a river",
                  "the election board deleted ballots overnight",
                  "non-citizens were bused in to vote in {city}",
                  "the recount was rigged before it started"),
    },
    "health": {
        "actor": ("the health ministry", "Dr. Amara Obi", "the surgeon general", "the hospital board",
                  "the World Health Council", "state health officials"),
        "institution": ("the Centers for Disease Control", "the health ministry", "the medical association",
                        "the regional hospital", "the drug regulator"),
        "thing": ("the new vaccine", "the flu season", "the outbreak", "hospital waiting times",
                  "the booster campaign", "the measles cases", "the new treatment"),
        "claim": ("the new vaccine alters your DNA",
                  "lemon water and baking soda cure cancer in days",
                  "5G towers are spreading the outbreak",
                  "hospitals in {city} are paid to list the outbreak as cause of death",
                  "the booster contains tracking microchips",
                  "a common herb destroys the virus in 24 hours"),
    },
    "economy": {
        "actor": ("the central bank", "Finance Minister Dahl", "the treasury secretary",
                  "the chamber of commerce", "analysts at Crestline Bank"),
        "institution": ("the central bank", "the statistics office", "the treasury",
                        "the labor department", "the stock exchange"),
        "thing": ("inflation", "unemployment", "interest rates", "mortgage rates", "fuel prices",
                  "consumer spending", "the minimum wage"),
        "claim": ("banks will freeze all savings accounts next month",
                  "the government is printing money to pay off foreign elites",
                  "cash will be banned by the end of the year",
                  "the central bank secretly sold the country's gold reserves",
                  "{city} will be the first city to ban cash"),
    },
    "climate": {
        "actor": ("the weather service", "climate scientists", "the environment agency",
                  "Dr. Lena Varga", "the energy minister"),
        "institution": ("the national weather service", "the environment agency",
                        "the climate research institute", "the energy regulator"),
        "thing": ("the heatwave", "the drought", "wildfire risk", "sea levels", "the new emissions rules",
                  "river levels", "solar capacity"),
        "claim": ("the heatwave was engineered with chemicals sprayed from planes",
                  "scientists admit global warming stopped years ago",
                  "the wildfires were started on purpose to make way for a smart city",
                  "wind turbines are causing the drought"),
    },
    "science": {
        "actor": ("researchers at Northgate University", "the space agency", "Dr. Iris Campbell",
                  "a team of astronomers", "the national science foundation"),
        "institution": ("the space agency", "Northgate University", "the science academy",
                        "the national laboratory"),
        "thing": ("the Mars mission", "the new telescope images", "the fossil find",
                  "the fusion experiment", "the asteroid flyby", "the gene study"),
        "claim": ("the space agency is hiding a second moon",
                  "the asteroid will hit Earth next month and officials are covering it up",
                  "the moon landing footage was filmed in a desert studio"),
    },
    "technology": {
        "actor": ("Orbitel", "the startup Lumina AI", "regulators", "the tech giant Nexa",
                  "cybersecurity researchers"),
        "institution": ("the data protection authority", "the telecom regulator", "Nexa",
                        "the cybersecurity agency"),
        "thing": ("the new chatbot", "the phone update", "the data breach", "the chip shortage",
                  "self-driving taxis", "the app ban", "the AI rules"),
        "claim": ("the phone update lets the government listen to your calls",
                  "the new chatbot is secretly run by a foreign army",
                  "smart meters can read your thoughts",
                  "the app ban is a cover for shutting down the internet"),
    },
    "crime": {
        "actor": ("the police chief", "the district attorney", "Detective Sergeant Walsh",
                  "the sheriff's office", "prosecutors"),
        "institution": ("the police department", "the district court", "the sheriff's office",
                        "the crime statistics bureau"),
        "thing": ("the burglary rate", "the fraud case", "the shooting investigation",
                  "car thefts", "the smuggling ring", "the trial"),
        "claim": ("police are hiding a wave of kidnappings in {city}",
                  "a gang is marking houses with chalk before robbing them",
                  "the fraud suspect was released on orders from the governor",
                  "crime numbers are being deleted to win the election"),
    },
    "celebrity": {
        "actor": ("pop star Kira Vance", "actor Dominic Hale", "singer Luz Moreno",
                  "talk show host Gabe Ortiz", "the royal family", "tennis star Ana Petrova"),
        "institution": ("the film festival", "the music awards", "the studio",
                        "the streaming service"),
        "thing": ("the new album", "the wedding", "the world tour", "the divorce", "the movie deal",
                  "the award show"),
        "claim": ("pop star Kira Vance died years ago and was replaced by a double",
                  "actor Dominic Hale is secretly funding a militia",
                  "singer Luz Moreno was arrested for smuggling",
                  "the award show was rigged by a secret society"),
    },
}

# Headlines and sentences, by how the story is written. Slots come from the topic.
REPORT_TITLES = (
    "{Actor} announces changes to {thing} in {city}",
    "{Institution} report: {thing} {trend} {pct}% in {month}",
    "What we know so far about {thing} in {city}",
    "{Actor}: {thing} will be reviewed by {month}",
    "{Thing}: {institution} publishes new figures for {month}",
    "{Actor} {official_said} {thing} is a priority for {year}",
    "Officials in {city} respond to questions about {thing}",
    "{Thing} {trend} for a {ordinal} month, data show",
    "Explainer: what {thing} means for {group}",
    "{Institution} opens inquiry into {thing} after complaints from {group}",
    "{City} {group} react to {thing}",
    "{Actor} to meet {group} over {thing} on {weekday}",
)
REPORT_SENTENCES = (
    "{Institution} published the figures on {weekday}.",
    "{Actor} {official_said} that {thing} would be reviewed next month.",
    "According to {institution}, {thing} {trend} by {pct} percent compared with last year.",
    "The analysis is based on data from {number} households.",
    "Critics said the plan did not go far enough.",
    "A spokesperson for {institution} declined to comment further.",
    "The full report is available on the website of {institution}.",
    "Officials in {city} said more details would follow after {weekday}.",
    "Experts cautioned that one month of data does not make a trend.",
    "The decision follows months of debate about {thing}.",
    "Independent analysts broadly agreed with the estimate.",
    "{Actor} is expected to testify before a committee in {month}.",
)
CLAIM_TITLES = (
    "{Claim}",
    "They don't want you to know that {claim}",
    "Leaked: {claim}",
    "{Insider} confirms {claim}",
    "The truth is out: {claim}",
    "What the media won't tell you about {thing} in {city}",
    "{Actor} caught lying about {thing} to {group}",
    "Proof that {claim}",
    "{Claim}, says {insider}",
    "{City} {group} say {claim}",
)
CLAIM_SENTENCES = (
    "Insiders say {actor} has known about this for years.",
    "The mainstream media refuses to report this.",
    "The documents prove {thing} was planned all along.",
    "Wake up, people, this is happening right now.",
    "An anonymous source confirmed that {institution} is covering it up.",
    "Do your own research before they take this down.",
    "Thousands of people are waking up to the truth about {thing}.",
    "Nobody is asking why {actor} went silent.",
    "The cover-up goes all the way to the top.",
    "Sources say {claim}.",
    "It is now clear that {claim}.",
)
MIMIC_TITLES = (
    "Report: {claim}",
    "{Institution} memo shows {claim}",
    "Study finds {claim}",
    "Officials quietly confirm {claim}",
    "{Institution} data from {month} suggest {claim}",
)
MIMIC_SENTENCES = (
    "According to a memo seen by this outlet, {claim}.",
    "A spokesperson for {institution} did not respond to a request for comment.",
    "{Actor} {official_said} that the matter was under review.",
    "The figures were first published on {weekday}.",
    "Analysts said the findings raise questions about {thing}.",
)
DEBUNK_TITLES = (
    "Fact check: no, {claim}",
    "Viral post claiming {claim} is false",
    "{Institution} denies claim that {claim}",
    "No evidence that {claim}, experts say",
    "Fact check: the claim that {claim} is misleading",
    "Rumour that {claim} spreads in {city}",
)
DEBUNK_SENTENCES = (
    "The post has been shared thousands of times, but there is no evidence for it.",
    "Experts contacted by our newsroom said the claim misrepresents {thing}.",
    "{Institution} said the claim was false.",
    "The image in the post was taken years earlier and in another country.",
    "Fact-checkers traced the rumour to an anonymous account.",
    "{Actor} {official_said} that the story was invented.",
)
OPINION_TITLES = (
    "Why {actor} is wrong about {thing}",
    "{Actor} has failed {group} on {thing}. Again.",
    "Enough is enough: {thing} has to change for {group}",
    "Nobody is talking about {thing} in {city}, and that should worry you",
    "The real story behind {thing}",
)
OPINION_SENTENCES = (
    "Wake up, people, this is happening right now.",
    "The mainstream media refuses to report this.",
    "Nobody is asking why {actor} went silent.",
    "Do your own research before they take this down.",
    "Thousands of people are waking up to the truth about {thing}.",
    "{Actor} {official_said} that {thing} would be reviewed next month.",
    "Critics said the plan did not go far enough.",
    "The decision follows months of debate about {thing}.",
)
SENSATIONAL_TITLES = (
    "You won't believe what {actor} just said about {thing}",
    "{Actor} stuns fans with news about {thing}",
    "Inside the drama over {thing} in {city}",
    "{Thing}: the moment everyone in {city} is talking about",
)
VAGUE_TEXTS = ("Thoughts?", "Read this.", "Interesting.", "Hmm.", "Is this true?", "Wow.", "Sharing.",
               "Worth a read.", "Not sure what to make of this.", "Discuss.")
CLICKBAIT_PREFIXES = ("SHOCKING: ", "BREAKING: ", "You won't believe this: ", "MUST SEE: ",
                      "This changes everything: ", "WOW: ")
CLICKBAIT_SUFFIXES = ("!!!", "!!", "?!", " (VIDEO)", " ... and it's worse than you think",
                      " - share before it's deleted")
REPOST_COMMENTS = (
    "Everyone needs to see this.", "Sharing this.", "Unbelievable.", "Please share!!", "Read it.",
    "Is this real?", "Saw this earlier.", "My cousin sent me this.", "Finally someone says it.",
    "Interesting read.", "Not surprised.", "Wow", "Spread the word.", "Hmm.",
)
REPOST_TITLE_PREFIXES = ("", "", "", "RT: ", "Must read: ", "Wow: ")


def load(seed: int, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """The synthetic source: ``N_POSTS`` times ``scale`` posts, generated from ``seed``.

    Returns
    -------
    dict of str to DataFrame
        ``{"posts": frame}`` with the columns of :func:`generate_posts`.
    """
    return {"posts": generate_posts(round(N_POSTS * scale), seed)}


def generate_posts(n: int, seed: int) -> pd.DataFrame:
    """Generate ``n`` labelled posts over one year, ordered by publication time.

    Parameters
    ----------
    n : int
        Number of posts, reposts included.
    seed : int
        Seed of the only random generator used; the same seed gives identical output.

    Returns
    -------
    DataFrame
        One row per post: ``published_at`` (ISO-8601 UTC), ``domain``, ``author``, ``topic``,
        ``share_count`` (int), ``title``, ``text`` and ``label`` (``fake`` or ``real``, of which
        exactly ``round(LABEL_NOISE * n)`` are flipped).
    """
    rng = np.random.default_rng(seed)
    draws = Draws(rng)
    staff = {domain.name: _staff_accounts(domain, draws) for domain in DOMAINS}
    sharers = _Sharers(rng, draws)

    rows: list[dict[str, object]] = []
    while len(rows) < n:
        story = _story(rng, draws, staff)
        rows.append(story)
        for repost in _reposts(story, rng, draws, sharers):
            if len(rows) < n:
                rows.append(repost)

    posts = pd.DataFrame(rows)
    posts["label"] = np.array(LABELS, dtype=object)[_flip(posts["label"].map(LABELS.index).to_numpy(), rng)]
    stamps = WINDOW_START.astype("datetime64[s]") + posts.pop("seconds").to_numpy().astype("timedelta64[s]")
    posts["published_at"] = np.char.add(np.datetime_as_string(stamps, unit="s"), "Z").astype(object)
    return posts.sort_values("published_at", kind="stable", ignore_index=True)[COLUMNS]


class _Sharers:
    """The accounts that reshare stories: a few are very active, some prefer fake stories."""

    def __init__(self, rng: np.random.Generator, draws: Draws) -> None:
        self.handles = np.array(
            [f"@{draws.pick(HANDLE_WORDS)}_{draws.pick(FIRST_NAMES).lower()}{draws.integer(1, 99)}"
             for _ in range(N_SHARERS)], dtype=object)
        activity = rng.pareto(1.5, N_SHARERS) + 1.0
        leaning = rng.beta(0.6, 1.4, N_SHARERS)  # the share of what they reshare that is fake
        self.weights = {"fake": _normalise(activity * leaning), "real": _normalise(activity * (1 - leaning))}
        self.rng = rng

    def pick(self, label: str) -> str:
        return str(self.handles[self.rng.choice(N_SHARERS, p=self.weights[label])])


def _staff_accounts(domain: Domain, draws: Draws) -> tuple[str, ...]:
    """The accounts a site posts its own stories from: its official one and its writers'."""
    stem = domain.name.split(".")[0]
    writers = {"outlet": 8, "regional": 4, "tabloid": 5, "partisan": 4, "wellness": 3, "hoax": 2}[domain.kind]
    names = [f"@{draws.pick(FIRST_NAMES).lower()}{draws.pick(LAST_NAMES).lower()}_{stem[:6]}"
             for _ in range(writers)]
    return (f"@{stem}", f"@{stem}", *names)


def _story(rng: np.random.Generator, draws: Draws, staff: dict[str, tuple[str, ...]]) -> dict[str, object]:
    """One original post: when, where, about what, whether it is fake, and its words."""
    day = int(rng.integers(0, WINDOW_DAYS))
    domain = _pick_domain(day, draws)
    topic = draws.weighted(_topic_weights(day))
    fake_logit = np.log(domain.fake_rate / (1 - domain.fake_rate)) + TOPIC_FAKE_SHIFT[topic]
    label = "fake" if draws.chance(1 / (1 + np.exp(-fake_logit))) else "real"
    kind = draws.weighted(FAKE_KINDS if label == "fake" else REAL_KINDS)
    if kind in ("sensational", "opinion") and domain.kind in NEWSROOMS:
        kind = "report"
    title, text = _write(topic, kind, draws)
    clickbait = draws.chance(_clickbait_chance(label, kind, domain))
    if clickbait:
        title = _clickbait(title, draws)
    if draws.chance(VAGUE_SHARE):
        text = draws.pick(VAGUE_TEXTS)
    # Established newsrooms publish in working hours; hoax sites and partisans around the clock.
    hour = draws.integer(6, 21) if domain.kind in ("outlet", "regional") else draws.integer(0, 23)
    shares = rng.normal(domain.audience + SHARES_FAKE * (label == "fake") + SHARES_CLICKBAIT * clickbait,
                        SHARES_SIGMA)
    return {
        "seconds": day * 86_400 + hour * 3_600 + draws.integer(0, 3_599),
        "domain": domain.name,
        "author": draws.pick(staff[domain.name]),
        "topic": topic,
        "share_count": int(np.exp(shares)),
        "title": title,
        "text": text,
        "label": label,
    }


def _reposts(
    story: dict[str, Any], rng: np.random.Generator, draws: Draws, sharers: _Sharers
) -> list[dict[str, object]]:
    """Reshares of ``story`` by other accounts: the same link, an edited headline, a comment."""
    label = str(story["label"])
    count = int(rng.geometric(1 / (1 + MEAN_REPOSTS[label]))) - 1
    reposts = []
    for _ in range(count):
        delay = int(rng.exponential(REPOST_DELAY_HOURS) * 3_600)
        seconds = int(story["seconds"]) + delay
        if seconds >= WINDOW_DAYS * 86_400:
            continue
        title = draws.pick(REPOST_TITLE_PREFIXES) + str(story["title"])
        opening = str(story["text"]).split(". ")[0].rstrip(".") + "."
        shares = rng.normal(np.log(max(int(story["share_count"]), 1)) + SHARES_REPOST, SHARES_SIGMA)
        reposts.append({
            **story,
            "seconds": seconds,
            "author": sharers.pick(label),
            "share_count": int(np.exp(shares)),
            "title": title,
            "text": f"{draws.pick(REPOST_COMMENTS)} {opening}",
        })
    return reposts


def _pick_domain(day: int, draws: Draws) -> Domain:
    active = {domain.name: domain.volume for domain in DOMAINS if domain.active[0] <= day < domain.active[1]}
    name = draws.weighted(active)
    return next(domain for domain in DOMAINS if domain.name == name)


def _topic_weights(day: int) -> dict[str, float]:
    weights = dict(TOPIC_BASE)
    for topic, first, last, multiplier in TOPIC_BUMPS:
        if first <= day < last:
            weights[topic] *= multiplier
    return weights


def _clickbait_chance(label: str, kind: str, domain: Domain) -> float:
    """Sensational sites and fake claims sell their headlines; imitations of reports do not."""
    if kind in ("mimic", "fabricated", "debunk"):
        return 0.03
    if label == "fake":
        return 0.25 + 0.45 * domain.style
    if kind == "sensational":
        return 0.6
    return 0.02 + 0.35 * domain.style


def _write(topic: str, kind: str, draws: Draws) -> tuple[str, str]:
    """A headline and two to four sentences of ``topic``, written the way ``kind`` is."""
    slots = {**COMMON_SLOTS, **TOPIC_SLOTS[topic]}
    # One claim per story, so that the headline and the text talk about the same thing.
    fixed = {"claim": _fill(draws.pick(slots["claim"]), slots, {}, draws)}
    titles, sentences = {
        "report": (REPORT_TITLES, REPORT_SENTENCES),
        "sensational": (SENSATIONAL_TITLES, REPORT_SENTENCES),
        "debunk": (DEBUNK_TITLES, DEBUNK_SENTENCES + REPORT_SENTENCES[:4]),
        "opinion": (OPINION_TITLES, OPINION_SENTENCES),
        "claim": (CLAIM_TITLES, CLAIM_SENTENCES),
        "mimic": (MIMIC_TITLES, MIMIC_SENTENCES + REPORT_SENTENCES),
        "fabricated": (REPORT_TITLES, REPORT_SENTENCES),
    }[kind]
    title = _capitalise(_fill(draws.pick(titles), slots, fixed, draws))
    count = draws.pick((2, 2, 3, 3, 4))
    chosen = [_capitalise(_fill(draws.pick(sentences), slots, fixed, draws)) for _ in range(count)]
    return title, " ".join(dict.fromkeys(chosen))


def _fill(template: str, slots: dict[str, tuple[str, ...]], fixed: dict[str, str], draws: Draws) -> str:
    """Replace every ``{slot}`` (``{Slot}`` for a capitalised filler) with a filler."""
    out = []
    for literal, name, _, _ in _FORMATTER.parse(template):
        out.append(literal)
        if name is None:
            continue
        value = fixed.get(name.lower()) or draws.pick(slots[name.lower()])
        out.append(value[:1].upper() + value[1:] if name[:1].isupper() else value)
    return "".join(out)


def _clickbait(title: str, draws: Draws) -> str:
    """Sell a headline: a prefix, a suffix, or a word in capitals, sometimes two of them."""
    words = title.split()
    if draws.chance(0.5) and len(words) > 2:
        position = draws.integer(0, len(words) - 1)
        words[position] = words[position].upper()
        title = " ".join(words)
    if draws.chance(0.5):
        title = draws.pick(CLICKBAIT_PREFIXES) + title
    if draws.chance(0.6):
        title = title.rstrip(".!?") + draws.pick(CLICKBAIT_SUFFIXES)
    return title


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _flip(codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Flip exactly ``round(LABEL_NOISE * n)`` of the binary label codes."""
    flipped = codes.copy()
    wrong = rng.choice(len(codes), size=round(LABEL_NOISE * len(codes)), replace=False)
    flipped[wrong] = 1 - flipped[wrong]
    return flipped


def _normalise(weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum()

