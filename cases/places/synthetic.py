"""Seeded synthetic city for a maps app's "Places for you": the case's offline source.

About 400 places in ten categories across eight neighbourhoods, 2,000 people, and some 150,000
visits over thirteen weeks. Visits are drawn day by day, in whole arrays.

How a visit comes about:

* **who**: most people live in the city all along; a tenth move in during the last three weeks;
* **when and from where**: each person goes out about once a day, at a time drawn from their
  routine (a morning coffee, lunch, the evening, a weekend afternoon); on weekdays in working
  hours they start from work, otherwise from home;
* **habit or discovery**: with their own exploration propensity people try somewhere new; the
  rest of the time they go back to a place they know, the more often they have been the
  likelier, and a good new place becomes a habit;
* **where** (a softmax over the places open at that hour): distance from where they are (it
  dominates), their taste for the category, whether the category suits the hour (a café at
  8 am, a bar at 10 pm), the place's rating and popularity; a closed place is never visited.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.cases.prepared import fresh_ids

N_PLACES = 400
N_USERS = 2_000
N_WEEKS = 13
START = np.datetime64("2025-03-03T00:00:00", "s")  # a Monday
CENTRE = (52.37, 4.90)  # degrees
KM_PER_DEGREE_LAT = 111.2
N_NEIGHBOURHOODS = 8
DAY = 86_400

# Category: (share of places, opening hour, closing hour, hours when it suits, price level).
CATEGORIES: dict[str, tuple[float, int, int, tuple[int, ...], int]] = {
    "cafe": (0.16, 7, 18, (7, 8, 9, 10, 15, 16), 1),
    "bakery": (0.07, 6, 17, (6, 7, 8, 9, 10), 1),
    "restaurant": (0.18, 11, 23, (12, 13, 18, 19, 20, 21), 3),
    "bar": (0.12, 16, 26, (17, 18, 21, 22, 23, 24), 2),
    "grocery": (0.1, 8, 22, (9, 10, 17, 18, 19), 1),
    "gym": (0.06, 6, 23, (6, 7, 18, 19, 20), 2),
    "park": (0.08, 0, 24, (10, 11, 12, 13, 14, 15, 16, 17), 0),
    "museum": (0.06, 10, 18, (10, 11, 13, 14, 15), 2),
    "cinema": (0.05, 13, 24, (19, 20, 21, 22), 2),
    "shop": (0.12, 10, 19, (11, 12, 13, 14, 15, 16, 17), 2),
}
# Hours people go out, by routine slot: (weight on weekdays, weight at weekends).
HOUR_WEIGHTS = np.array([0.1, 0.05, 0.02, 0.01, 0.01, 0.02, 0.2, 0.9, 1.0, 0.6, 0.5, 0.6, 1.1, 1.0, 0.6, 0.6,
                         0.7, 1.0, 1.2, 1.2, 1.0, 0.8, 0.6, 0.3])
VISITS_PER_DAY = 0.7
HABIT_LIMIT = 12
# Newcomers move to the city during the last weeks: little or no history at the cut-off.
NEWCOMER_SHARE = 0.1


def load(seed: int, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """The synthetic source: ``N_PLACES`` places and ``N_USERS`` people (each times ``scale``)
    and their visits over ``N_WEEKS`` weeks, with random ids.

    Returns
    -------
    dict of str to DataFrame
        ``places`` (place_id, name, category, latitude, longitude, price_level, rating,
        opens, closes: hours, ``closes`` past 24 for after midnight), ``users`` (user_id,
        home_latitude, home_longitude, work_latitude, work_longitude) and ``visits``
        (user_id, place_id, visit_time, UTC ``datetime64[s]``).
    """
    n_places, n_users = max(60, round(N_PLACES * scale)), max(100, round(N_USERS * scale))
    tables = generate(n_places, n_users, seed)
    rng = np.random.default_rng([seed, 1])
    place_ids = fresh_ids(n_places, "P-", rng)
    user_ids = fresh_ids(n_users, "U-", rng)
    places = tables["places"].assign(place_id=place_ids[tables["places"]["place_id"].to_numpy()])
    users = tables["users"].assign(user_id=user_ids[tables["users"]["user_id"].to_numpy()])
    visits = tables["visits"].assign(user_id=user_ids[tables["visits"]["user_id"].to_numpy()],
                                     place_id=place_ids[tables["visits"]["place_id"].to_numpy()])
    return {"places": places, "users": users, "visits": visits}


def to_degrees(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kilometres east and north of the centre, as latitude and longitude."""
    lat = CENTRE[0] + xy[:, 1] / KM_PER_DEGREE_LAT
    lon = CENTRE[1] + xy[:, 0] / (KM_PER_DEGREE_LAT * np.cos(np.radians(CENTRE[0])))
    return lat.round(5), lon.round(5)


def generate(n_places: int, n_users: int, seed: int) -> dict[str, pd.DataFrame]:
    """Generate the places, the people and their visits (integer ids).

    Parameters
    ----------
    n_places, n_users : int
        Sizes of the city.
    seed : int
        Seed of the only random generator used; the same seed gives identical output.
    """
    rng = np.random.default_rng(seed)
    names = list(CATEGORIES)
    hoods = rng.normal(0, 3.0, (N_NEIGHBOURHOODS, 2))
    share = np.array([CATEGORIES[name][0] for name in names])
    category = rng.choice(len(names), n_places, p=share / share.sum())
    place_xy = hoods[rng.integers(0, N_NEIGHBOURHOODS, n_places)] + rng.normal(0, 1.0, (n_places, 2))
    opens = np.array([CATEGORIES[name][1] for name in names])[category] + rng.integers(-1, 2, n_places)
    closes = np.array([CATEGORIES[name][2] for name in names])[category] + rng.integers(-1, 2, n_places)
    opens, closes = np.clip(opens, 0, 23), np.clip(closes, opens + 4, 28)
    always = np.array([CATEGORIES[name][1] == 0 for name in names])[category]
    opens, closes = np.where(always, 0, opens), np.where(always, 24, closes)
    rating = np.clip(rng.normal(4.1, 0.35, n_places), 2.5, 5.0).round(1)
    popularity = rng.lognormal(0, 0.8, n_places)
    price = np.clip(np.array([CATEGORIES[name][4] for name in names])[category] + rng.integers(-1, 2, n_places), 0, 4)
    suits = np.zeros((len(names), 25))
    for code, name in enumerate(names):
        suits[code, list(CATEGORIES[name][3])] = 1.0
    suits[:, 24] = suits[:, 0]

    home_hood = rng.integers(0, N_NEIGHBOURHOODS, n_users)
    home = hoods[home_hood] + rng.normal(0, 1.0, (n_users, 2))
    work = hoods[rng.integers(0, N_NEIGHBOURHOODS, n_users)] + rng.normal(0, 1.0, (n_users, 2))
    taste = rng.dirichlet(np.full(len(names), 0.6), n_users)
    explore = rng.beta(1.5, 6.0, n_users)
    activity = rng.lognormal(0, 0.5, n_users)
    hour_taste = rng.dirichlet(HOUR_WEIGHTS * 6, n_users)
    arrival = np.where(rng.random(n_users) < NEWCOMER_SHARE, rng.integers((N_WEEKS - 3) * 7, N_WEEKS * 7, n_users), 0)
    habits = np.zeros((n_users, n_places), dtype=np.float32)

    user_list, place_list, time_list = [], [], []
    for day in range(N_WEEKS * 7):
        weekend = day % 7 >= 5
        going = rng.poisson(VISITS_PER_DAY * activity * (1.2 if weekend else 1.0)) * (arrival <= day)
        user = np.repeat(np.arange(n_users), going)
        if user.size == 0:
            continue
        cdf = np.cumsum(hour_taste[user], axis=1)
        hour = np.minimum((cdf < rng.random(user.size)[:, None]).sum(axis=1), 23)
        at_work = ~weekend & (hour >= 9) & (hour < 17)
        where = np.where(at_work[:, None], work[user], home[user]) + rng.normal(0, 0.3, (user.size, 2))
        open_now = _open(opens, closes, hour)
        distance = np.sqrt(((where[:, None, :] - place_xy[None, :, :]) ** 2).sum(axis=2))
        logits = (-distance / 0.9 + 1.6 * np.log(taste[user][:, category] + 0.02) + 1.2 * suits[category][:, hour].T
                  + 0.8 * (rating - 4.0)[None, :] + 0.6 * np.log(popularity)[None, :])
        known = habits[user]
        new = rng.random(user.size) < np.where(known.sum(axis=1) > 0, explore[user], 1.0)
        logits = np.where(new[:, None], logits - 8.0 * (known > 0), logits + 2.2 * np.log1p(known) - 3.0 * (known == 0))
        logits = np.where(open_now, logits, -np.inf)
        weights = np.exp(logits - logits.max(axis=1, keepdims=True))
        cumulative = np.cumsum(weights, axis=1)
        draw = rng.random(user.size)[:, None] * cumulative[:, -1:]
        place = np.minimum((cumulative < draw).sum(axis=1), n_places - 1)
        np.add.at(habits, (user, place), 1.0)
        # A person keeps a bounded set of habits: the weakest fade when there are too many.
        people = np.unique(user)
        crowded = people[(habits[people] > 0).sum(axis=1) > HABIT_LIMIT]
        weakest = np.argmin(np.where(habits[crowded] > 0, habits[crowded], np.inf), axis=1)
        habits[crowded, weakest] = 0.0
        seconds = day * DAY + hour * 3_600 + rng.integers(0, 3_600, user.size)
        user_list.append(user)
        place_list.append(place)
        time_list.append(seconds)

    visits = pd.DataFrame({"user_id": np.concatenate(user_list), "place_id": np.concatenate(place_list),
                           "seconds": np.concatenate(time_list)})
    visits = visits.sort_values(["seconds", "user_id"], kind="stable", ignore_index=True)
    lat, lon = to_degrees(place_xy)
    home_lat, home_lon = to_degrees(home)
    work_lat, work_lon = to_degrees(work)
    return {
        "places": pd.DataFrame({"place_id": np.arange(n_places), "name": _names(category, names, rng),
                                "category": np.array(names)[category], "latitude": lat, "longitude": lon,
                                "price_level": price, "rating": rating, "opens": opens, "closes": closes}),
        "users": pd.DataFrame({"user_id": np.arange(n_users), "home_latitude": home_lat, "home_longitude": home_lon,
                               "work_latitude": work_lat, "work_longitude": work_lon}),
        "visits": pd.DataFrame({"user_id": visits["user_id"], "place_id": visits["place_id"],
                                "visit_time": START + visits["seconds"].to_numpy().astype("timedelta64[s]")}),
    }


def _open(opens: np.ndarray, closes: np.ndarray, hour: np.ndarray) -> np.ndarray:
    """Whether each place is open at each hour: ``(len(hour), n_places)``; a closing hour past
    24 means after midnight."""
    hour = hour[:, None]
    return ((hour >= opens) & (hour < closes)) | (hour + 24 < closes)


def _names(category: np.ndarray, names: list[str], rng: np.random.Generator) -> np.ndarray:
    first = ("Golden", "Little", "Blue", "Corner", "Old", "Green", "Canal", "North", "Royal", "Happy", "Red", "Oak")
    picks = rng.integers(0, len(first), category.size)
    return np.array([f"{first[pick]} {names[code].title()} {index}" for index, (pick, code)
                     in enumerate(zip(picks, category, strict=True))])
