"""MovieLens ml-latest-small (GroupLens): the case's real source.

100,836 ratings (0.5 to 5 stars) of 9,742 movies by 610 users, 1996 to 2018, from the
official zip at files.grouplens.org. The zip's own sha256 is pinned, and so is each file's
(their lines end in CRLF, as in the zip). A rating of 4 or more counts as a liked movie.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from casekit.cases.downloads import fetch
from casekit.cases.spec import RemoteFile

if TYPE_CHECKING:
    import pandas as pd

DATASET = "movielens-ml-latest-small"
URL = "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip"
ZIP_SHA256 = "696d65a3dfceac7c45750ad32df2c259311949efec81f0f144fdfb91ebc9e436"
FILES = (
    RemoteFile("ratings.csv", URL, "aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646",
               archive_member="ml-latest-small/ratings.csv", archive_sha256=ZIP_SHA256),
    RemoteFile("movies.csv", URL, "5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07",
               archive_member="ml-latest-small/movies.csv", archive_sha256=ZIP_SHA256),
)


def load(seed: int) -> dict[str, pd.DataFrame]:
    """The ratings and the movie catalogue (the seed is not used: the data is what it is).

    Returns
    -------
    dict of str to DataFrame
        ``ratings``: ``user_id``, ``item_id`` (text), ``rating`` (float), ``timestamp``
        (datetime64[s], UTC). ``items``: ``item_id``, ``title``, ``genres`` (pipe-separated).
    """
    import pandas as pd

    paths = fetch(DATASET, FILES)
    ratings = pd.read_csv(paths["ratings.csv"], dtype={"userId": str, "movieId": str})
    movies = pd.read_csv(paths["movies.csv"], dtype={"movieId": str}, keep_default_na=False)
    ratings = pd.DataFrame({
        "user_id": ratings["userId"],
        "item_id": ratings["movieId"],
        "rating": ratings["rating"].astype(float),
        "timestamp": pd.to_datetime(ratings["timestamp"], unit="s").astype("datetime64[s]"),
    })
    items = movies.rename(columns={"movieId": "item_id"})[["item_id", "title", "genres"]]
    return {"ratings": ratings, "items": items}
