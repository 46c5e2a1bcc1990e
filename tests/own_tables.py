"""Tables as a hiring team would bring them to ``casekit case new``: the shared real datasets
reframed (a few thousand rows each, seeded samples), and generated tables with and without
planted leaks.

Each function writes its table into a folder and returns the file's path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from conftest import MIRROR

LIAR_COLUMNS = ["statement_id", "rating", "statement", "subject", "speaker", "speaker_job", "state", "party",
                "barely_true_counts", "false_counts", "half_true_counts", "mostly_true_counts", "pants_on_fire_counts",
                "context"]


def nlbse_issues(folder: Path, rows_per_label: int = 300) -> Path:
    """GitHub issues as a team's ticket export: repository, creation time, title, body, and the
    label to predict (bug, feature, question), balanced, as CSV."""
    parts = [pd.read_csv(MIRROR / "nlbse24-github-issues" / name, escapechar="\\", dtype=str, keep_default_na=False)
             for name in ("issues_train.csv", "issues_test.csv")]
    issues = pd.concat(parts, ignore_index=True)
    sample = issues.groupby("label", group_keys=False).sample(rows_per_label, random_state=1)
    # Issue bodies run long; a ticket export keeps the first few thousand characters.
    sample = sample.assign(body=sample["body"].str.slice(0, 2000))
    path = folder / "issues.csv"
    sample.sample(frac=1.0, random_state=2)[["repo", "created_at", "title", "body", "label"]].to_csv(path, index=False)
    return path


def liar_statements(folder: Path, rows: int = 1600) -> Path:
    """PolitiFact statements as a fact-checking desk's table: the statement, who said it and
    where, their record so far, and whether the statement turned out false (yes / no), as Parquet."""
    table = pd.read_csv(MIRROR / "liar" / "train.tsv", sep="\t", header=None, names=LIAR_COLUMNS, quoting=3,
                        dtype={"statement_id": str})
    table = table.sample(rows, random_state=3).reset_index(drop=True)
    table["false"] = np.where(table["rating"].isin(["pants-fire", "false", "barely-true"]), "yes", "no")
    path = folder / "statements.parquet"
    table.drop(columns=["rating"]).to_parquet(path, index=False)
    return path


def movielens_ratings(folder: Path, rows: int = 3000) -> Path:
    """Film ratings as a streaming service's table, as CSV: a rating number (a counter in time
    order), the user, the film's title, genres and year, when it was rated, what the service
    knew then (the user's and the film's ratings so far: how many, and their mean), and the
    rating to predict.

    The history columns come from all 100,836 ratings, each from the ratings before it in
    time order; the table is a seeded sample of ``rows`` of them.
    """
    ratings = pd.read_csv(MIRROR / "movielens-ml-latest-small" / "ratings.csv")
    movies = pd.read_csv(MIRROR / "movielens-ml-latest-small" / "movies.csv")
    ratings = ratings.sort_values(["timestamp", "userId", "movieId"], ignore_index=True)
    for who, key in (("user", "userId"), ("film", "movieId")):
        earlier = ratings.groupby(key)["rating"]
        ratings[f"{who}_ratings_before"] = earlier.cumcount()
        ratings[f"{who}_mean_before"] = ((earlier.cumsum() - ratings["rating"])
                                         / ratings[f"{who}_ratings_before"].replace(0, np.nan)).round(3)
    sample = ratings.sample(rows, random_state=4).sort_index().merge(movies, on="movieId", how="left")
    table = pd.DataFrame({
        "rating_id": np.arange(1, len(sample) + 1),
        "user": "u" + sample["userId"].astype(str),
        "title": sample["title"].str.replace(r"\s*\(\d{4}\)\s*$", "", regex=True),
        "genres": sample["genres"],
        "year": pd.to_numeric(sample["title"].str.extract(r"\((\d{4})\)\s*$")[0], errors="coerce").astype("Int64"),
        "rated_at": pd.to_datetime(sample["timestamp"], unit="s", utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        **{column: sample[column] for column in ("user_ratings_before", "user_mean_before", "film_ratings_before",
                                                 "film_mean_before")},
        "rating": sample["rating"],
    })
    path = folder / "ratings.csv"
    table.sample(frac=1.0, random_state=5).to_csv(path, index=False)
    return path


def customers(folder: Path, *, leaks: bool, rows: int = 800, seed: int = 1) -> Path:
    """A churn table: age, plan, usage, sign-up time, notes and whether the customer churned.

    With ``leaks``, four leaks are planted: ``churn_score`` (the target plus a little noise),
    ``record_id`` (unique per row, its first letter the label), ``closed_at`` (a date after
    the sign-up, known only once the account closed), and 60 rows entered again 200 days
    later under new ids (duplicates across a split by time).
    """
    rng = np.random.default_rng(seed)
    signed_up = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 365 * 24, rows), unit="h")
    words = np.array(["slow", "crash", "billing", "refund", "login", "password", "export", "invoice", "great", "love",
                      "cancel", "price"])
    notes = [" ".join(rng.choice(words, 6)) for _ in range(rows)]
    age = rng.integers(18, 80, rows)
    plan = rng.choice(["free", "pro", "team"], rows, p=[0.5, 0.3, 0.2])
    usage = rng.gamma(2.0, 10.0, rows)
    logit = -1 + 0.03 * (age - 50) + (plan == "free") - 0.04 * usage + 1.5 * np.array(["cancel" in n for n in notes])
    churned = np.where(rng.random(rows) < 1 / (1 + np.exp(-logit)), "yes", "no")
    table = pd.DataFrame({"customer_id": [f"C{i:05d}" for i in rng.permutation(rows)], "age": age, "plan": plan,
                          "monthly_usage": usage.round(2), "signed_up_at": signed_up.strftime("%Y-%m-%d %H:%M:%S"),
                          "notes": notes, "churned": churned})
    if leaks:
        table["churn_score"] = (table["churned"] == "yes") + rng.normal(0, 0.15, rows)
        table["record_id"] = [f"{'X' if label == 'yes' else 'K'}{i:05d}" for i, label in enumerate(churned)]
        table["closed_at"] = (signed_up + pd.to_timedelta(rng.integers(1, 90, rows), unit="D")).strftime(
            "%Y-%m-%d %H:%M:%S")
        again = table.sample(60, random_state=seed).reset_index(drop=True)
        again["customer_id"] = [f"D{i:05d}" for i in range(len(again))]
        again["record_id"] = [f"{record[0]}{9000 + i:05d}" for i, record in enumerate(again["record_id"])]
        again["signed_up_at"] = (pd.to_datetime(again["signed_up_at"]) + pd.Timedelta(days=200)).dt.strftime(
            "%Y-%m-%d %H:%M:%S")
        table = pd.concat([table, again], ignore_index=True)
    path = folder / ("leaky.csv" if leaks else "clean.csv")
    table.to_csv(path, index=False)
    return path
