"""Split visits by time into the history and the places to recommend next.

Two kinds of source, one split by time each:

* a city's visits (the synthetic source): the cut-off is the Monday 00:00 of the last week of
  visits. ``train`` is every visit before it; a test user is anyone who visits a place in the
  week that follows, and their answers are every place they visit that week. Each test user
  opens the app once at the start of the week: ``test`` gives the request's time (Monday,
  between 7:00 and 22:00) and location (work in office hours, home otherwise, give or take a
  street);
* trips (Flickr): the cut-off is the start of the latest fifth of the trips. ``train`` holds
  the visits of the trips that started before it; a test unit is a later trip with at least
  two places, the request is its first visit (time, place and location) and the answers are
  its other places. ``test`` also names the traveller, whose earlier trips may be in train.

The answers record how many visits the user (the traveller) had before the cut-off
(``train_interactions``) and whether each answer is a place they had visited before
(``visit``: revisit / new).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.cases.prepared import PreparedData, check_ranking_prepared

USER, ITEM = "user_id", "place_id"
HISTORY = "train_interactions"
VISIT = "visit"
WEEK = pd.Timedelta(days=7)
TEST_TRIP_SHARE = 0.2
OFFICE_HOURS = (9, 17)
# The request's location: where the user is, give or take this many kilometres.
LOCATION_NOISE_KM = 0.2
KM_PER_DEGREE_LAT = 111.2


def prepare(tables: dict[str, pd.DataFrame], seed: int) -> PreparedData:
    """Return train, the test requests, the places (and the users' home locations, for a
    city) and the answers; ``seed`` draws the synthetic requests (ids are already fresh)."""
    visits = tables["visits"].astype({USER: str, ITEM: str})
    places = tables["places"].astype({ITEM: str}).sort_values(ITEM, ignore_index=True)
    if "trip_id" in visits.columns:
        train, test, answers, notes = _trip_split(visits.astype({"trip_id": str}), places)
        history_of = test.set_index(USER)["traveller_id"]
    else:
        train, test, answers, notes = _week_split(visits, tables["users"], np.random.default_rng([seed, 2]))
        history_of = pd.Series(test[USER].to_numpy(), index=test[USER].to_numpy())
    answers = label_answers(answers, train, history_of)

    popularity = train[ITEM].value_counts().reindex(places[ITEM], fill_value=0)
    ranked = pd.DataFrame({ITEM: places[ITEM], "visits": popularity.to_numpy()})
    labels = tuple(ranked.sort_values(["visits", ITEM], ascending=[False, True])[ITEM])
    inputs = {"train": train, "test": test, "places": places}
    if "users" in tables:
        users = tables["users"].astype({USER: str})
        inputs["users"] = users[[USER, "home_latitude", "home_longitude"]].sort_values(USER, ignore_index=True)
    first = answers.drop_duplicates(USER)
    prepared = PreparedData(
        inputs=inputs, answers=answers, labels=labels,
        notes={**notes, "train_rows": len(train), "test_users": len(test),
               "test_users_without_history": int((first[HISTORY] == 0).sum()), "held_out_pairs": len(answers),
               "new_place_pairs": int((answers[VISIT] == "new").sum()), "catalogue_places": len(places)},
    )
    check_ranking_prepared(
        prepared, user_column=USER, item_column=ITEM,
        columns={name: list(frame.columns) for name, frame in inputs.items()},
        answer_columns=[USER, ITEM, HISTORY, VISIT], catalogue_table="places",
    )
    return prepared


def label_answers(answers: pd.DataFrame, train: pd.DataFrame, history_of: pd.Series) -> pd.DataFrame:
    """The answers with each unit's number of earlier visits and whether each place is new to
    them; ``history_of`` maps a test unit to whose visits in ``train`` are its history."""
    owner = history_of.reindex(answers[USER]).to_numpy()
    counts = train[USER].value_counts()
    seen = pd.MultiIndex.from_frame(train[[USER, ITEM]].drop_duplicates())
    revisit = pd.MultiIndex.from_arrays([owner, answers[ITEM].to_numpy()]).isin(seen)
    return answers[[USER, ITEM]].assign(**{
        HISTORY: counts.reindex(owner).fillna(0).astype(np.int64).to_numpy(),
        VISIT: np.where(revisit, "revisit", "new"),
    }).sort_values([USER, ITEM], ignore_index=True)


def week_cutoff(times: pd.Series) -> pd.Timestamp:
    """The Monday 00:00 that starts the week of the latest visit."""
    latest = pd.Timestamp(times.max()).normalize()
    return latest - pd.Timedelta(days=latest.day_of_week)


def requests(users: pd.Series, cutoff: pd.Timestamp, home: pd.DataFrame, work: pd.DataFrame,
             rng: np.random.Generator) -> pd.DataFrame:
    """Each user's request on the Monday from ``cutoff``: a time between 7:00 and 22:00, and
    where they are then (``work`` in office hours, ``home`` otherwise; both indexed by user,
    latitude and longitude), give or take ``LOCATION_NOISE_KM``."""
    minutes = rng.integers(7 * 60, 22 * 60, len(users))
    at_work = (minutes >= OFFICE_HOURS[0] * 60) & (minutes < OFFICE_HOURS[1] * 60)
    where = np.where(at_work[:, None], work.reindex(users).to_numpy(float), home.reindex(users).to_numpy(float))
    noise = rng.normal(0, LOCATION_NOISE_KM, (len(users), 2))
    lat = where[:, 0] + noise[:, 0] / KM_PER_DEGREE_LAT
    lon = where[:, 1] + noise[:, 1] / (KM_PER_DEGREE_LAT * np.cos(np.radians(where[:, 0])))
    return pd.DataFrame({USER: users.to_numpy(), "request_time": cutoff + pd.to_timedelta(minutes, unit="min"),
                         "request_latitude": lat.round(5), "request_longitude": lon.round(5)})


def _week_split(visits: pd.DataFrame, users: pd.DataFrame, rng: np.random.Generator
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, object]]:
    cutoff = week_cutoff(visits["visit_time"])
    train = visits[visits["visit_time"] < cutoff]
    later = visits[(visits["visit_time"] >= cutoff) & (visits["visit_time"] < cutoff + WEEK)]
    answers = later[[USER, ITEM]].drop_duplicates()
    test_users = pd.Series(sorted(answers[USER].unique()))
    people = users.astype({USER: str}).set_index(USER)
    test = requests(test_users, cutoff, people[["home_latitude", "home_longitude"]],
                    people[["work_latitude", "work_longitude"]], rng)
    train = train[[USER, ITEM, "visit_time"]].sort_values(["visit_time", USER, ITEM], kind="stable", ignore_index=True)
    notes = {"split": "by time: visits before the cut-off are train; the test users' answers are the places they "
                      "visit in the week after it; each test user's request (time, location) is on its Monday",
             "cutoff": cutoff.isoformat(), "test_window_end": (cutoff + WEEK).isoformat()}
    return train, test, answers, notes


def _trip_split(visits: pd.DataFrame, places: pd.DataFrame
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, object]]:
    trips = visits.groupby("trip_id").agg(start=("visit_time", "min"), places=(ITEM, "nunique"))
    cutoff = trips["start"].quantile(1 - TEST_TRIP_SHARE)
    train = visits[visits["trip_id"].isin(trips.index[trips["start"] < cutoff])]
    later = trips[(trips["start"] >= cutoff) & (trips["places"] >= 2)].index
    ordered = visits[visits["trip_id"].isin(later)].sort_values(["trip_id", "visit_time", ITEM], kind="stable")
    first = ordered.drop_duplicates("trip_id")
    location = places.set_index(ITEM)
    test = pd.DataFrame({
        USER: first["trip_id"].to_numpy(), "traveller_id": first[USER].to_numpy(),
        "request_time": first["visit_time"].to_numpy(), "first_place_id": first[ITEM].to_numpy(),
        "request_latitude": location["latitude"].reindex(first[ITEM]).to_numpy(),
        "request_longitude": location["longitude"].reindex(first[ITEM]).to_numpy(),
    }).sort_values(USER, ignore_index=True)
    rest = ordered[~ordered.index.isin(first.index) & ~ordered.set_index(["trip_id", ITEM]).index.isin(
        pd.MultiIndex.from_frame(first[["trip_id", ITEM]]))]
    answers = pd.DataFrame({USER: rest["trip_id"].to_numpy(), ITEM: rest[ITEM].to_numpy()}).drop_duplicates()
    train = train[[USER, ITEM, "visit_time", "trip_id"]].sort_values(["visit_time", "trip_id", ITEM], kind="stable",
                                                                      ignore_index=True)
    notes = {"split": f"by time: the latest {TEST_TRIP_SHARE:.0%} of trips are held out; a test unit is a later "
                      "trip with two places or more, its request is its first visit and its answers its other places",
             "cutoff": pd.Timestamp(cutoff).isoformat()}
    return train, test, answers, notes


def hold_out(inputs: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The case's split made again inside ``train``: the inputs as they were at the earlier
    cut-off (with that split's requests in ``test``) and that split's answers. The reference
    re-ranker learns from it; the starter's ``holdout.py`` does the same.

    For a city, the users' work places are not given: a request in office hours is placed at
    the centre of the user's weekday office-hour visits (at home when they have none).
    """
    visits = inputs["train"].astype({USER: str, ITEM: str})
    visits = visits.assign(visit_time=pd.to_datetime(visits["visit_time"]))
    places = inputs["places"].astype({ITEM: str})
    if "trip_id" in visits.columns:
        train, test, answers, _ = _trip_split(visits.astype({"trip_id": str}), places)
        history_of = test.set_index(USER)["traveller_id"]
    else:
        cutoff = week_cutoff(visits["visit_time"])
        train = visits[visits["visit_time"] < cutoff]
        later = visits[(visits["visit_time"] >= cutoff) & (visits["visit_time"] < cutoff + WEEK)]
        answers = later[[USER, ITEM]].drop_duplicates()
        users = pd.Series(sorted(answers[USER].unique()))
        home = inputs["users"].astype({USER: str}).set_index(USER)[["home_latitude", "home_longitude"]]
        work = office_locations(train, places).reindex(home.index)
        work = work.fillna(pd.DataFrame(home.to_numpy(), index=home.index, columns=work.columns))
        test = requests(users, cutoff, home, work, np.random.default_rng(0))
        train = train.reset_index(drop=True)
        history_of = pd.Series(test[USER].to_numpy(), index=test[USER].to_numpy())
    return {**inputs, "train": train, "test": test}, label_answers(answers, train, history_of)


def office_locations(visits: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """The centre of each user's weekday office-hour visits (latitude, longitude)."""
    times = visits["visit_time"]
    office = visits[(times.dt.day_of_week < 5) & (times.dt.hour >= OFFICE_HOURS[0]) & (times.dt.hour < OFFICE_HOURS[1])]
    where = places.set_index(ITEM)[["latitude", "longitude"]].reindex(office[ITEM]).to_numpy(float)
    frame = pd.DataFrame({USER: office[USER].to_numpy(), "work_latitude": where[:, 0], "work_longitude": where[:, 1]})
    return frame.groupby(USER)[["work_latitude", "work_longitude"]].mean()
