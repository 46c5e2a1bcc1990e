"""Stage 2, features: candidate generation, then the features the ranker sees.

1. ``generate_candidates``: for each test user, the places they know, the places co-visited
   with those, and the popular places nearest to where they are (a spatial pre-filter, as a
   100 ms budget would need), up to ``n``;
2. ``build_features``: one row per (user, candidate place): how far it is from the request and
   whether it is open then, the user's habit with it, how busy it is at that hour, and how well
   its category suits the user.

On ``flickr-poi`` a test unit is a trip: its history is its traveller's (``traveller_id``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FEATURES = ["distance_km", "visits", "days_since_visit", "popularity", "hour_share", "category_share",
            "open_now", "covisit", "first_place"]
NEARBY = 30


def history_owner(test: pd.DataFrame) -> pd.Series:
    """Whose visits are each test unit's history, indexed by the unit."""
    owner = test["traveller_id"] if "traveller_id" in test.columns else test["user_id"]
    return pd.Series(owner.to_numpy(), index=test["user_id"].to_numpy())


def generate_candidates(data: dict[str, pd.DataFrame], users: pd.Series, n: int = 60) -> pd.DataFrame:
    """Up to ``n`` candidate places per test unit of ``users``: ``user_id``, ``place_id``."""
    test = data["test"].set_index("user_id").loc[users.to_numpy()].reset_index()
    owner = history_owner(test)
    visits = data["train"]
    places = data["places"]
    popularity = visits["place_id"].value_counts().reindex(places["place_id"], fill_value=0)

    known = pd.DataFrame({"user_id": owner.index, "owner": owner.to_numpy()}).merge(
        visits[["user_id", "place_id"]].drop_duplicates().rename(columns={"user_id": "owner"}), on="owner")
    pairs = visits[["user_id", "place_id"]].drop_duplicates()
    together = pairs.merge(pairs, on="user_id")
    together = together[together["place_id_x"] != together["place_id_y"]]
    neighbours = together.groupby("place_id_x")["place_id_y"].value_counts().groupby(level=0).head(5)
    covisited = known[["user_id", "place_id"]].merge(
        neighbours.reset_index()[["place_id_x", "place_id_y"]], left_on="place_id", right_on="place_id_x")
    distance = _distance(test["request_latitude"].to_numpy(float)[:, None], test["request_longitude"].to_numpy(float)[:, None],
                         places["latitude"].to_numpy(float)[None, :], places["longitude"].to_numpy(float)[None, :])
    score = np.log1p(popularity.to_numpy())[None, :] - distance / 1.5
    nearest = np.argsort(-score, axis=1)[:, :NEARBY]
    nearby = pd.DataFrame({"user_id": np.repeat(test["user_id"].to_numpy(), nearest.shape[1]),
                           "place_id": places["place_id"].to_numpy()[nearest.ravel()]})
    candidates = pd.concat([known[["user_id", "place_id"]],
                            covisited[["user_id", "place_id_y"]].rename(columns={"place_id_y": "place_id"}), nearby])
    return candidates.drop_duplicates(["user_id", "place_id"]).groupby("user_id").head(n).reset_index(drop=True)


def build_features(data: dict[str, pd.DataFrame], candidates: pd.DataFrame) -> pd.DataFrame:
    """The ranker's features, one row per candidate, in the candidates' order."""
    test = data["test"].set_index("user_id")
    visits = data["train"].assign(visit_time=pd.to_datetime(data["train"]["visit_time"]))
    places = data["places"].set_index("place_id")
    owner = history_owner(data["test"]).reindex(candidates["user_id"]).to_numpy()
    request = test.reindex(candidates["user_id"])
    request_time = pd.to_datetime(request["request_time"]).to_numpy()
    place = places.reindex(candidates["place_id"])

    habit = visits.groupby(["user_id", "place_id"])["visit_time"].agg(["size", "max"])
    mine = habit.reindex(pd.MultiIndex.from_arrays([owner, candidates["place_id"].to_numpy()]))
    days = (request_time - mine["max"].to_numpy()) / np.timedelta64(1, "D")
    hour = pd.to_datetime(request["request_time"]).dt.hour.to_numpy()
    by_hour = visits.groupby(["place_id", visits["visit_time"].dt.hour]).size()
    busy = by_hour.reindex(pd.MultiIndex.from_arrays([candidates["place_id"].to_numpy(), hour])).fillna(0).to_numpy()
    popularity = visits["place_id"].value_counts().reindex(candidates["place_id"]).fillna(0).to_numpy()
    categories = visits.join(places["category"], on="place_id").groupby("user_id")["category"].value_counts(
        normalize=True)
    category_share = categories.reindex(pd.MultiIndex.from_arrays([owner, place["category"].to_numpy()])).fillna(0)
    if {"opens", "closes"} <= set(places.columns):
        opens, closes = place["opens"].to_numpy(float), place["closes"].to_numpy(float)
        open_now = ((hour >= opens) & (hour < closes)) | (hour + 24 < closes)
    else:
        open_now = np.ones(len(candidates), dtype=bool)
    pairs = visits[["user_id", "place_id"]].drop_duplicates()
    together = pairs.merge(pairs, on="user_id").groupby(["place_id_x", "place_id_y"]).size()
    known = pairs.rename(columns={"user_id": "owner"})
    mine_known = pd.DataFrame({"row": np.arange(len(candidates)), "owner": owner,
                               "place_id_y": candidates["place_id"].to_numpy()}).merge(known, on="owner")
    mine_known = mine_known[mine_known["place_id"] != mine_known["place_id_y"]]
    strength = together.reindex(pd.MultiIndex.from_frame(mine_known[["place_id", "place_id_y"]])).fillna(0).to_numpy()
    covisit = np.bincount(mine_known["row"], weights=strength, minlength=len(candidates))
    first = request["first_place_id"].to_numpy() if "first_place_id" in request.columns else None
    return pd.DataFrame({
        "distance_km": _distance(request["request_latitude"].to_numpy(float), request["request_longitude"].to_numpy(float),
                                 place["latitude"].to_numpy(float), place["longitude"].to_numpy(float)),
        "visits": np.log1p(mine["size"].fillna(0).to_numpy()),
        "days_since_visit": np.nan_to_num(days, nan=999.0),
        "popularity": np.log1p(popularity),
        "hour_share": (busy + 1.0) / (popularity + 24.0),
        "category_share": category_share.to_numpy(),
        "open_now": open_now.astype(float),
        "covisit": np.log1p(covisit),
        "first_place": (candidates["place_id"].to_numpy() == first).astype(float) if first is not None else 0.0,
    }, index=candidates.index)[FEATURES]


def _distance(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Kilometres between points in degrees (the haversine formula)."""
    lat1, lon1, lat2, lon2 = (np.radians(value) for value in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
