"""How far the places case's recommendations send people: the great-circle distance, and the
median distance of the top of every list, a diagnostic the case declares beside its metrics.

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

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    r"""Great-circle distance in kilometres between points given in degrees (the haversine
    formula, on a sphere of the Earth's mean radius :math:`R` = 6371.0088 km):

    .. math:: d = 2R \arcsin \sqrt{\sin^2 \frac{\Delta\varphi}{2}
                  + \cos\varphi_1 \cos\varphi_2 \sin^2 \frac{\Delta\lambda}{2}}

    Examples
    --------
    >>> float(haversine_km(np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([1.0]))[0].round(1))
    111.2
    """
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    half_dphi = (phi2 - phi1) / 2.0
    half_dlambda = np.radians(np.asarray(lon2) - np.asarray(lon1)) / 2.0
    a = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlambda) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def median_distance_km(top: pd.DataFrame, inputs: Mapping[str, pd.DataFrame]) -> float:
    r"""Median distance (km) between where each user asked from and the places of their top k,
    over every (user, recommended place) pair of all the lists together:

    .. math:: \operatorname{median}\{\, d(\ell_u, \ell_p) : u, \; p \in \mathrm{top}_k(u) \,\}

    with :math:`d` the haversine distance (:func:`haversine_km`). Places without coordinates
    and users without a request location are left out; NaN when nothing is left.

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
