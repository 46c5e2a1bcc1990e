"""Flickr user-POI visits in Toronto (Lim, Chan, Leckie & Karunasekera, IJCAI 2015): the
case's real source.

Visits derived from geotagged Flickr photos (YFCC100M) taken at 30 points of interest of
Toronto, grouped by the authors into travel sequences (consecutive photos of one person less
than eight hours apart): 39,419 photos by 1,395 people in 6,057 sequences. Toronto is the
largest of the eight cities of the archive; the others are left out (a list should stay in
one city).

This is not a maps app's log: these are tourists' and locals' photos at landmarks. The honest
framing, which the brief states, is **the next places of a trip**: a test unit is a travel
sequence that started after the cut-off, the request is its first visit (time and place),
and the answers are the other places of that sequence.

What the loader does with it: one visit per (sequence, place), at its first photo; the
camera-clock junk (photos dated before 2002 or after April 2014, e.g. 1970 or 4500) is
dropped; photo ids and ``poiFreq`` (a popularity figure that does not match the rows) are
left out; people, sequences and places get fresh ids drawn from the seed.
"""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING
from urllib.parse import unquote

from casekit.cases.downloads import fetch
from casekit.cases.spec import RemoteFile

if TYPE_CHECKING:
    import pandas as pd

DATASET = "flickr-poi-visits-ijcai15"
# The authors' page (Google Sites) is gone; this pinned mirror holds the authors' own zip.
URL = ("https://raw.githubusercontent.com/alkhrzmy/poi-visualization-vdi-tubes-team-15/"
       "c9c175cea8134b6996355f52a59d3378f26108e0/data-ijcai15.zip")
ZIP_SHA256 = "7a5767a0c86e8f2213872c7b4aacc5c62d71b923f011f01a54b1e81024266410"
FILES = (RemoteFile("data-ijcai15.zip", URL, ZIP_SHA256),)
CITY = "Toro"
VISITS = f"data-ijcai15/userVisits-ijcai15/userVisits-{CITY}.csv"
POIS = f"data-ijcai15/poiList-ijcai15/POI-{CITY}.csv"
# Camera-clock junk lies outside these dates (1970, 4500...).
FIRST_VALID, LAST_VALID = "2002-01-01", "2014-05-01"


def load(seed: int) -> dict[str, pd.DataFrame]:
    """Toronto's places and its visits, one per (sequence, place), with fresh ids from ``seed``.

    Returns
    -------
    dict of str to DataFrame
        ``places`` (place_id, name, category, latitude, longitude) and ``visits`` (user_id,
        place_id, visit_time, trip_id).
    """
    # Imported here: the case's spec imports this module, and 'casekit --help' must stay light.
    import numpy as np
    import pandas as pd

    from casekit.cases.prepared import fresh_ids
    path = fetch(DATASET, FILES)["data-ijcai15.zip"]
    with zipfile.ZipFile(path) as archive:
        photos = pd.read_csv(archive.open(VISITS), sep=";", dtype={"userID": str})
        pois = pd.read_csv(archive.open(POIS), sep=";")
    photos["time"] = pd.to_datetime(photos["dateTaken"], unit="s")
    photos = photos[(photos["time"] >= pd.Timestamp(FIRST_VALID)) & (photos["time"] < pd.Timestamp(LAST_VALID))]
    visits = (photos.groupby(["seqID", "poiID"], as_index=False)
              .agg(user=("userID", "first"), time=("time", "min"))
              .sort_values(["time", "seqID", "poiID"], kind="stable", ignore_index=True))

    rng = np.random.default_rng([seed, 4])
    people = pd.Index(sorted(visits["user"].unique()))
    trips = pd.Index(sorted(visits["seqID"].unique()))
    places = pd.Index(sorted(pois["poiID"].unique()))
    person_ids, trip_ids = fresh_ids(len(people), "U-", rng), fresh_ids(len(trips), "T-", rng)
    place_ids = fresh_ids(len(places), "P-", rng)
    return {
        "places": pd.DataFrame({
            "place_id": place_ids[places.get_indexer(pois["poiID"])],
            "name": pois["poiName"].map(lambda name: unquote(str(name)).replace("_", " ")),
            "category": pois["theme"].astype(str),
            "latitude": pois["lat"].astype(float).round(6),
            "longitude": pois["long"].astype(float).round(6),
        }).sort_values("place_id", ignore_index=True),
        "visits": pd.DataFrame({
            "user_id": person_ids[people.get_indexer(visits["user"])],
            "place_id": place_ids[places.get_indexer(visits["poiID"])],
            "visit_time": visits["time"].astype("datetime64[s]"),
            "trip_id": trip_ids[trips.get_indexer(visits["seqID"])],
        }),
    }
