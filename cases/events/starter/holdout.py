"""The local hold-out: the case's split made again one week earlier, so that ``make run``
scores the pipeline on a week it did not fit.

The test set was cut at a Monday 00:00 (the email's cut-off): the inputs are what was known
then, the test events are the week that follows, and the answers are the yes RSVPs made after
the cut-off to those events. ``split`` does the same at the Monday that starts the last week
of known RSVPs; its week of events starts on the first busy day from there (on Meetup,
where nearly every event is upcoming, the first day with a real programme). Provided with the
project; use ``split`` for your own training labels too (``train.py`` does), or change it.
"""

from __future__ import annotations

import pandas as pd

from {{ cookiecutter.package_name }} import config

WINDOW = pd.Timedelta(days=7)


def split(data: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], pd.DataFrame]:
    """Split ``data`` into what to fit on, what to predict and the answers (``user_id``,
    ``event_id``: the yes RSVPs made after the earlier cut-off to that week's events).

    The first two are the same tables: the data as it was at the earlier cut-off, with that
    week's events in ``test_events``, its early RSVPs in ``early_rsvps`` and its members with
    answers in ``test``.
    """
    rsvps = pd.concat([data["train"], data["early_rsvps"]], ignore_index=True)
    rsvps["rsvp_time"] = pd.to_datetime(rsvps["rsvp_time"])
    events = pd.concat([data["events"], data["test_events"]], ignore_index=True)
    events["start_time"] = pd.to_datetime(events["start_time"])
    latest = rsvps["rsvp_time"].max().normalize()
    cutoff = latest - pd.Timedelta(days=latest.day_of_week)
    start = first_busy_day(events["start_time"], cutoff)

    in_window = (events["start_time"] >= start) & (events["start_time"] < start + WINDOW)
    window = events[in_window]
    before = rsvps["rsvp_time"] < cutoff
    to_window = rsvps[config.TARGET].isin(window[config.TARGET])
    early = rsvps[before & to_window]
    answers = rsvps[~before & to_window & (rsvps["response"] == "yes")][[config.ID, config.TARGET]]
    answered_early = pd.MultiIndex.from_frame(early[[config.ID, config.TARGET]])
    answers = answers[~pd.MultiIndex.from_frame(answers).isin(answered_early)].drop_duplicates()
    train = rsvps[before & ~to_window]
    past = events[~in_window & ((events["start_time"] < cutoff) | events[config.TARGET].isin(train[config.TARGET]))]
    memberships = data["memberships"][pd.to_datetime(data["memberships"]["joined_at"]) < cutoff]

    earlier = {
        **data,
        "train": train.reset_index(drop=True),
        "early_rsvps": early.reset_index(drop=True),
        "events": past.reset_index(drop=True),
        "test_events": window.reset_index(drop=True),
        "memberships": memberships.reset_index(drop=True),
        "test": pd.DataFrame({config.ID: answers[config.ID].unique()}),
    }
    return earlier, earlier, answers.reset_index(drop=True)


def first_busy_day(starts: pd.Series, cutoff: pd.Timestamp) -> pd.Timestamp:
    """The first day from ``cutoff`` on with at least 3 events (and 1% of those to come)."""
    days = starts[starts >= cutoff].dt.normalize().value_counts().sort_index()
    busy = days[days >= max(3, 0.01 * days.sum())]
    return busy.index[0] if len(busy) else cutoff
