"""The local hold-out: the case's split made again inside train, so that ``make run`` scores the
pipeline on visits it did not fit.

A city (the synthetic source): the last week of train is held out; each of its users gets a
request on its Monday, between 7:00 and 22:00, at home, or in office hours at the centre of their
weekday office-hour visits (work places are not given). Trips (``flickr-poi``: train has a
``trip_id``): the latest fifth of the trips are held out; a held-out trip's request is its first
visit and its answers the other places. Provided with the project; ``train.py`` uses ``split``
for its own labels too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }} import config

TRIP_SHARE = 0.2
OFFICE_HOURS = (9, 17)
SEED = 0


def split(data: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], pd.DataFrame]:
    """Split ``data`` into what to fit on, what to predict and the answers (``user_id``,
    ``place_id``, and ``visit``: new or revisit). The first two are the same tables: train as it
    was at the earlier cut-off, with that split's requests in ``test``."""
    visits = data["train"].assign(visit_time=pd.to_datetime(data["train"]["visit_time"]))
    if "trip_id" in visits.columns:
        train, test, answers = _trips(visits, data["places"])
        owner = test.set_index(config.ID)["traveller_id"]
    else:
        train, test, answers = _last_week(visits, data)
        owner = pd.Series(test[config.ID].to_numpy(), index=test[config.ID].to_numpy())
    seen = pd.MultiIndex.from_frame(train[[config.ID, config.TARGET]])
    known = pd.MultiIndex.from_arrays([owner.reindex(answers[config.ID]).to_numpy(), answers[config.TARGET]])
    answers = answers.assign(visit=np.where(known.isin(seen), "revisit", "new"))
    earlier = {**data, "train": train.reset_index(drop=True), "test": test}
    return earlier, earlier, answers.reset_index(drop=True)


def _last_week(visits: pd.DataFrame, data: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, ...]:
    latest = visits["visit_time"].max().normalize()
    cutoff = latest - pd.Timedelta(days=latest.day_of_week)
    train, later = visits[visits["visit_time"] < cutoff], visits[visits["visit_time"] >= cutoff]
    answers = later[[config.ID, config.TARGET]].drop_duplicates()
    users = np.sort(answers[config.ID].unique())
    places = data["places"].set_index(config.TARGET)
    home = data["users"].set_index(config.ID).reindex(users)[["home_latitude", "home_longitude"]].to_numpy(float)
    hours = train["visit_time"].dt
    office = train[(hours.day_of_week < 5) & (hours.hour >= OFFICE_HOURS[0]) & (hours.hour < OFFICE_HOURS[1])]
    office = office.join(places[["latitude", "longitude"]], on=config.TARGET).groupby(config.ID)[
        ["latitude", "longitude"]].mean().reindex(users).to_numpy(float)
    work = np.where(np.isnan(office), home, office)
    minutes = np.random.default_rng(SEED).integers(7 * 60, 22 * 60, len(users))
    at_work = (minutes >= OFFICE_HOURS[0] * 60) & (minutes < OFFICE_HOURS[1] * 60)
    where = np.where(at_work[:, None], work, home)
    test = pd.DataFrame({config.ID: users, "request_time": cutoff + pd.to_timedelta(minutes, unit="min"),
                         "request_latitude": where[:, 0], "request_longitude": where[:, 1]})
    return train, test, answers


def _trips(visits: pd.DataFrame, places: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    trips = visits.groupby("trip_id").agg(start=("visit_time", "min"), places=(config.TARGET, "nunique"))
    cutoff = trips["start"].quantile(1 - TRIP_SHARE)
    train = visits[visits["trip_id"].isin(trips.index[trips["start"] < cutoff])]
    later = trips.index[(trips["start"] >= cutoff) & (trips["places"] >= 2)]
    ordered = visits[visits["trip_id"].isin(later)].sort_values(["trip_id", "visit_time"], kind="stable")
    first = ordered.drop_duplicates("trip_id")
    location = places.set_index(config.TARGET)
    test = pd.DataFrame({config.ID: first["trip_id"].to_numpy(), "traveller_id": first[config.ID].to_numpy(),
                         "request_time": first["visit_time"].to_numpy(), "first_place_id": first[config.TARGET].to_numpy(),
                         "request_latitude": location["latitude"].reindex(first[config.TARGET]).to_numpy(),
                         "request_longitude": location["longitude"].reindex(first[config.TARGET]).to_numpy()})
    rest = ordered.merge(first[["trip_id", config.TARGET]], how="left", indicator=True)
    rest = rest[rest["_merge"] == "left_only"]
    answers = pd.DataFrame({config.ID: rest["trip_id"].to_numpy(), config.TARGET: rest[config.TARGET].to_numpy()})
    return train, test, answers.drop_duplicates()
