"""How far the places case's recommendations send people: the median
distance of the top of every list, a diagnostic the case declares beside its metrics (the
great-circle distance itself is the bottom layer's, :mod:`casekit.files.geodesy`).

The ranking task computes the diagnostic with :func:`median_distance_km`: it gives it the top k
of every list (user, place and rank, as a submission lists them) and the input tables the
case's :class:`~casekit.cases.spec.CaseMetric` says it reads (the places' and the test
requests' coordinates).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from casekit.cases.places.prepare import ITEM, USER
from casekit.files.geodesy import haversine_km


def median_distance_km(top: pd.DataFrame, inputs: Mapping[str, pd.DataFrame]) -> float:
    r"""Median distance (km) between where each user asked from and the places of their top k,
    over every (user, recommended place) pair of all the lists together:

    .. math:: \operatorname{median}\{\, d(\ell_u, \ell_p) : u, \; p \in \mathrm{top}_k(u) \,\}

    with :math:`d` the haversine distance (:func:`~casekit.files.geodesy.haversine_km`).
    Places without coordinates and users without a request location are left out; NaN when nothing is left.

    Parameters
    ----------
    top : DataFrame
        The top k of every list: ``user_id``, ``place_id`` (and ``rank``).
    inputs : mapping of str to DataFrame
        ``places`` (``place_id``, ``latitude``, ``longitude``) and ``test`` (``user_id``,
        ``request_latitude``, ``request_longitude``).

    Examples
    --------
    >>> top = pd.DataFrame({"user_id": ["u", "u", "v"], "place_id": ["p", "q", "q"], "rank": [1, 2, 1]})
    >>> places = pd.DataFrame({"place_id": ["p", "q"], "latitude": [0.0, 0.0], "longitude": [0.0, 1.0]})
    >>> test = pd.DataFrame({"user_id": ["u", "v"], "request_latitude": [0.0, 0.0], "request_longitude": [0.0, 1.0]})
    >>> round(median_distance_km(top, {"places": places, "test": test}), 1)  # 0, 111.2 and 0 km
    0.0
    """
    users = _by_id(inputs["test"], USER).reindex(top[USER].astype(str))
    places = _by_id(inputs["places"], ITEM).reindex(top[ITEM].astype(str))
    distance = haversine_km(_numbers(users["request_latitude"]), _numbers(users["request_longitude"]),
                            _numbers(places["latitude"]), _numbers(places["longitude"]))
    distance = distance[np.isfinite(distance)]
    return float(np.median(distance)) if distance.size else float("nan")


def _by_id(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """``table``'s first row of each id, indexed by the id as text (ids are compared as text)."""
    first = table.drop_duplicates(key)
    return first.set_index(first[key].astype(str))


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
