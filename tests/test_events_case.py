"""The event-recommendation case: its time split (every test event new), what is known at the
cut-off, the Meetup leak, the submission's own rules, and a review of a project, a pack and a
bare file."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import casekit, needs_mirror

from casekit import tasks
from casekit.cases.events import meetup, prepare, synthetic

SCALE = 0.2
USER, ITEM = "user_id", "event_id"


@pytest.fixture(scope="module")
def city():
    tables = synthetic.load(seed=3, scale=SCALE)
    return tables, prepare.prepare(tables, seed=3)


@pytest.fixture(scope="module")
def chicago():
    needs_mirror("meetup-rsvp-acda")
    tables = meetup.load(seed=3)
    return tables, prepare.prepare(tables, seed=3)


def test_every_test_event_is_next_week_and_absent_from_train(city):
    _, prepared = city
    cutoff = pd.Timestamp(prepared.notes["cutoff"])
    window = prepared.inputs["test_events"]
    assert window["start_time"].between(cutoff, cutoff + pd.Timedelta(days=7), inclusive="left").all()
    assert not set(window[ITEM]) & set(prepared.inputs["train"][ITEM])
    assert not set(window[ITEM]) & set(prepared.inputs["events"][ITEM])
    assert set(prepared.labels) == set(window[ITEM])


def test_the_answers_are_yes_rsvps_made_after_the_cutoff(city):
    tables, prepared = city
    cutoff = pd.Timestamp(prepared.notes["cutoff"])
    rsvps = tables["rsvps"].set_index([USER, ITEM])
    answered = rsvps.loc[pd.MultiIndex.from_frame(prepared.answers[[USER, ITEM]])]
    assert (answered["response"] == "yes").all() and (answered["rsvp_time"] >= cutoff).all()


def test_every_input_was_known_at_the_cutoff(city):
    _, prepared = city
    cutoff = pd.Timestamp(prepared.notes["cutoff"])
    inputs = prepared.inputs
    assert (inputs["train"]["rsvp_time"] < cutoff).all() and (inputs["early_rsvps"]["rsvp_time"] < cutoff).all()
    assert (inputs["memberships"]["joined_at"] < cutoff).all()
    assert not any("count" in column.lower() for frame in inputs.values() for column in frame.columns)


def test_the_answers_say_who_belonged_to_the_events_group(city):
    _, prepared = city
    answers, inputs = prepared.answers, prepared.inputs
    group = inputs["test_events"].set_index(ITEM)["group_id"].reindex(answers[ITEM]).to_numpy()
    members = pd.MultiIndex.from_frame(inputs["memberships"][[USER, "group_id"]])
    expected = pd.MultiIndex.from_arrays([answers[USER].to_numpy(), group]).isin(members)
    assert ((answers["group_member"] == "member") == expected).all()
    assert 0.2 < (~expected).mean() < 0.8  # both kinds, in quantity: the slice means something


def test_the_local_hold_out_repeats_the_split_a_week_earlier(city):
    _, prepared = city
    earlier, answers = prepare.hold_out(prepared.inputs)
    local_cutoff = pd.Timestamp(prepared.notes["cutoff"]) - pd.Timedelta(days=7)
    assert (pd.to_datetime(earlier["train"]["rsvp_time"]) < local_cutoff).all()
    assert set(answers[ITEM]) <= set(earlier["test_events"][ITEM])
    assert not set(earlier["test_events"][ITEM]) & set(earlier["train"][ITEM])


def test_meetup_loses_its_final_yes_count_and_its_real_ids(chicago):
    tables, prepared = chicago
    columns = {column for frame in [*tables.values(), *prepared.inputs.values()] for column in frame.columns}
    assert not columns & {"eventYesRSVPCount", "yes_rsvp_count"}
    assert tables["users"][USER].str.startswith("U-").all() and tables["events"][ITEM].str.startswith("E-").all()
    assert set(meetup.load(seed=4)["users"][USER]).isdisjoint(tables["users"][USER])


def test_meetup_is_cut_at_the_monday_before_the_crawl(chicago):
    _, prepared = chicago
    assert prepared.notes["cutoff"] == "2016-04-18T00:00:00"
    assert prepared.notes["test_events"] > 200 and prepared.notes["test_users"] > 400
    assert len(prepared.inputs["friends"]) == 0


@pytest.fixture(scope="module")
def issued(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("events-case")
    casekit("new", "events", "--seed", "8", "--scale", str(SCALE), "--keys-dir", root / "keys", "--candidate", "Ada",
            "-o", root / "ada", check=True)
    return root


def write(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def test_a_past_event_or_an_unknown_member_is_a_problem_naming_file_row_member_and_column(issued):
    project = issued / "ada"
    sample = pd.read_csv(project / "data" / "sample_submission.csv", dtype=str)
    past = pd.read_csv(project / "data" / "events.csv", dtype=str)[ITEM].iloc[0]
    first = sample[USER].iloc[0]
    sample.loc[1, ITEM] = past
    sample.loc[len(sample) - 1, USER] = "U-nobody"
    path = write(sample, project / "submission" / "bad.csv")
    result = casekit("validate", path)
    path.unlink()
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1
    assert (f"bad.csv: row 2 (user '{first}'), column 'event_id': item '{past}' is not in the items of "
            "test_events.csv, the only ones a list may name") in said
    assert f"row {len(sample)}, column 'user_id': user 'U-nobody' is not a test user" in said


def test_a_list_longer_than_fifty_events_is_refused(issued):
    project = issued / "ada"
    events = pd.read_csv(project / "data" / "test_events.csv", dtype=str)[ITEM].tolist()
    user = pd.read_csv(project / "data" / "test.csv", dtype=str)[USER].iloc[0]
    listed = (events + [f"E-unknown{i}" for i in range(51)])[:51]  # a small week has fewer than 51 events
    path = write(pd.DataFrame({USER: user, ITEM: listed, "rank": range(1, 52)}), project / "submission" / "long.csv")
    result = casekit("validate", path)
    path.unlink()
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1 and "rank 51 is beyond 50, the longest list allowed" in said


def test_review_ranks_a_project_a_pack_and_a_bare_file(issued):
    project = issued / "ada"
    task = tasks.load_case("events")
    sample = pd.read_csv(project / "data" / "sample_submission.csv", dtype=str)
    write(sample, project / "submission" / "predictions.csv")
    bob = issued / "bob"
    shutil.copytree(project, bob)
    reversed_lists = sample.assign(rank=sample.groupby(USER).cumcount(ascending=False) + 1)
    write(reversed_lists, bob / "submission" / "predictions.csv")
    casekit("pack", bob, "-o", issued / "bob.zip", check=True)
    carol = write(sample[sample["rank"].astype(int) <= 3], issued / "carol.csv")
    output = issued / "review"
    result = casekit("review", project, f"Bob={issued / 'bob.zip'}", f"Carol={carol}", "--no-track",
                     "--keys-dir", issued / "keys", "-o", output)
    assert result.returncode == 0, result.stdout + result.stderr
    with (output / "leaderboard.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    candidates = [row for row in rows if row["kind"] == "candidate"]
    assert {row["candidate"] for row in candidates} == {"Ada", "Bob", "Carol"}
    assert all(row["status"] == "scored" and row["rank"] for row in candidates)
    assert sum(row["kind"] == "baseline" for row in rows) == len(task.spec.baselines)
    assert task.primary.title in result.stdout
