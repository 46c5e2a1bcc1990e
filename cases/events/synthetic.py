"""Seeded synthetic city events for Gather, a city events platform: the case's offline source.

About 6,000 members, 240 groups with a topic each, 300 venues and some 2,000 events over twelve
weeks, with about 40,000 RSVPs. Everything is drawn with numpy in whole arrays.

How an RSVP comes about:

* **who hears of an event**: the members of its group (members join groups close to their
  taste and to home, most before the quarter, some during it), and a sample of everyone else
  (the platform's feed), more of them for a popular event;
* **who says yes** (a logistic model): membership, the member's interest in the group's topic,
  the distance from home to the venue, whether the event's time slot suits their weekly rhythm
  (weekday evening, weekend day, weekend evening), how active they are, and the event's
  appeal (some events draw far more than others);
* **friends going**: once the first wave has answered, friends of those going are likelier to
  say yes too, a little later (the social graph is mostly within a neighbourhood and a taste);
* **when**: RSVPs come soon after an event is announced (one to three weeks ahead) or in its
  last days; a popular event with a capacity puts late yeses on the waitlist; some who hear
  of an event answer no.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.cases.prepared import fresh_ids

N_USERS = 6_000
N_GROUPS = 240
N_VENUES = 300
N_WEEKS = 12
START = np.datetime64("2025-01-06T00:00:00", "s")  # a Monday
CENTRE = (41.88, -87.63)  # degrees: the city's centre
KM_PER_DEGREE_LAT = 111.2
N_NEIGHBOURHOODS = 10
FRIENDS_PER_USER = 6
NEW_USER_SHARE = 0.12
# Each member hears of this many events outside their groups per group event, at random.
FEED_AUDIENCE = 300
DAY = 86_400
# Time slots an event can take, with the weekdays and hours they span.
SLOTS = ("weekday evening", "weekend day", "weekend evening")
RESPONSES = ("yes", "no", "waitlist")

TOPICS: dict[str, tuple[str, ...]] = {
    "hiking": ("hike", "trail", "outdoors", "nature", "forest", "dunes", "walk", "lakefront", "boots", "summit"),
    "tech": ("python", "data", "startup", "cloud", "coding", "hackathon", "ai", "devops", "talk", "demo"),
    "board games": ("boardgames", "strategy", "dice", "catan", "cards", "tabletop", "cafe", "tournament", "meeple",
                    "puzzle"),
    "running": ("run", "5k", "pace", "marathon", "jog", "track", "tempo", "riverside", "intervals", "stretch"),
    "books": ("book", "novel", "reading", "author", "fiction", "club", "chapter", "library", "poetry", "memoir"),
    "photography": ("photo", "camera", "lens", "portrait", "street", "light", "exposure", "walkabout", "print",
                    "edit"),
    "language": ("spanish", "french", "conversation", "exchange", "practice", "fluent", "grammar", "vocab",
                 "native", "tandem"),
    "music": ("jam", "guitar", "choir", "band", "open-mic", "vinyl", "concert", "songwriting", "drums", "acoustic"),
    "food": ("tasting", "cooking", "brunch", "wine", "dumplings", "market", "recipe", "chef", "potluck", "bakery"),
    "yoga": ("yoga", "meditation", "flow", "mindfulness", "breath", "mat", "vinyasa", "calm", "stretching", "retreat"),
    "startups": ("founders", "pitch", "investors", "networking", "growth", "product", "mentors", "seed", "saas",
                 "launch"),
    "cycling": ("ride", "bike", "cycling", "gravel", "route", "miles", "peloton", "climb", "commute", "repair"),
}
GENERIC_WORDS = ("join", "us", "friendly", "all", "levels", "welcome", "evening", "weekly", "meet", "new", "people",
                 "fun", "session", "bring", "friends", "free", "group", "community", "monthly", "drinks")
KINDS = ("meetup", "night", "session", "social", "workshop", "club", "outing", "gathering")


def load(seed: int, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """The synthetic source: ``N_USERS`` members, ``N_GROUPS`` groups and ``N_VENUES`` venues
    (each times ``scale``), their events and RSVPs over ``N_WEEKS`` weeks.

    Members, groups, venues and events get random ids that say nothing about them.

    Returns
    -------
    dict of str to DataFrame
        ``users`` (user_id, home_latitude, home_longitude), ``groups`` (group_id, name,
        topic), ``venues`` (venue_id, latitude, longitude), ``events`` (event_id, group_id,
        venue_id, created_at, start_time, title, description), ``memberships`` (user_id,
        group_id, joined_at), ``friends`` (user_id, friend_id, both ways) and ``rsvps``
        (user_id, event_id, response, rsvp_time). Times are UTC ``datetime64[s]``.
    """
    n_users, n_groups, n_venues = (max(20, round(n * scale)) for n in (N_USERS, N_GROUPS, N_VENUES))
    tables = generate(n_users, n_groups, n_venues, seed)
    rng = np.random.default_rng([seed, 1])
    ids = {kind: fresh_ids(len(tables[table]), prefix, rng)
           for kind, table, prefix in (("user", "users", "U-"), ("group", "groups", "G-"), ("venue", "venues", "V-"),
                                       ("event", "events", "E-"))}
    renamed = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for column in frame.columns:
            kind = column.removesuffix("_id") if column != "friend_id" else "user"
            if column.endswith("_id") and kind in ids:
                frame[column] = ids[kind][frame[column].to_numpy()]
        renamed[name] = frame
    return renamed


def generate(n_users: int, n_groups: int, n_venues: int, seed: int) -> dict[str, pd.DataFrame]:
    """Generate a city's members, groups, venues, events and RSVPs (integer ids).

    Parameters
    ----------
    n_users, n_groups, n_venues : int
        Sizes of the city.
    seed : int
        Seed of the only random generator used; the same seed gives identical output.
    """
    rng = np.random.default_rng(seed)
    city = _City(n_users, n_groups, n_venues, rng)
    events = _events(city, rng)
    rsvps = _rsvps(city, events, rng)
    return {
        "users": pd.DataFrame({"user_id": np.arange(n_users), "home_latitude": city.home_lat.round(4),
                               "home_longitude": city.home_lon.round(4)}),
        "groups": pd.DataFrame({"group_id": np.arange(n_groups), "name": city.group_name,
                                "topic": np.array(list(TOPICS))[city.group_topic]}),
        "venues": pd.DataFrame({"venue_id": np.arange(n_venues), "latitude": city.venue_lat.round(5),
                                "longitude": city.venue_lon.round(5)}),
        "events": events.table,
        "memberships": city.memberships,
        "friends": city.friends,
        "rsvps": rsvps,
    }


def _to_degrees(x_km: np.ndarray, y_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = CENTRE[0] + y_km / KM_PER_DEGREE_LAT
    lon = CENTRE[1] + x_km / (KM_PER_DEGREE_LAT * np.cos(np.radians(CENTRE[0])))
    return lat, lon


class _City:
    """Members, groups and venues as arrays (positions in km from the centre)."""

    def __init__(self, n_users: int, n_groups: int, n_venues: int, rng: np.random.Generator) -> None:
        n_topics = len(TOPICS)
        self.n_users, self.n_groups = n_users, n_groups
        hoods = rng.normal(0, 7.0, (N_NEIGHBOURHOODS, 2))
        self.hood = rng.integers(0, N_NEIGHBOURHOODS, n_users)
        self.home = hoods[self.hood] + rng.normal(0, 1.8, (n_users, 2))
        self.home_lat, self.home_lon = _to_degrees(self.home[:, 0], self.home[:, 1])
        self.interest = rng.dirichlet(np.full(n_topics, 0.25), n_users)
        self.slot_taste = rng.dirichlet(np.full(len(SLOTS), 0.7), n_users)
        self.activity = rng.lognormal(0, 0.8, n_users)
        # New members sign up during the last weeks: little or no history at the cut-off.
        new = rng.random(n_users) < NEW_USER_SHARE
        self.signup = np.where(new, rng.uniform((N_WEEKS - 4) * 7, N_WEEKS * 7, n_users), -30.0) * DAY

        self.group_topic = rng.choice(n_topics, n_groups, p=rng.dirichlet(np.full(n_topics, 3.0)))
        self.group_centre = hoods[rng.integers(0, N_NEIGHBOURHOODS, n_groups)] + rng.normal(0, 2.5, (n_groups, 2))
        self.group_slot = rng.integers(0, len(SLOTS), n_groups)
        self.group_rate = rng.gamma(2.0, 0.4, n_groups)  # events per week
        self.group_pull = rng.lognormal(0, 0.6, n_groups)
        topic_names = np.array(list(TOPICS))
        words = [TOPICS[topic_names[t]] for t in self.group_topic]
        self.group_name = np.array([f"{rng.choice(['Chicago', 'Windy City', 'Lakeside', 'Northside', 'Loop'])} "
                                    f"{w[0].title()} {rng.choice(['Club', 'Crew', 'Collective', 'Society', 'Meetup'])}"
                                    for w in words])

        venue_hood = rng.integers(0, N_NEIGHBOURHOODS, n_venues)
        self.venue = hoods[venue_hood] + rng.normal(0, 2.5, (n_venues, 2))
        self.venue_lat, self.venue_lon = _to_degrees(self.venue[:, 0], self.venue[:, 1])
        # Each group meets at a few venues near its centre.
        distance = np.linalg.norm(self.group_centre[:, None, :] - self.venue[None, :, :], axis=2)
        nearest = np.argsort(distance, axis=1)[:, :8]
        self.group_venues = nearest[np.arange(n_groups)[:, None], rng.integers(0, 8, (n_groups, 3))]

        self.memberships, self.member_keys, self.member_since = self._join(rng)
        self.friends, self.friend_matrix = self._befriend(rng)

    def distance_km(self, users: np.ndarray, venues: np.ndarray) -> np.ndarray:
        return np.linalg.norm(self.home[users] - self.venue[venues], axis=1)

    def _join(self, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.Index, np.ndarray]:
        """Each member joins a few groups near their taste and home; most before the quarter."""
        distance = np.linalg.norm(self.home[:, None, :] - self.group_centre[None, :, :], axis=2)
        score = (3.0 * np.log(self.interest[:, self.group_topic] + 1e-3) - distance / 4.0
                 + np.log(self.group_pull)[None, :])
        count = np.minimum(1 + rng.poisson(2.5 * np.sqrt(self.activity)), 12)
        gumbel = score + rng.gumbel(size=score.shape)
        order = np.argsort(-gumbel, axis=1)
        users = np.repeat(np.arange(self.n_users), count)
        rank = np.arange(users.size) - np.repeat(np.cumsum(count) - count, count)
        groups = order[users, rank]
        during = rng.random(users.size) < 0.2
        joined = np.where(during, rng.uniform(0, N_WEEKS * 7, users.size), -rng.uniform(1, 700, users.size)) * DAY
        joined = np.maximum(joined, self.signup[users])
        frame = pd.DataFrame({"user_id": users, "group_id": groups,
                              "joined_at": START + joined.astype(np.int64).astype("timedelta64[s]")})
        return frame, pd.Index(users * self.n_groups + groups), joined

    def _befriend(self, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
        """A friendship graph, mostly within a neighbourhood and a shared favourite topic."""
        favourite = self.interest.argmax(axis=1)
        n = self.n_users * FRIENDS_PER_USER // 2
        first = rng.integers(0, self.n_users, n)
        # Friends: someone of the same neighbourhood (same favourite topic, often), or anyone.
        key = self.hood * len(TOPICS) + favourite
        order = np.argsort(key, kind="stable")
        starts = np.searchsorted(key[order], key)
        ends = np.searchsorted(key[order], key, side="right")
        same_taste = order[starts[first] + (rng.random(n) * (ends[first] - starts[first])).astype(np.int64)]
        hood_order = np.argsort(self.hood, kind="stable")
        hood_starts = np.searchsorted(self.hood[hood_order], self.hood)
        hood_ends = np.searchsorted(self.hood[hood_order], self.hood, side="right")
        same_hood = hood_order[hood_starts[first]
                               + (rng.random(n) * (hood_ends[first] - hood_starts[first])).astype(np.int64)]
        choice = rng.random(n)
        anyone = rng.integers(0, self.n_users, n)
        second = np.where(choice < 0.5, same_taste, np.where(choice < 0.85, same_hood, anyone))
        keep = first != second
        pairs = np.unique(np.sort(np.column_stack([first[keep], second[keep]]), axis=1), axis=0)
        both = np.concatenate([pairs, pairs[:, ::-1]])
        both = both[np.lexsort((both[:, 1], both[:, 0]))]
        return pd.DataFrame({"user_id": both[:, 0], "friend_id": both[:, 1]}), both


class _Events:
    """Events as arrays, and their table."""

    def __init__(self, table: pd.DataFrame, group: np.ndarray, venue: np.ndarray, start: np.ndarray,
                 created: np.ndarray, slot: np.ndarray, appeal: np.ndarray, capacity: np.ndarray) -> None:
        self.table, self.group, self.venue, self.start, self.created = table, group, venue, start, created
        self.slot, self.appeal, self.capacity = slot, appeal, capacity


def _events(city: _City, rng: np.random.Generator) -> _Events:
    """Every group's events over the quarter: slot, venue, times, title and description."""
    counts = rng.poisson(city.group_rate * N_WEEKS)
    group = np.repeat(np.arange(city.n_groups), counts)
    n = group.size
    # A group mostly keeps to its slot.
    slot = np.where(rng.random(n) < 0.8, city.group_slot[group], rng.integers(0, len(SLOTS), n))
    week = rng.integers(0, N_WEEKS, n)
    weekday = np.where(slot == 0, rng.integers(0, 5, n), rng.integers(5, 7, n))
    hour = np.select([slot == 0, slot == 1], [rng.integers(18, 21, n), rng.integers(9, 15, n)],
                     rng.integers(19, 22, n))
    start = ((week * 7 + weekday) * DAY + hour * 3_600 + rng.choice([0, 1_800], n)).astype(np.int64)
    created = start - (rng.uniform(7, 21, n) * DAY).astype(np.int64)
    venue = city.group_venues[group, rng.integers(0, 3, n)]
    appeal = rng.normal(0, 1.0, n)
    capacity = np.where(rng.random(n) < 0.25, rng.integers(8, 30, n), 10**6)

    topic_names = list(TOPICS)
    titles, descriptions = [], []
    for topic, score in zip(city.group_topic[group], rng.random(n), strict=True):
        words = TOPICS[topic_names[topic]]
        picks = rng.choice(len(words), 6, replace=False)
        titles.append(f"{words[picks[0]].title()} {words[picks[1]]} {KINDS[int(score * len(KINDS))]}")
        extra = rng.choice(GENERIC_WORDS, 6)
        descriptions.append(" ".join([*(words[i] for i in picks[2:]), *extra]))
    order = np.lexsort((group, start))
    table = pd.DataFrame({
        "event_id": np.arange(n), "group_id": group[order], "venue_id": venue[order],
        "created_at": START + created[order].astype("timedelta64[s]"),
        "start_time": START + start[order].astype("timedelta64[s]"),
        "title": np.array(titles, dtype=object)[order], "description": np.array(descriptions, dtype=object)[order],
    })
    return _Events(table, group[order], venue[order], start[order], created[order], slot[order], appeal[order],
                   capacity[order])


def _rsvps(city: _City, events: _Events, rng: np.random.Generator) -> pd.DataFrame:
    """Two waves of answers per event (those who heard of it, then their friends), with times."""
    n_events = events.group.size
    # Who hears of each event: its group's members who had joined by then, and a feed sample.
    memberships = city.memberships
    member_user = memberships["user_id"].to_numpy()
    member_group = memberships["group_id"].to_numpy()
    by_group = np.argsort(member_group, kind="stable")
    group_starts = np.searchsorted(member_group[by_group], np.arange(city.n_groups + 1))
    sizes = np.diff(group_starts)[events.group]
    event_of_member = np.repeat(np.arange(n_events), sizes)
    offsets = np.arange(event_of_member.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    members = by_group[group_starts[events.group][event_of_member] + offsets]
    feed = rng.poisson(FEED_AUDIENCE * np.exp(0.5 * events.appeal))
    event_of_feed = np.repeat(np.arange(n_events), feed)
    audience = pd.DataFrame({"event": np.concatenate([event_of_member, event_of_feed]),
                             "user": np.concatenate([member_user[members], rng.integers(0, city.n_users, feed.sum())])})
    audience = audience.drop_duplicates(ignore_index=True)
    event, user = audience["event"].to_numpy(), audience["user"].to_numpy()
    member = _member_at(city, user, events.group[event], events.created[event])
    utility = _utility(city, events, user, event, member)
    hears = city.signup[user] < events.start[event] - DAY
    first = hears & (rng.random(user.size) < _sigmoid(utility))
    first_time = _rsvp_times(events, event, rng)

    # Friends of those going: likelier to say yes, a little after their friend.
    going = pd.DataFrame({"event": event[first], "user": user[first], "time": first_time[first]})
    friend_pairs = city.friend_matrix
    by_user = np.searchsorted(friend_pairs[:, 0], np.arange(city.n_users + 1))
    degree = np.diff(by_user)[going["user"].to_numpy()]
    rows = np.repeat(np.arange(len(going)), degree)
    offsets = np.arange(rows.size) - np.repeat(np.cumsum(degree) - degree, degree)
    friends = friend_pairs[by_user[going["user"].to_numpy()][rows] + offsets, 1]
    wave = pd.DataFrame({"event": going["event"].to_numpy()[rows], "user": friends,
                         "time": going["time"].to_numpy()[rows]})
    wave = wave.groupby(["event", "user"], sort=True).agg(friends=("time", "size"), time=("time", "min")).reset_index()
    already = pd.MultiIndex.from_arrays([event[first], user[first]])
    wave = wave[~pd.MultiIndex.from_arrays([wave["event"], wave["user"]]).isin(already)]
    w_event, w_user = wave["event"].to_numpy(), wave["user"].to_numpy()
    w_member = _member_at(city, w_user, events.group[w_event], events.created[w_event])
    w_utility = _utility(city, events, w_user, w_event, w_member) + 1.8 * np.log1p(wave["friends"].to_numpy())
    w_hears = city.signup[w_user] < events.start[w_event] - DAY
    second = w_hears & (rng.random(w_user.size) < _sigmoid(w_utility))
    lag = (rng.exponential(2.0, w_user.size) * DAY).astype(np.int64) + 600
    w_time = np.minimum(wave["time"].to_numpy() + lag, events.start[w_event] - 300)

    # Some who heard and did not go answer no.
    declined = hears & ~first & (rng.random(user.size) < 0.08 * _sigmoid(utility + 2.0))
    frame = pd.DataFrame({
        "user_id": np.concatenate([user[first], w_user[second], user[declined]]),
        "event_id": np.concatenate([event[first], w_event[second], event[declined]]),
        "yes": np.concatenate([np.ones(first.sum() + second.sum(), bool), np.zeros(declined.sum(), bool)]),
        "seconds": np.concatenate([first_time[first], w_time[second], first_time[declined]]),
    })
    frame = frame.sort_values(["event_id", "seconds", "user_id"], kind="stable", ignore_index=True)
    # Past a capacity, a yes goes on the waitlist.
    yes_rank = frame.groupby("event_id")["yes"].cumsum().to_numpy()
    waitlisted = frame["yes"].to_numpy() & (yes_rank > events.capacity[frame["event_id"].to_numpy()])
    response = np.where(waitlisted, 2, np.where(frame["yes"].to_numpy(), 0, 1))
    frame = pd.DataFrame({"user_id": frame["user_id"], "event_id": frame["event_id"],
                          "response": pd.Categorical.from_codes(response, RESPONSES),
                          "rsvp_time": START + frame["seconds"].to_numpy().astype("timedelta64[s]")})
    return frame.sort_values(["rsvp_time", "user_id", "event_id"], kind="stable", ignore_index=True)


def _member_at(city: _City, users: np.ndarray, groups: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Whether each user had joined the group by ``when`` (seconds from the start)."""
    found = city.member_keys.get_indexer(users * city.n_groups + groups)
    return (found >= 0) & (city.member_since[np.maximum(found, 0)] <= when)


def _utility(city: _City, events: _Events, user: np.ndarray, event: np.ndarray, member: np.ndarray) -> np.ndarray:
    """The log-odds that a member who hears of an event says yes."""
    group = events.group[event]
    distance = city.distance_km(user, events.venue[event])
    return (-4.0 + 1.3 * member + 1.8 * np.log(city.interest[user, city.group_topic[group]] * 12 + 0.05) / 2.0
            - distance / 4.0 + 1.6 * np.log(city.slot_taste[user, events.slot[event]] * 3 + 0.05)
            + 0.6 * np.log(city.activity[user]) + events.appeal[event])


def _rsvp_times(events: _Events, event: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """When each answer comes: soon after the announcement, or in the last days."""
    created, start = events.created[event], events.start[event]
    share = np.where(rng.random(event.size) < 0.5, rng.beta(1.0, 4.0, event.size), rng.beta(4.0, 1.0, event.size))
    return (created + share * (start - 600 - created)).astype(np.int64)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
