"""The place-recommendation case: the city's week split with its requests, the trip framing of
Flickr, the new-place and distance metrics on a scorecard, and a review of a project, a pack and
a bare file."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import casekit, needs_mirror

from casekit.cases.places import flickr, prepare, synthetic

SCALE = 0.2
USER, ITEM = "user_id", "place_id"


@pytest.fixture(scope="module")
def city():
    tables = synthetic.load(seed=3, scale=SCALE)
    return tables, prepare.prepare(tables, seed=3)


@pytest.fixture(scope="module")
def toronto():
    needs_mirror("flickr-poi-visits-ijcai15")
    tables = flickr.load(seed=3)
    return tables, prepare.prepare(tables, seed=3)


def test_each_test_user_requests_once_on_the_monday_of_the_test_week(city):
    _, prepared = city
    cutoff = pd.Timestamp(prepared.notes["cutoff"])
    test = prepared.inputs["test"]
    assert list(test.columns) == [USER, "request_time", "request_latitude", "request_longitude"]
    hours = (test["request_time"] - cutoff) / pd.Timedelta(hours=1)
    assert hours.between(7, 22).all() and test[USER].is_unique
    assert (prepared.inputs["train"]["visit_time"] < cutoff).all()


def test_answers_say_whether_a_place_is_new_to_the_user(city):
    _, prepared = city
    answers, train = prepared.answers, prepared.inputs["train"]
    seen = pd.MultiIndex.from_frame(train[[USER, ITEM]])
    known = pd.MultiIndex.from_frame(answers[[USER, ITEM]]).isin(seen)
    assert ((answers["visit"] == "revisit") == known).all()
    assert 0.1 < (~known).mean() < 0.6  # habits dominate, but discovery is there to be found


def test_the_city_has_newcomers_with_no_history(city):
    _, prepared = city
    assert prepared.notes["test_users_without_history"] > 0


def test_people_go_to_places_near_where_they_are_and_open_at_the_time(city):
    tables, _ = city
    visits = tables["visits"].merge(tables["places"], on=ITEM)
    hour = visits["visit_time"].dt.hour
    open_then = ((hour >= visits["opens"]) & (hour < visits["closes"])) | (hour + 24 < visits["closes"])
    assert open_then.all()
    cafes = visits[visits["category"] == "cafe"]["visit_time"].dt.hour
    bars = visits[visits["category"] == "bar"]["visit_time"].dt.hour
    assert cafes.median() < bars.median()


def test_the_local_hold_out_splits_the_last_week_of_train_with_requests(city):
    _, prepared = city
    earlier, answers = prepare.hold_out(prepared.inputs)
    assert set(answers[USER]) == set(earlier["test"][USER])
    assert earlier["test"][["request_latitude", "request_longitude"]].notna().all().all()
    assert set(answers["visit"]) == {"new", "revisit"}


def test_flickr_holds_out_the_latest_trips_from_their_first_visit(toronto):
    _, prepared = toronto
    test, answers, train = prepared.inputs["test"], prepared.answers, prepared.inputs["train"]
    assert {"traveller_id", "first_place_id"} <= set(test.columns) and "users" not in prepared.inputs
    cutoff = pd.Timestamp(prepared.notes["cutoff"])
    assert (pd.to_datetime(test["request_time"]) >= cutoff).all()
    assert not set(test[USER]) & set(train["trip_id"])
    first = test.set_index(USER)["first_place_id"].reindex(answers[USER]).to_numpy()
    assert (first != answers[ITEM].to_numpy()).all()  # the request's own place is not an answer
    assert len(prepared.inputs["places"]) == 30


def test_flickr_drops_the_camera_clock_junk_and_the_real_ids(toronto):
    tables, _ = toronto
    times = tables["visits"]["visit_time"]
    assert times.min() >= pd.Timestamp(flickr.FIRST_VALID) and times.max() < pd.Timestamp(flickr.LAST_VALID)
    assert tables["visits"][USER].str.startswith("U-").all()
    assert not set(flickr.load(seed=4)["visits"][USER]) & set(tables["visits"][USER])


@pytest.fixture(scope="module")
def issued(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("places-case")
    casekit("new", "places", "--seed", "8", "--scale", str(SCALE), "--keys-dir", root / "keys", "--candidate", "Ada",
            "-o", root / "ada", check=True)
    return root


def write(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def nearest_places(project: Path, k: int = 10) -> pd.DataFrame:
    """Each test user's k places nearest to the request: a fair, simple submission."""
    test = pd.read_csv(project / "data" / "test.csv", dtype={USER: str})
    places = pd.read_csv(project / "data" / "places.csv", dtype={ITEM: str})
    distance = np.hypot(test["request_latitude"].to_numpy()[:, None] - places["latitude"].to_numpy()[None, :],
                        test["request_longitude"].to_numpy()[:, None] - places["longitude"].to_numpy()[None, :])
    nearest = np.argsort(distance, axis=1)[:, :k]
    return pd.DataFrame({USER: np.repeat(test[USER].to_numpy(), k), ITEM: places[ITEM].to_numpy()[nearest.ravel()],
                         "rank": np.tile(np.arange(1, k + 1), len(test))})


def test_review_ranks_a_project_a_pack_and_a_bare_file_with_the_new_place_metric(issued):
    project = issued / "ada"
    write(nearest_places(project), project / "submission" / "predictions.csv")
    bob = issued / "bob"
    shutil.copytree(project, bob)
    write(pd.read_csv(project / "data" / "sample_submission.csv", dtype=str), bob / "submission" / "predictions.csv")
    casekit("pack", bob, "-o", issued / "bob.zip", check=True)
    carol = write(nearest_places(project, 3), issued / "carol.csv")
    output = issued / "review"
    result = casekit("review", project, f"Bob={issued / 'bob.zip'}", f"Carol={carol}", "--no-track",
                     "--keys-dir", issued / "keys", "-o", output)
    assert result.returncode == 0, result.stdout + result.stderr
    with (output / "leaderboard.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    candidates = [row for row in rows if row["kind"] == "candidate"]
    assert {row["candidate"] for row in candidates} == {"Ada", "Bob", "Carol"}
    assert all(row["status"] == "scored" and row["rank"] for row in candidates)
    assert sum(row["kind"] == "baseline" for row in rows) == 3

    card = json.loads((sorted((output / "candidates" / "ada").iterdir())[-1] / "scorecard.json").read_text())
    metrics = {metric["name"]: metric for metric in card["metrics"]}
    new = metrics["recall_new_at_10"]
    assert new["ci_low"] <= new["value"] <= new["ci_high"]
    assert metrics["median_distance_km_at_10"]["ci_low"] is None
    assert 0 < metrics["median_distance_km_at_10"]["value"] < 5  # the nearest places, in a city a few km across
    assert {row["value"] for row in card["slices"]["slices"] if row["column"] == "visit"} == {"new", "revisit"}
