"""Seeded synthetic shop activity for Larder & Loom, an online shop: the case's offline source.

About 5,000 products in a two-level category tree (department > category), each with a brand
and a price; about 20,000 customers; about a million view, add-to-cart and purchase events
over 90 days. Everything is drawn with numpy in whole arrays, so a million events take a
couple of seconds.

How a customer's events come about:

* **sessions.** A customer visits on days drawn from the shop's daily traffic (weekends are
  busier, traffic grows over the quarter, a sale weekend spikes it), from the day they signed
  up; a quarter of the customers sign up during the 90 days, so some have little history.
* **what a session starts from** (its anchor item), one of:

  - taste (``TASTE_SHARE``): a latent-factor model, a user vector times an item vector, plus
    the customer's affinity for the item's category and the item's base popularity;
  - what is popular that week (``TREND_SHARE``): the item's base popularity (a long tail),
    its trend (some items rise, some fade), and a launch boost for new products, which
    appear during the quarter and cannot be seen before their launch day;

* **browsing**: a session goes on to more items, mostly of the anchor's category or close to
  it in the latent space, which is what makes items co-occur;
* **add to cart and purchase**: likelier for items that fit the customer's taste, less
  likely for expensive ones;
* **coming back**: customers re-view items they looked at days before, and rebuy consumables
  (coffee, pet food, printer ink...) every few weeks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.cases.prepared import fresh_ids

N_ITEMS = 5_000
N_USERS = 20_000
N_DAYS = 90
START = np.datetime64("2025-03-03T00:00:00", "s")  # a Monday
DIM = 12
# Mean sessions per customer over the whole quarter (customers differ a lot: lognormal).
MEAN_SESSIONS = 6.0
# What a session's anchor item is drawn from; the rest of the sessions follow the week's trend.
TASTE_SHARE = 0.6
TREND_SHARE = 1.0 - TASTE_SHARE
# Given the anchor, each further view in the session stays in its category, goes to a close
# item in the latent space, or follows the customer's taste again.
BROWSE_SAME_CATEGORY, BROWSE_NEIGHBOUR = 0.5, 0.3
NEIGHBOURS = 20
# Chance that a session ends after each view (a geometric number of views, mean 1 / this).
SESSION_STOP = 0.16
# Chance that a view is followed by another view of the same item a few days later.
REVIEW_RATE = 0.18
# Chance that a consumable purchase is bought again, after about REBUY_DAYS days.
REBUY_RATE = 0.55
REBUY_DAYS = 18.0
NEW_USER_SHARE = 0.25
NEW_ITEM_SHARE = 0.12
SALE_DAYS = (60, 61, 62)

# Department -> its categories, each (name, consumable, typical price in EUR).
CATALOGUE_TREE: dict[str, tuple[tuple[str, bool, float], ...]] = {
    "Electronics": (("Phones", False, 380), ("Laptops", False, 900), ("Headphones", False, 90),
                    ("Cameras", False, 450), ("Smart home", False, 70), ("Cables & chargers", True, 15)),
    "Home & Kitchen": (("Cookware", False, 45), ("Small appliances", False, 80), ("Bedding", False, 55),
                       ("Storage", False, 25), ("Decor", False, 30), ("Cleaning supplies", True, 8)),
    "Grocery": (("Coffee & tea", True, 12), ("Snacks", True, 5), ("Pantry", True, 6), ("Drinks", True, 4)),
    "Beauty": (("Skincare", True, 22), ("Hair care", True, 12), ("Makeup", True, 18), ("Fragrance", False, 60)),
    "Sports & Outdoors": (("Fitness", False, 40), ("Cycling", False, 120), ("Camping", False, 75),
                          ("Running", False, 85)),
    "Toys & Baby": (("Toys", False, 25), ("Board games", False, 32), ("Baby care", True, 14),
                    ("Nappies", True, 20)),
    "Pets": (("Dog food", True, 30), ("Cat food", True, 24), ("Pet toys", False, 10)),
    "Books & Media": (("Fiction", False, 14), ("Non-fiction", False, 18), ("Children's books", False, 9),
                      ("Music", False, 16)),
    "Fashion": (("Women", False, 45), ("Men", False, 42), ("Shoes", False, 70), ("Accessories", False, 28)),
    "Office": (("Printer ink", True, 28), ("Stationery", True, 7), ("Desk & chair", False, 150)),
}
EVENTS = ("view", "add_to_cart", "purchase")
_SYLLABLES = ("al", "bra", "cor", "del", "ver", "nor", "vik", "lum", "tes", "ora", "fen", "mar", "quo", "zen",
              "pax", "ri", "sol", "tum", "ka", "lo", "min", "sy", "dra", "bel")


def load(seed: int, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """The synthetic source: ``N_ITEMS`` products, ``N_USERS`` customers, their events, each
    count times ``scale``.

    Customers and products get random ids (``U-...``, ``P-...``) that say nothing about them.

    Returns
    -------
    dict of str to DataFrame
        ``events``: ``user_id``, ``item_id``, ``event``, ``timestamp``; ``items``: ``item_id``,
        ``department``, ``category``, ``brand``, ``price`` (see :func:`generate`).
    """
    n_users, n_items = round(N_USERS * scale), round(N_ITEMS * scale)
    tables = generate(n_users, n_items, seed)
    rng = np.random.default_rng([seed, 1])
    user_ids = fresh_ids(n_users, "U-", rng)
    item_ids = fresh_ids(n_items, "P-", rng)
    events, items = tables["events"], tables["items"]
    events = events.assign(user=user_ids[events["user"].to_numpy()], item=item_ids[events["item"].to_numpy()])
    items = items.assign(item=item_ids[items["item"].to_numpy()])
    return {"events": events.rename(columns={"user": "user_id", "item": "item_id"}),
            "items": items.rename(columns={"item": "item_id"})}


def generate(n_users: int, n_items: int, seed: int) -> dict[str, pd.DataFrame]:
    """Generate a shop's catalogue and its customers' events.

    Parameters
    ----------
    n_users, n_items : int
        Customers and products.
    seed : int
        Seed of the only random generator used; the same seed gives identical output.

    Returns
    -------
    dict of str to DataFrame
        ``events``: ``user`` and ``item`` (integer codes), ``event`` (view, add_to_cart,
        purchase) and ``timestamp`` (datetime64[s], UTC), ordered by time. ``items``: ``item``,
        ``department``, ``category``, ``brand``, ``price``.
    """
    rng = np.random.default_rng(seed)
    catalogue = _Catalogue(n_items, rng)
    customers = _Customers(n_users, catalogue, rng)
    sessions = _sessions(customers, rng)
    views = _browse(sessions, customers, catalogue, rng)
    views = _revisits(views, rng)
    events = _carts_and_purchases(views, customers, catalogue, rng)
    events = _rebuys(events, catalogue, rng)
    events = events[events["timestamp"] < N_DAYS * 86_400]
    events = events.sort_values(["timestamp", "user", "item", "event"], kind="stable", ignore_index=True)
    events["event"] = pd.Categorical.from_codes(events["event"], EVENTS)
    events["timestamp"] = START + events["timestamp"].to_numpy().astype("timedelta64[s]")
    return {"events": events[["user", "item", "event", "timestamp"]], "items": catalogue.table}


class _Catalogue:
    """Products as arrays: category, latent vector, popularity, launch day, neighbours."""

    def __init__(self, n_items: int, rng: np.random.Generator) -> None:
        categories = [(department, name, consumable, price)
                      for department, children in CATALOGUE_TREE.items()
                      for name, consumable, price in children]
        self.n_categories = len(categories)
        self.n_items = n_items
        category_size = rng.dirichlet(np.full(self.n_categories, 4.0))
        self.category = np.sort(rng.choice(self.n_categories, size=n_items, p=category_size))
        self.consumable = np.array([c[2] for c in categories])[self.category]
        department_of = np.array([list(CATALOGUE_TREE).index(c[0]) for c in categories])

        # Items of one category share a centre in taste space; departments pull their
        # categories together, so neighbours cross category lines within a department.
        department_centre = rng.normal(0, 1, (len(CATALOGUE_TREE), DIM))
        category_centre = department_centre[department_of] + rng.normal(0, 0.7, (self.n_categories, DIM))
        self.category_centre = category_centre
        self.vector = category_centre[self.category] + rng.normal(0, 0.6, (n_items, DIM))
        self.vector = (self.vector / np.linalg.norm(self.vector, axis=1, keepdims=True)).astype(np.float32)

        # Brands: each department has a dozen, of very unequal standing.
        brand_names = _brand_names(12 * len(CATALOGUE_TREE), rng)
        brand_pull = rng.zipf(1.6, len(brand_names)).clip(max=40).astype(float)
        department = department_of[self.category]
        brand = 12 * department + rng.integers(0, 12, n_items)
        self.log_popularity = rng.normal(0, 1.25, n_items) + 0.35 * np.log(brand_pull[brand])
        self.trend = rng.normal(0, 0.9, n_items)  # change in log-popularity over the quarter
        new = rng.random(n_items) < NEW_ITEM_SHARE
        self.launch_day = np.where(new, rng.integers(1, N_DAYS, n_items), 0)
        price = np.array([c[3] for c in categories])[self.category] * np.exp(rng.normal(0, 0.45, n_items))
        self.price = price.round(2).clip(min=0.99)
        self.by_category_start = np.searchsorted(self.category, np.arange(self.n_categories + 1))
        self.neighbours = _nearest(self.vector, department, NEIGHBOURS)
        self.table = pd.DataFrame({
            "item": np.arange(n_items),
            "department": np.array([c[0] for c in categories])[self.category],
            "category": np.array([c[1] for c in categories])[self.category],
            "brand": np.array(brand_names)[brand],
            "price": self.price,
        })

    def weekly_log_popularity(self, week: np.ndarray) -> np.ndarray:
        """Log-popularity of every item in each week: base, trend, launch boost, not before launch."""
        days = (np.asarray(week)[:, None] * 7 + 3.5).astype(float)
        since_launch = days - self.launch_day
        value = self.log_popularity + self.trend * (days / N_DAYS - 0.5)
        value = value + 1.5 * np.exp(-np.clip(since_launch, 0, None) / 10.0)
        return np.where(since_launch >= 0, value, -np.inf)


def _brand_names(n: int, rng: np.random.Generator) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        parts = rng.choice(_SYLLABLES, size=rng.integers(2, 4))
        name = "".join(parts).capitalize()
        if name not in names:
            names.append(name)
    return names


def _nearest(vectors: np.ndarray, department: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` nearest other items of every item of the same department, by cosine."""
    result = np.empty((len(vectors), k), dtype=np.int64)
    for members in (np.flatnonzero(department == d) for d in np.unique(department)):
        similarity = vectors[members] @ vectors[members].T
        np.fill_diagonal(similarity, -np.inf)
        # A department smaller than k + 1 items repeats its neighbours to fill the row.
        available = max(1, min(k, members.size - 1))
        nearest = np.argpartition(-similarity, available - 1, axis=1)[:, :available]
        result[members] = members[nearest[:, np.arange(k) % available]]
    return result


class _Customers:
    """Customers as arrays: taste vector, category affinity, activity, sign-up day."""

    def __init__(self, n_users: int, catalogue: _Catalogue, rng: np.random.Generator) -> None:
        self.n_users = n_users
        # Each customer leans towards two categories' centres, plus an individual twist.
        favourite = rng.integers(0, catalogue.n_categories, (n_users, 2))
        self.vector = (catalogue.category_centre[favourite].mean(axis=1)
                       + rng.normal(0, 0.8, (n_users, DIM))).astype(np.float32)
        self.affinity = rng.normal(0, 0.6, (n_users, catalogue.n_categories)).astype(np.float32)
        np.add.at(self.affinity, (np.repeat(np.arange(n_users), 2), favourite.ravel()), 1.6)
        self.activity = rng.lognormal(0, 0.9, n_users)
        self.activity *= MEAN_SESSIONS / self.activity.mean()
        new = rng.random(n_users) < NEW_USER_SHARE
        self.signup_day = np.where(new, rng.integers(1, N_DAYS, n_users), 0)
        # How price-conscious each customer is.
        self.thrift = rng.normal(0.5, 0.25, n_users).clip(0, 1).astype(np.float32)


def _daily_traffic() -> np.ndarray:
    day = np.arange(N_DAYS)
    weekday = day % 7
    traffic = (1.0 + 0.25 * (weekday >= 5)) * (1.0 + 0.25 * day / N_DAYS)
    traffic[list(SALE_DAYS)] *= 1.8
    return traffic


def _sessions(customers: _Customers, rng: np.random.Generator) -> pd.DataFrame:
    """Every session: its customer and its start time (seconds since ``START``)."""
    traffic = _daily_traffic()
    cdf = np.concatenate([[0.0], np.cumsum(traffic) / traffic.sum()])
    # A customer who signs up on day d only gets the traffic share of days d.. onwards.
    remaining = 1.0 - cdf[customers.signup_day]
    counts = rng.poisson(customers.activity * remaining)
    counts[customers.signup_day > 0] += 1  # a sign-up visit
    user = np.repeat(np.arange(customers.n_users), counts)
    low = cdf[customers.signup_day][user]
    draw = low + rng.random(user.size) * (1.0 - low)
    day = np.searchsorted(cdf, draw, side="right") - 1
    # Evenings are busier than nights.
    hour = rng.choice(24, size=user.size, p=_hour_weights())
    seconds = day * 86_400 + hour * 3_600 + rng.integers(0, 3_600, user.size)
    return pd.DataFrame({"user": user, "start": seconds, "day": day})


def _hour_weights() -> np.ndarray:
    hours = np.arange(24)
    weights = 0.3 + np.exp(-((hours - 20) ** 2) / 12.0) + 0.6 * np.exp(-((hours - 12) ** 2) / 8.0)
    return weights / weights.sum()


def _browse(sessions: pd.DataFrame, customers: _Customers, catalogue: _Catalogue,
            rng: np.random.Generator) -> pd.DataFrame:
    """The views of every session: an anchor item, then items browsed from it."""
    n = len(sessions)
    user = sessions["user"].to_numpy()
    week = sessions["day"].to_numpy() // 7
    by_taste = rng.random(n) < TASTE_SHARE
    anchor = _from_trend(week, catalogue, rng)

    length = np.minimum(rng.geometric(SESSION_STOP, n), 15)
    session = np.repeat(np.arange(n), length)
    step = np.arange(session.size) - np.repeat(np.cumsum(length) - length, length)
    follow = step > 0
    choice = rng.random(session.size)
    same_category = follow & (choice < BROWSE_SAME_CATEGORY)
    neighbour = follow & ~same_category & (choice < BROWSE_SAME_CATEGORY + BROWSE_NEIGHBOUR)
    taste = follow & ~same_category & ~neighbour
    # All draws from taste at once: the anchors of taste sessions, and taste-led browsing.
    tasted = _from_taste(np.concatenate([user[by_taste], user[session[taste]]]), customers, catalogue, rng)
    anchor[by_taste] = tasted[: by_taste.sum()]
    item = anchor[session]
    item[taste] = tasted[by_taste.sum():]
    item[same_category] = _in_category(catalogue.category[item[same_category]], catalogue, rng)
    item[neighbour] = catalogue.neighbours[item[neighbour], rng.integers(0, NEIGHBOURS, neighbour.sum())]

    seconds = sessions["start"].to_numpy()[session] + step * rng.integers(20, 240, session.size)
    # Nothing is seen before its launch: such views go to what was popular that week instead.
    day = seconds // 86_400
    early = day < catalogue.launch_day[item]
    item[early] = _from_trend(day[early] // 7, catalogue, rng)
    return pd.DataFrame({"user": user[session], "item": item, "timestamp": seconds})


def _from_trend(week: np.ndarray, catalogue: _Catalogue, rng: np.random.Generator) -> np.ndarray:
    """One item per row, drawn from that week's popularity."""
    weeks = np.arange(N_DAYS // 7 + 1)
    weights = np.exp(catalogue.weekly_log_popularity(weeks))
    return _draw_rows(weights, week, rng)


def _from_taste(user: np.ndarray, customers: _Customers, catalogue: _Catalogue,
                rng: np.random.Generator) -> np.ndarray:
    """One item per row, drawn from the customer's taste: a softmax over the catalogue."""
    result = np.empty(user.size, dtype=np.int64)
    order = np.argsort(user, kind="stable")
    sorted_users = user[order]
    static = (0.8 * catalogue.log_popularity).astype(np.float32)
    price_penalty = (0.6 * np.log(catalogue.price)).astype(np.float32)
    block = 1_000
    for start in range(0, customers.n_users, block):
        low, high = np.searchsorted(sorted_users, [start, start + block])
        if low == high:
            continue
        members = np.arange(start, min(start + block, customers.n_users))
        logits = customers.vector[members] @ (2.2 * catalogue.vector.T)
        logits += customers.affinity[members][:, catalogue.category]
        logits += static
        logits -= np.outer(customers.thrift[members], price_penalty)
        weights = np.exp(logits - logits.max(axis=1, keepdims=True))
        result[order[low:high]] = _draw_rows(weights, sorted_users[low:high] - start, rng)
    return result


def _in_category(category: np.ndarray, catalogue: _Catalogue, rng: np.random.Generator) -> np.ndarray:
    """One item per row from the given category, by base popularity."""
    weights = np.exp(catalogue.log_popularity)
    start, stop = catalogue.by_category_start[category], catalogue.by_category_start[category + 1]
    cumulative = np.concatenate([[0.0], np.cumsum(weights)])
    draw = cumulative[start] + rng.random(category.size) * (cumulative[stop] - cumulative[start])
    return np.clip(np.searchsorted(cumulative, draw, side="right") - 1, start, stop - 1)


def _draw_rows(weights: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each entry of ``rows``, a column index drawn with probability proportional to
    ``weights[row]`` (inverse-CDF sampling of all draws in one search)."""
    cdf = np.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    cdf += np.arange(len(weights))[:, None]
    flat = cdf.ravel()
    position = np.searchsorted(flat, rows + rng.random(rows.size) * 0.999999, side="right")
    return np.minimum(position - rows * weights.shape[1], weights.shape[1] - 1)


def _revisits(views: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Customers come back to items they looked at: repeat views days later."""
    again = views[rng.random(len(views)) < REVIEW_RATE]
    later = again["timestamp"].to_numpy() + (rng.exponential(4.0, len(again)) * 86_400).astype(np.int64) + 3_600
    again = again.assign(timestamp=later)
    return pd.concat([views, again[later < N_DAYS * 86_400]], ignore_index=True)


def _carts_and_purchases(views: pd.DataFrame, customers: _Customers, catalogue: _Catalogue,
                         rng: np.random.Generator) -> pd.DataFrame:
    """Views, and the carts and purchases that some of them lead to (event codes 0, 1, 2)."""
    user, item = views["user"].to_numpy(), views["item"].to_numpy()
    fit = np.einsum("ij,ij->i", customers.vector[user], catalogue.vector[item])
    fit += customers.affinity[user, catalogue.category[item]]
    score = (-4.6 + 0.9 * fit - 0.5 * customers.thrift[user] * np.log(catalogue.price[item])
             + 0.8 * catalogue.consumable[item])
    carted = rng.random(len(views)) < 1.0 / (1.0 + np.exp(-score))
    bought = carted & (rng.random(len(views)) < 0.45)
    cart = views[carted].assign(timestamp=lambda f: f["timestamp"] + rng.integers(30, 600, len(f)))
    purchase = cart[bought[carted]].assign(timestamp=lambda f: f["timestamp"] + rng.integers(60, 1_800, len(f)))
    return pd.concat([views.assign(event=0), cart.assign(event=1), purchase.assign(event=2)], ignore_index=True)


def _rebuys(events: pd.DataFrame, catalogue: _Catalogue, rng: np.random.Generator) -> pd.DataFrame:
    """Consumables are bought again every few weeks: each rebuy is a view, a cart, a purchase."""
    horizon = N_DAYS * 86_400
    added = []
    bought = events[(events["event"] == 2) & catalogue.consumable[events["item"].to_numpy()]]
    while len(bought):
        bought = bought[rng.random(len(bought)) < REBUY_RATE]
        gap = (rng.normal(REBUY_DAYS, 5.0, len(bought)).clip(min=4.0) * 86_400).astype(np.int64)
        bought = bought.assign(timestamp=bought["timestamp"].to_numpy() + gap)
        bought = bought[bought["timestamp"] < horizon - 600]
        for offset, code in ((0, 0), (120, 1), (300, 2)):
            added.append(bought.assign(timestamp=bought["timestamp"] + offset, event=code))
    return pd.concat([events, *added], ignore_index=True)
