"""Distance on the Earth's surface, for the cases whose items have a place (venues, events) and the
metrics that measure how far a recommendation sends a user."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    r"""Great-circle distance in kilometres between points given in degrees (the haversine
    formula, on a sphere of the Earth's mean radius :math:`R` = 6371.0088 km), broadcast over
    the arrays:

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
