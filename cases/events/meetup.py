"""Meetup RSVPs in Chicago (Jhamb, Ebesu & Fang, ICTIR 2018): the case's real source.

22,915 RSVPs by 8,118 members to 9,133 upcoming events of 592 groups at 1,062 venues, crawled
from the Meetup API around 2016-04-22, from the authors' repository (``rsvp_chicago.csv``,
the complete city file, pinned by sha256). Each row carries its event's context: group,
venue and its location, start time, and the member's rounded home location.

What the loader does with it:

* **the leak**: ``eventYesRSVPCount`` is each event's final yes count at crawl time, so for a
  test event it counts the very RSVPs that are the answers (and, for 5.5% of the events, yeses
  the file does not hold). It is dropped; ``prepare`` gives only what was known at the
  cut-off (the early RSVPs themselves);
* the authors' own split is random over RSVP rows; ``prepare`` makes a time split instead;
* every event is *upcoming* at crawl time (all but one start on or after 2016-04-22) and
  RSVPs run to the crawl, so a member's history is their RSVPs made before the cut-off, mostly
  to later events; some RSVPs are years earlier (to recurring series), and some events are
  far in the future (recurring instances): both are kept as they are;
* ``user_group_chicago.csv`` (group memberships) is not used: it is a crawl-time snapshot
  without join dates, covering under half of the members, so it would reveal groups joined
  after the cut-off; a membership here is a group the member had RSVPed to before;
* there is no event text and no social graph: titles, descriptions, group names and topics
  are empty, and the friends table has no rows;
* member, event, group and venue ids are real Meetup ids: they are replaced by fresh ids drawn
  from the seed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from casekit.cases.downloads import fetch
from casekit.cases.spec import RemoteFile

if TYPE_CHECKING:
    import pandas as pd

DATASET = "meetup-rsvp-acda"
COMMIT = "8efc81176ae7262f2f055aa3cd11c008d42bd739"
URL = f"https://raw.githubusercontent.com/yjhamb/acda/{COMMIT}/dataset/meetup/rsvp_chicago.csv"
FILES = (RemoteFile("rsvp_chicago.csv", URL, "7f0fe7482ebb68dd8ae18830621ce48b791d35e0bf1e2a35509c0f179b704b71"),)
LEAKING_COLUMNS = ("eventYesRSVPCount",)


def load(seed: int) -> dict[str, pd.DataFrame]:
    """The Chicago RSVPs as the case's tables, with fresh ids drawn from ``seed``.

    Returns
    -------
    dict of str to DataFrame
        The same tables as the synthetic source (see :func:`casekit.cases.events.synthetic.load`):
        ``users``, ``groups``, ``venues``, ``events``, ``memberships`` (empty: ``prepare``
        derives them from the RSVPs), ``friends`` (empty) and ``rsvps``.
    """
    # Imported here: the case's spec imports this module, and 'casekit --help' must stay light.
    import numpy as np
    import pandas as pd

    from casekit.cases.prepared import fresh_ids
    path = fetch(DATASET, FILES)["rsvp_chicago.csv"]
    raw = pd.read_csv(path, dtype={"memberId": str, "eventId": str, "groupId": str, "venueId": str})
    raw = raw.drop(columns=list(LEAKING_COLUMNS))
    # A fixed order first, so that the fresh ids depend on the seed alone.
    raw = raw.sort_values(["rsvpTime", "memberId", "eventId"], kind="stable", ignore_index=True)
    rng = np.random.default_rng([seed, 3])
    fresh = {}
    for column, prefix in (("memberId", "U-"), ("eventId", "E-"), ("groupId", "G-"), ("venueId", "V-")):
        distinct = pd.Index(sorted(raw[column].unique()))
        fresh[column] = pd.Series(fresh_ids(len(distinct), prefix, rng), index=distinct)
        raw[column] = fresh[column].reindex(raw[column]).to_numpy()

    def times(column: str) -> pd.Series:
        return pd.to_datetime(raw[column], unit="ms").astype("datetime64[s]")

    raw["eventTime"], raw["rsvpTime"] = times("eventTime"), times("rsvpTime")
    users = raw.drop_duplicates("memberId").sort_values("memberId", ignore_index=True)
    events = raw.drop_duplicates("eventId").sort_values(["eventTime", "eventId"], ignore_index=True)
    venues = raw.drop_duplicates("venueId").sort_values("venueId", ignore_index=True)
    groups = pd.DataFrame({"group_id": sorted(raw["groupId"].unique())})
    return {
        "users": pd.DataFrame({"user_id": users["memberId"], "home_latitude": users["memberLat"],
                               "home_longitude": users["memberLon"]}),
        "groups": groups.assign(name="", topic=""),
        "venues": pd.DataFrame({"venue_id": venues["venueId"], "latitude": venues["venueLat"].round(6),
                                "longitude": venues["venueLon"].round(6)}),
        "events": pd.DataFrame({"event_id": events["eventId"], "group_id": events["groupId"],
                                "venue_id": events["venueId"], "start_time": events["eventTime"],
                                "title": "", "description": ""}),
        "memberships": pd.DataFrame({"user_id": pd.Series(dtype=object), "group_id": pd.Series(dtype=object),
                                     "joined_at": pd.Series(dtype="datetime64[s]")}),
        "friends": pd.DataFrame({"user_id": pd.Series(dtype=object), "friend_id": pd.Series(dtype=object)}),
        "rsvps": pd.DataFrame({"user_id": raw["memberId"], "event_id": raw["eventId"],
                               "response": raw["rsvpResponse"], "rsvp_time": raw["rsvpTime"]}),
    }
