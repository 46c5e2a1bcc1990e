"""Split a city's RSVPs by time into what the weekly email knows and next week's answers.

The cut-off is the Monday 00:00 (UTC) of the last week of RSVPs: the email goes out then. The
test window is the week that starts at the cut-off, and its events are the catalogue: every
event a list may name, none of them in the training RSVPs (item cold start).

Inputs (the candidate's ``data/``):

* ``train``: every RSVP made before the cut-off to an event outside the window (the past
  ones; on Meetup also later ones): ``user_id``, ``event_id``, ``response``, ``rsvp_time``;
* ``early_rsvps``: the RSVPs made before the cut-off to the window's events (known when the
  email goes out: who is already going);
* ``events``: the events outside the window that were known at the cut-off, and
  ``test_events``: the window's events, both with ``group_id``, ``venue_id``, ``start_time``,
  ``title``, ``description``;
* ``users`` (home location), ``groups``, ``venues`` (location), ``memberships`` (joined
  before the cut-off), ``friends`` (both ways);
* ``test``: the members to recommend for.

Answers: every yes RSVP made at or after the cut-off to a window event, with the member's
number of RSVPs before the cut-off (``train_interactions``) and whether they were a member of
the event's group at the cut-off (``group_member``: member / non-member). The test members
are exactly the members with at least one answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from casekit.cases.prepared import PreparedData, check_ranking_prepared

USER, ITEM = "user_id", "event_id"
HISTORY = "train_interactions"
MEMBER = "group_member"
WINDOW = pd.Timedelta(days=7)
RSVP_COLUMNS = [USER, ITEM, "response", "rsvp_time"]
EVENT_COLUMNS = [ITEM, "group_id", "venue_id", "start_time", "title", "description"]


def cutoff_of(rsvps: pd.DataFrame) -> pd.Timestamp:
    """The Monday 00:00 that starts the week of the latest RSVP: when the email goes out."""
    latest = pd.Timestamp(rsvps["rsvp_time"].max()).normalize()
    return latest - pd.Timedelta(days=latest.day_of_week)


def prepare(tables: dict[str, pd.DataFrame], seed: int) -> PreparedData:
    """Return the inputs and the answers (the ids are already fresh, drawn by the source from
    ``seed``)."""
    rsvps = tables["rsvps"].astype({USER: str, ITEM: str})
    events = tables["events"].astype({ITEM: str, "group_id": str, "venue_id": str})
    cutoff = cutoff_of(rsvps)
    memberships = tables["memberships"]
    if len(memberships):
        memberships = memberships.astype({USER: str, "group_id": str})
    split = split_at(rsvps, events, memberships, cutoff, cutoff)
    answers, test = split.answers, split.inputs["test"]
    users = tables["users"].astype({USER: str}).sort_values(USER, ignore_index=True)
    friends = tables["friends"].astype({USER: str, "friend_id": str})
    inputs = {
        **{name: split.inputs[name] for name in ("train", "early_rsvps", "events", "test_events")},
        "users": users[[USER, "home_latitude", "home_longitude"]],
        "groups": tables["groups"].astype({"group_id": str}).sort_values("group_id", ignore_index=True),
        "venues": tables["venues"].astype({"venue_id": str}).sort_values("venue_id", ignore_index=True),
        "memberships": split.inputs["memberships"],
        "friends": friends.sort_values([USER, "friend_id"], ignore_index=True),
        "test": test,
    }
    history = answers.drop_duplicates(USER)[HISTORY]
    prepared = PreparedData(
        inputs=inputs,
        answers=answers,
        labels=split.labels,
        notes={"split": "by time: RSVPs before the cut-off are inputs; the answers are the yes RSVPs made after it "
                        "to the events of the week that starts at the cut-off",
               "cutoff": cutoff.isoformat(), "test_window_end": (cutoff + WINDOW).isoformat(),
               "train_rsvps": len(inputs["train"]), "early_rsvps": len(inputs["early_rsvps"]),
               "test_events": len(split.labels), "test_users": len(test),
               "test_users_without_history": int((history == 0).sum()),
               "held_out_pairs": len(answers), "member_pairs": int((answers[MEMBER] == "member").sum())},
    )
    check_ranking_prepared(
        prepared, user_column=USER, item_column=ITEM,
        columns={"train": RSVP_COLUMNS, "early_rsvps": RSVP_COLUMNS, "events": EVENT_COLUMNS,
                 "test_events": EVENT_COLUMNS, "test": [USER]},
        answer_columns=[USER, ITEM, HISTORY, MEMBER], catalogue_table="test_events", past_items_table="events",
    )
    return prepared


@dataclass(frozen=True)
class Split:
    """One time split: the tables known at the cut-off, the window's catalogue and answers."""

    inputs: dict[str, pd.DataFrame]
    answers: pd.DataFrame
    labels: tuple[str, ...]


def split_at(rsvps: pd.DataFrame, events: pd.DataFrame, memberships: pd.DataFrame, cutoff: pd.Timestamp,
             window_start: pd.Timestamp) -> Split:
    """Split RSVPs at ``cutoff``; the window is the week of events from ``window_start``.

    Gives ``train``, ``early_rsvps``, ``events`` (outside the window, known at the cut-off),
    ``test_events`` (the window's, most early yeses first), ``memberships`` (known at the
    cut-off) and ``test`` (the members with answers), and the answers.
    """
    in_window = (events["start_time"] >= window_start) & (events["start_time"] < window_start + WINDOW)
    window_events = events[in_window]
    before = rsvps["rsvp_time"] < cutoff
    to_window = rsvps[ITEM].isin(pd.Index(window_events[ITEM]))
    train = rsvps[before & ~to_window]
    early = rsvps[before & to_window]
    answered = rsvps[~before & to_window & (rsvps["response"].astype(str) == "yes")]
    # Someone who had answered early is not asked again.
    known = pd.MultiIndex.from_frame(early[[USER, ITEM]])
    answered = answered[~pd.MultiIndex.from_frame(answered[[USER, ITEM]]).isin(known)]
    past_events = events[~in_window & ((events["start_time"] < cutoff) | events[ITEM].isin(train[ITEM]))]

    members = _memberships(memberships, rsvps[before], events, cutoff)
    answers = answered[[USER, ITEM]].drop_duplicates()
    history = pd.concat([train[USER], early[USER]]).value_counts()
    answers = answers.assign(**{
        HISTORY: history.reindex(answers[USER]).fillna(0).astype(np.int64).to_numpy(),
        MEMBER: np.where(_is_member(answers, events, members), "member", "non-member"),
    }).sort_values([USER, ITEM], ignore_index=True)

    early_yes = early[early["response"].astype(str) == "yes"][ITEM].value_counts()
    catalogue = window_events.assign(early=early_yes.reindex(window_events[ITEM]).fillna(0).to_numpy())
    catalogue = catalogue.sort_values(["early", ITEM], ascending=[False, True], ignore_index=True)
    return Split(
        inputs={"train": _sorted_rsvps(train), "early_rsvps": _sorted_rsvps(early),
                "events": past_events[EVENT_COLUMNS].sort_values(["start_time", ITEM], ignore_index=True),
                "test_events": catalogue[EVENT_COLUMNS].sort_values(["start_time", ITEM], ignore_index=True),
                "memberships": members, "test": pd.DataFrame({USER: answers[USER].drop_duplicates().to_numpy()})},
        answers=answers,
        labels=tuple(catalogue[ITEM]),
    )


def hold_out(inputs: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The case's split, made again inside the inputs, one week earlier: the inputs as they
    were at the Monday that starts the last week of known RSVPs, and the answers of the first
    week of events from then (see :func:`busy_from`). The reference re-ranker learns from it; the starter's
    ``holdout.py`` does the same.
    """
    rsvps = pd.concat([inputs["train"], inputs["early_rsvps"]], ignore_index=True)
    rsvps = rsvps.assign(rsvp_time=pd.to_datetime(rsvps["rsvp_time"]))
    events = pd.concat([inputs["events"], inputs["test_events"]], ignore_index=True)
    events = events.assign(start_time=pd.to_datetime(events["start_time"]))
    memberships = inputs["memberships"].assign(joined_at=pd.to_datetime(inputs["memberships"]["joined_at"]))
    cutoff = cutoff_of(rsvps)
    split = split_at(rsvps, events, memberships, cutoff, busy_from(events["start_time"], cutoff))
    return {**inputs, **split.inputs}, split.answers


def busy_from(starts: pd.Series, cutoff: pd.Timestamp) -> pd.Timestamp:
    """The first day from ``cutoff`` on with a real programme of events (at least 3, and 1% of
    those to come): a week of events starts there. On the synthetic source it is the cut-off
    itself; on Meetup, where nearly every event is upcoming at the crawl, the first busy day."""
    days = starts[starts >= cutoff].dt.normalize().value_counts().sort_index()
    busy = days[days >= max(3, 0.01 * days.sum())]
    return busy.index[0] if len(busy) else cutoff


def _sorted_rsvps(rsvps: pd.DataFrame) -> pd.DataFrame:
    frame = rsvps[RSVP_COLUMNS].astype({"response": str})
    return frame.sort_values(["rsvp_time", USER, ITEM], kind="stable", ignore_index=True)


def _memberships(given: pd.DataFrame, before: pd.DataFrame, events: pd.DataFrame, cutoff: pd.Timestamp
                 ) -> pd.DataFrame:
    """Memberships known at the cut-off: those the source dates before it or, for a source
    without any (Meetup), the groups a member had RSVPed to, joined at their first RSVP."""
    if len(given):
        known = given[given["joined_at"] < cutoff]
    else:
        groups = events.set_index(ITEM)["group_id"]
        known = pd.DataFrame({USER: before[USER].to_numpy(), "group_id": groups.reindex(before[ITEM]).to_numpy(),
                              "joined_at": before["rsvp_time"].to_numpy()})
        known = known.groupby([USER, "group_id"], as_index=False)["joined_at"].min()
    return known[[USER, "group_id", "joined_at"]].sort_values([USER, "group_id"], ignore_index=True)


def _is_member(pairs: pd.DataFrame, events: pd.DataFrame, memberships: pd.DataFrame) -> np.ndarray:
    group = events.set_index(ITEM)["group_id"].reindex(pairs[ITEM]).to_numpy()
    members = pd.MultiIndex.from_frame(memberships[[USER, "group_id"]])
    return pd.MultiIndex.from_arrays([pairs[USER].to_numpy(), group]).isin(members)
