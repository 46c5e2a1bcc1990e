"""Stage 2, features: candidate generation, then the features the ranker sees.

No event of next week has a history of its own, so every feature describes an event by what
is known of it at the cut-off (its group, venue, time, text, who already said yes) and
matches it against what the member did before.

1. ``pair_features``: for every (member, event of ``test_events``) pair, the signals below,
   as one row each;
2. ``generate_candidates``: each member's ``n`` best events by a hand-weighted content score
   (events they already answered left out), with their features.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

FEATURES = ["member", "group_yes", "text_similarity", "distance_km", "early_yes", "friends_going", "slot_share",
            "user_history", "group_recent_yes"]
EVENING_HOUR = 17


def slot(start: pd.Series) -> pd.Series:
    """Weekday or weekend, day or evening: 0 to 3."""
    return 2 * (start.dt.day_of_week >= 5).astype(int) + (start.dt.hour >= EVENING_HOUR).astype(int)


def pair_features(data: dict[str, pd.DataFrame], users: pd.Series) -> pd.DataFrame:
    """One row per (member of ``users``, event of ``data["test_events"]``): ``user_id``,
    ``event_id``, ``answered`` (the member RSVPed early) and the ``FEATURES``."""
    window = data["test_events"].assign(start_time=lambda f: pd.to_datetime(f["start_time"]))
    events = pd.concat([data["events"], data["test_events"]], ignore_index=True)
    events["start_time"] = pd.to_datetime(events["start_time"])
    rsvps = pd.concat([data["train"], data["early_rsvps"]], ignore_index=True)
    rsvps["rsvp_time"] = pd.to_datetime(rsvps["rsvp_time"])
    yes = rsvps[rsvps["response"] == "yes"].merge(events[["event_id", "group_id", "start_time"]], on="event_id")

    pairs = pd.DataFrame({"user_id": np.repeat(users.to_numpy(), len(window)),
                          "event_id": np.tile(window["event_id"].to_numpy(), len(users))})
    pairs = pairs.merge(window[["event_id", "group_id", "venue_id", "start_time"]], on="event_id", how="left")
    members = set(zip(data["memberships"]["user_id"], data["memberships"]["group_id"]))
    pairs["member"] = [(u, g) in members for u, g in zip(pairs["user_id"], pairs["group_id"])]
    group_yes = yes.groupby(["user_id", "group_id"]).size().rename("group_yes")
    pairs = pairs.join(group_yes, on=["user_id", "group_id"])
    recent = yes[yes["rsvp_time"] >= rsvps["rsvp_time"].max() - pd.Timedelta(days=28)]
    pairs["group_recent_yes"] = pairs["group_id"].map(recent["group_id"].value_counts())

    early = data["early_rsvps"]
    early_yes = early[early["response"] == "yes"]
    pairs["early_yes"] = pairs["event_id"].map(early_yes["event_id"].value_counts())
    going = data["friends"].merge(early_yes[["user_id", "event_id"]], left_on="friend_id", right_on="user_id",
                                  suffixes=("", "_friend"))
    friends_going = going.groupby(["user_id", "event_id"]).size().rename("friends_going")
    pairs = pairs.join(friends_going, on=["user_id", "event_id"])
    answered = set(zip(early["user_id"], early["event_id"]))
    pairs["answered"] = [(u, e) in answered for u, e in zip(pairs["user_id"], pairs["event_id"])]

    pairs["text_similarity"] = _text_similarity(events, yes, window, pairs)
    pairs["distance_km"] = _distance(data, pairs)
    slots = pd.crosstab(yes["user_id"], slot(yes["start_time"])).reindex(columns=range(4), fill_value=0)
    shares = (slots + 0.5).div(slots.sum(axis=1) + 2.0, axis=0)
    event_slot = slot(pairs["start_time"])
    pairs["slot_share"] = shares.stack().reindex(pd.MultiIndex.from_arrays([pairs["user_id"], event_slot])).to_numpy()
    pairs["slot_share"] = pairs["slot_share"].fillna(0.25)
    pairs["user_history"] = np.log1p(pairs["user_id"].map(rsvps["user_id"].value_counts()).fillna(0))
    for column in ("group_yes", "group_recent_yes", "early_yes", "friends_going"):
        pairs[column] = np.log1p(pairs[column].fillna(0))
    pairs["member"] = pairs["member"].astype(float)
    return pairs[["user_id", "event_id", "answered", *FEATURES]]


def generate_candidates(data: dict[str, pd.DataFrame], users: pd.Series, n: int = 60) -> pd.DataFrame:
    """Each member's ``n`` best events by the content score, with their features."""
    pairs = pair_features(data, users)
    pairs = pairs[~pairs["answered"]]
    score = (2.0 * pairs["member"] + pairs["group_yes"] + 3.0 * pairs["text_similarity"]
             - pairs["distance_km"] / 5.0 + 0.3 * pairs["group_recent_yes"])
    pairs = pairs.assign(content_score=score).sort_values(["user_id", "content_score"], ascending=[True, False],
                                                         kind="stable")
    return pairs.groupby("user_id").head(n).reset_index(drop=True)


def _text_similarity(events: pd.DataFrame, yes: pd.DataFrame, window: pd.DataFrame, pairs: pd.DataFrame) -> np.ndarray:
    """Cosine similarity of each event's text (with its group as a word) to the member's past yes events."""
    def documents(frame: pd.DataFrame) -> pd.Series:
        return (frame["title"].astype(str) + " " + frame["description"].astype(str) + " group"
                + frame["group_id"].astype(str).str.replace("-", ""))

    vectorizer = TfidfVectorizer(sublinear_tf=True).fit(documents(events))
    past = vectorizer.transform(documents(events.set_index("event_id").reindex(yes["event_id"]).reset_index()))
    users = pd.Index(pairs["user_id"].unique())
    owner = users.get_indexer(yes["user_id"])
    known = owner >= 0
    taken = sparse.csr_matrix((np.ones(known.sum()), (owner[known], np.flatnonzero(known))),
                              shape=(len(users), len(yes)))
    profile = taken @ past
    norms = np.sqrt(np.asarray(profile.multiply(profile).sum(axis=1))).ravel()
    profile = sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ profile
    similarity = (profile @ vectorizer.transform(documents(window)).T).toarray()
    return similarity[users.get_indexer(pairs["user_id"]), pd.Index(window["event_id"]).get_indexer(pairs["event_id"])]


def _distance(data: dict[str, pd.DataFrame], pairs: pd.DataFrame) -> np.ndarray:
    """Kilometres from the member's home to the venue (50 where either is unknown)."""
    home = data["users"].set_index("user_id").reindex(pairs["user_id"])
    venue = data["venues"].set_index("venue_id").reindex(pairs["venue_id"])
    lat1, lon1 = (np.radians(home[column].astype(float).to_numpy()) for column in ("home_latitude", "home_longitude"))
    lat2, lon2 = (np.radians(venue[column].astype(float).to_numpy()) for column in ("latitude", "longitude"))
    # The haversine formula, on a sphere of the Earth's mean radius.
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return np.nan_to_num(2 * 6371.0 * np.arcsin(np.sqrt(a)), nan=50.0)
