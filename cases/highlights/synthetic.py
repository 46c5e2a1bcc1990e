"""A seeded synthetic season of *The House*, a 24/7 reality show: the case's offline source.

Each day, the loggers cut the day's live feeds into its "moments" (about two hours of footage
where something happens), split into segments of 10 to 40 seconds; the case has those
segments, with signals computed from the audio, the picture and the transcript, and, for
every day, the judgements of three of the five editors on the recap team. How it comes about:

* **the season**: ``N_DAYS`` days, ``N_HOUSEMATES`` housemates, one evicted every
  ``EVICTION_EVERY`` days from day ``FIRST_EVICTION`` on (nominations two days before, a party
  every seventh day, a task on most days). Some housemates are fan favourites.
* **scenes**: a day is a run of scenes (1 to 8 segments each) through the waking hours; a
  scene has a place, a few housemates and a kind (routine chat, humour, an argument, a diary-room
  confession, romance, the task, a party, the nomination or eviction) which drives its signals:
  arguments are loud and fast, confessions quiet, negative and in the diary room, humour
  laughs, parties are loud with applause. Each day has a storyline: a feud between two
  housemates, whose scenes together matter more.
* **interest** (what editors and viewers want, never given): the kind and the scene's intensity,
  a peak inside the scene, the housemates' fan appeal, the feud, the hour; consecutive segments
  of a scene are redundant (two halves of the same moment).
* **editors**: each has a taste (more humour, more conflict, more emotion) and their own noise;
  each rates every segment 0 to 4 and cuts their recap (the knapsack of :mod:`casekit.cases.knapsack`
  over their own interest, penalising two neighbouring segments of a scene) within the day's
  budget: ``RECAP_SECONDS``, or ``EVICTION_RECAP_SECONDS`` on eviction nights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.cases.draws import Draws
from casekit.cases.knapsack import best_selections
from casekit.cases.prepared import fresh_ids

N_DAYS = 120
N_HOUSEMATES = 16
FIRST_EVICTION, EVICTION_EVERY = 16, 8
PARTY_EVERY = 7
MINUTES_PER_DAY = (80, 130)
SEGMENT_SECONDS = (10, 40)
RECAP_SECONDS, EVICTION_RECAP_SECONDS = 300, 420
START = pd.Timestamp("2025-06-01")
EDITORS = ("aisha", "bruno", "carmen", "dmitri", "elena")
EDITORS_PER_DAY = 3
LOCATIONS = ("kitchen", "living_room", "garden", "bedroom", "pool", "diary_room", "task_room")
HOUSEMATES = ("Alex", "Bea", "Cal", "Dani", "Eli", "Fran", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lola", "Milo",
              "Nia", "Oli", "Pia")

# The kinds of scene: how interesting they are, how often they happen on an ordinary day, and
# what they sound and look like (loudness dB, laughter, applause, words per minute, sentiment).
KINDS = ("routine", "humour", "argument", "confession", "romance", "task", "party", "nomination", "eviction")
KIND_INTEREST = np.array([-1.3, 0.4, 1.1, 0.8, 0.5, 0.2, 0.3, 1.4, 1.8])
KIND_SHARE = np.array([0.55, 0.14, 0.07, 0.07, 0.05, 0.12, 0.0, 0.0, 0.0])
KIND_LOUDNESS = np.array([52, 60, 71, 48, 50, 63, 74, 58, 66])
KIND_LAUGHTER = np.array([0.08, 0.55, 0.05, 0.04, 0.25, 0.2, 0.45, 0.05, 0.1])
KIND_APPLAUSE = np.array([0.01, 0.03, 0.01, 0.0, 0.02, 0.25, 0.35, 0.1, 0.6])
KIND_SPEECH = np.array([95, 150, 185, 110, 105, 140, 120, 120, 130])
KIND_SENTIMENT = np.array([0.05, 0.55, -0.65, -0.45, 0.5, 0.15, 0.45, -0.2, 0.0])
KIND_EVENT = ("", "", "", "", "", "task", "party", "nomination", "eviction")

TRANSCRIPTS = {
    "routine": ("who finished the milk", "is it my turn to cook", "I'm going for a nap", "anyone seen my towel",
                "we need more bread", "what time is it", "pass the salt", "I'll do the dishes later"),
    "humour": ("haha stop it", "you did not just say that", "I can't breathe haha", "that accent is terrible",
               "do the impression again", "best joke all week"),
    "argument": ("you always do this", "don't talk to me like that", "I'm done with you", "say it to my face",
                 "that's a lie and you know it", "you started it"),
    "confession": ("I miss my family", "I feel so alone in here", "nobody trusts me", "I don't know if I can "
                   "stay", "I just want to go home", "it's harder than I thought"),
    "romance": ("I like spending time with you", "do you want to sit with me", "you look nice tonight",
                "I think I'm falling for you"),
    "task": ("go go go", "we need ten more points", "the task is starting", "hold it steady", "we won the task",
             "that's not fair"),
    "party": ("turn it up", "let's dance", "best night in the house", "cheers everyone"),
    "nomination": ("I nominate", "it's nothing personal", "this is so hard", "I have to protect myself"),
    "eviction": ("the public have voted", "I'm so sorry", "goodbye everyone", "it's been amazing", "we love you"),
}


def load(seed: int, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """The synthetic source: ``N_DAYS`` times ``scale`` days of segments, generated from ``seed``.

    Returns
    -------
    dict of str to DataFrame
        ``{"segments": frame}``: one row per segment, days in order and segments in time order
        within a day (see :func:`generate`).
    """
    return {"segments": generate(max(9, round(N_DAYS * scale)), seed)}


def generate(n_days: int, seed: int) -> pd.DataFrame:
    """Generate ``n_days`` days of segments with the editors' judgements.

    Parameters
    ----------
    n_days : int
        Days of the season.
    seed : int
        Seed of the only random generator used; the same seed gives identical output.

    Returns
    -------
    DataFrame
        ``day_id``, ``segment_id`` (random ids), ``date``, ``day_number``, ``start`` (clock time
        of the segment, ``HH:MM:SS``), ``duration`` and ``budget`` (seconds), ``location``,
        ``housemates`` (``;``-separated), ``faces``, ``loudness_db``, ``laughter``, ``applause``,
        ``speech_rate``, ``sentiment``, ``event`` (``task``, ``party``, ``nomination``,
        ``eviction`` or empty), ``transcript``; then ``importance`` (the editors' mean),
        ``importance_<editor>`` (0 to 4) and ``selected_<editor>`` (1 or 0), empty where the
        editor did not judge the day.
    """
    rng = np.random.default_rng(seed)
    draws = Draws(rng)
    days = _season(n_days, rng)
    scenes = _scenes(days, rng)
    segments = _segments(scenes, days, rng)
    signals = _signals(segments, scenes, days, rng, draws)
    interest = _interest(segments, scenes, days, rng)
    judged = _editors(segments, scenes, days, interest, rng)
    frame = pd.concat([signals, judged], axis=1)
    ids = np.random.default_rng([seed, 1])
    day_ids = fresh_ids(n_days, "D-", ids)
    frame.insert(0, "segment_id", _segment_ids(len(frame), ids))
    frame.insert(0, "day_id", day_ids[segments["day"]])
    return frame


class _Days:
    """Per-day facts: the housemates still in, the day's events and the feud."""

    def __init__(self, n_days: int, rng: np.random.Generator) -> None:
        self.n = n_days
        self.appeal = rng.normal(0.0, 0.7, N_HOUSEMATES)
        order = rng.permutation(N_HOUSEMATES)
        self.left_on = np.full(N_HOUSEMATES, n_days + 1)
        for rank, day in enumerate(range(FIRST_EVICTION, n_days, EVICTION_EVERY)):
            if rank < N_HOUSEMATES - 3:
                self.left_on[order[rank]] = day
        number = np.arange(n_days)
        self.eviction = np.isin(number, self.left_on)
        self.nomination = np.isin(number + 2, self.left_on)
        self.party = (number % PARTY_EVERY) == PARTY_EVERY - 1
        self.task = rng.random(n_days) < 0.75
        self.budget = np.where(self.eviction, EVICTION_RECAP_SECONDS, RECAP_SECONDS)
        self.feud = np.zeros((n_days, 2), dtype=int)
        for day in range(n_days):
            present = np.flatnonzero(self.left_on > day)
            self.feud[day] = rng.choice(present, 2, replace=False)

    def present(self, day: int) -> np.ndarray:
        return np.flatnonzero(self.left_on > day)


def _season(n_days: int, rng: np.random.Generator) -> _Days:
    return _Days(n_days, rng)


def _scenes(days: _Days, rng: np.random.Generator) -> pd.DataFrame:
    """The day's scenes in time order: kind, place, housemates, intensity, length in segments."""
    rows = []
    for day in range(days.n):
        minutes = rng.uniform(*MINUTES_PER_DAY)
        n_scenes = max(8, int(minutes * 60 / (3.2 * np.mean(SEGMENT_SECONDS))))
        share = KIND_SHARE.copy()
        share[KINDS.index("party")] = 0.12 if days.party[day] else 0.0
        share[KINDS.index("task")] = 0.12 if days.task[day] else 0.0
        kinds = rng.choice(len(KINDS), n_scenes, p=share / share.sum())
        # The day's events sit at fixed points of its story: nominations in the afternoon,
        # the eviction at night, the party late.
        if days.nomination[day]:
            kinds[int(0.55 * n_scenes):int(0.55 * n_scenes) + 3] = KINDS.index("nomination")
        if days.eviction[day]:
            kinds[int(0.85 * n_scenes):int(0.85 * n_scenes) + 4] = KINDS.index("eviction")
        present = days.present(day)
        for index, kind in enumerate(kinds):
            name = KINDS[kind]
            if name == "confession":
                people = rng.choice(present, 1)
                place = "diary_room"
            else:
                people = rng.choice(present, min(len(present), int(rng.integers(2, 7))), replace=False)
                place = ("task_room" if name == "task" else "living_room" if name in ("nomination", "eviction")
                         else LOCATIONS[int(rng.integers(0, 5))])
            if name == "argument" and rng.random() < 0.6:
                people = np.unique(np.concatenate([people[:2], days.feud[day]]))
            rows.append({"day": day, "order": index, "kind": kind, "place": place, "people": np.sort(people),
                         "intensity": rng.normal(0.0, 0.6), "segments": int(min(8, 1 + rng.geometric(0.38))),
                         "hour": 9.0 + 17.0 * index / n_scenes})
    return pd.DataFrame(rows)


def _segments(scenes: pd.DataFrame, days: _Days, rng: np.random.Generator) -> pd.DataFrame:
    """One row per segment: its day, scene, place in the scene and length."""
    counts = scenes["segments"].to_numpy()
    scene = np.repeat(np.arange(len(scenes)), counts)
    within = np.arange(scene.size) - np.repeat(np.cumsum(counts) - counts, counts)
    duration = rng.integers(SEGMENT_SECONDS[0], SEGMENT_SECONDS[1] + 1, scene.size)
    # The scene's peak: one segment where it comes to a head.
    peak = np.floor(rng.random(len(scenes)) * counts).astype(int)
    return pd.DataFrame({"day": scenes["day"].to_numpy()[scene], "scene": scene, "within": within,
                         "scene_length": counts[scene], "at_peak": within == peak[scene], "duration": duration})


def _signals(segments: pd.DataFrame, scenes: pd.DataFrame, days: _Days, rng: np.random.Generator,
             draws: Draws) -> pd.DataFrame:
    """What the case gives about each segment: time, place, people and the audio/visual signals."""
    n = len(segments)
    scene = segments["scene"].to_numpy()
    kind = scenes["kind"].to_numpy()[scene]
    intensity = scenes["intensity"].to_numpy()[scene]
    peak = segments["at_peak"].to_numpy()
    people = scenes["people"].to_numpy()[scene]
    n_people = np.array([len(group) for group in people])
    lift = intensity + 0.8 * peak
    # Clock time: the scene's hour plus the seconds of the scene so far.
    seconds = np.floor(scenes["hour"].to_numpy()[scene] * 3600).astype(np.int64)
    seconds += segments.groupby("scene")["duration"].cumsum().to_numpy() - segments["duration"].to_numpy()
    seconds %= 86_400
    day = segments["day"].to_numpy()
    return pd.DataFrame({
        "date": (START + pd.to_timedelta(day, unit="D")).strftime("%Y-%m-%d"),
        "day_number": day + 1,
        "start": [f"{value // 3600:02d}:{value // 60 % 60:02d}:{value % 60:02d}" for value in seconds],
        "duration": segments["duration"].to_numpy(),
        "budget": days.budget[day],
        "location": scenes["place"].to_numpy()[scene],
        "housemates": [";".join(HOUSEMATES[person] for person in group) for group in people],
        "faces": np.clip(n_people + rng.integers(-1, 2, n), 0, None),
        "loudness_db": np.round(KIND_LOUDNESS[kind] + 3.0 * lift + rng.normal(0, 4.0, n), 1),
        "laughter": np.round(np.clip(KIND_LAUGHTER[kind] * (1 + 0.4 * lift) + rng.normal(0, 0.08, n), 0, 1), 3),
        "applause": np.round(np.clip(KIND_APPLAUSE[kind] + 0.1 * peak + rng.normal(0, 0.05, n), 0, 1), 3),
        "speech_rate": np.round(np.clip(KIND_SPEECH[kind] + 12 * lift + rng.normal(0, 18, n), 20, None)).astype(int),
        "sentiment": np.round(np.clip(KIND_SENTIMENT[kind] + rng.normal(0, 0.3, n), -1, 1), 2),
        "event": np.asarray(KIND_EVENT, dtype=object)[kind],
        "transcript": [_line(KINDS[k], draws) for k in kind],
    })


def _line(kind: str, draws: Draws) -> str:
    """A transcript snippet: mostly the scene's own words, some small talk."""
    own = draws.pick(TRANSCRIPTS[kind])
    if draws.chance(0.35):
        return f"{own} ... {draws.pick(TRANSCRIPTS['routine'])}"
    return own


def _interest(segments: pd.DataFrame, scenes: pd.DataFrame, days: _Days, rng: np.random.Generator) -> np.ndarray:
    """Each segment's interest to the audience: the latent quantity editors judge."""
    scene = segments["scene"].to_numpy()
    kind = scenes["kind"].to_numpy()[scene]
    people = scenes["people"].to_numpy()
    appeal = np.array([days.appeal[group].max() for group in people])[scene]
    feud = np.array([np.isin(days.feud[d], group).all() for d, group in zip(scenes["day"], people, strict=True)])[scene]
    hour = scenes["hour"].to_numpy()[scene]
    late = (hour > 24.0) & ~np.isin(kind, [KINDS.index("party"), KINDS.index("eviction")])
    peak = segments["at_peak"].to_numpy()
    interest = (KIND_INTEREST[kind] + scenes["intensity"].to_numpy()[scene] + 0.9 * peak + 0.7 * appeal
                + 0.9 * feud - 0.6 * late + rng.normal(0.0, 0.35, len(segments)))
    # The first segment of a scene sets it up: worth more when the scene is worth it.
    setup = segments["within"].to_numpy() == 0
    return interest + 0.3 * setup * (KIND_INTEREST[kind] > 0)


def _editors(segments: pd.DataFrame, scenes: pd.DataFrame, days: _Days, interest: np.ndarray,
             rng: np.random.Generator) -> pd.DataFrame:
    """Each editor's 0-4 ratings and cut, for the days they worked; the mean rating."""
    n = len(segments)
    day = segments["day"].to_numpy()
    kind = scenes["kind"].to_numpy()[segments["scene"].to_numpy()]
    lengths = segments["duration"].to_numpy()
    offsets = np.concatenate([[0], np.cumsum(np.bincount(day, minlength=days.n))])
    taste = rng.normal(0.0, 0.45, (len(EDITORS), len(KINDS)))
    noise = rng.uniform(0.35, 0.6, len(EDITORS))
    shifts = np.array([rng.permutation(len(EDITORS))[:EDITORS_PER_DAY] for _ in range(days.n)])
    same_scene = np.zeros(n, dtype=bool)
    same_scene[1:] = segments["scene"].to_numpy()[1:] == segments["scene"].to_numpy()[:-1]
    columns: dict[str, np.ndarray] = {}
    ratings = []
    for e, editor in enumerate(EDITORS):
        perceived = interest + taste[e, kind] + rng.normal(0.0, noise[e], n)
        rating = np.clip(np.floor(perceived + 1.6), 0, 4)
        worth = np.log1p(np.exp(2.0 * (perceived - 0.8))) * lengths / 10.0
        # Two neighbouring segments of one scene say much the same: the second is worth less.
        penalty = np.where(same_scene, 0.6 * np.minimum(worth, np.roll(worth, 1)), 0.0)
        cut = best_selections(worth, lengths, offsets, days.budget, penalty)
        works = (shifts[day] == e).any(axis=1)
        columns[f"importance_{editor}"] = np.where(works, rating, np.nan)
        columns[f"selected_{editor}"] = np.where(works, cut.astype(float), np.nan)
        ratings.append(np.where(works, rating, np.nan))
    mean = np.nanmean(np.vstack(ratings), axis=0)
    frame = pd.DataFrame({"importance": np.round(mean, 4)})
    for editor in EDITORS:
        frame[f"importance_{editor}"] = pd.array(columns[f"importance_{editor}"], dtype="Int64")
    for editor in EDITORS:
        frame[f"selected_{editor}"] = pd.array(columns[f"selected_{editor}"], dtype="Int64")
    return frame


def _segment_ids(n: int, rng: np.random.Generator) -> np.ndarray:
    """Random segment ids, ``S-`` and 12 hex digits."""
    ids = fresh_ids(n, "S-", rng)
    extra = rng.integers(0, 256, n)
    return np.array([f"{value}{more:02x}" for value, more in zip(ids, extra, strict=True)], dtype=object)
