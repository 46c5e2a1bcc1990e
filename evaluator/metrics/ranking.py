"""Top-k ranking metrics, vectorised over users, with binary relevance.

Every metric here is computed per user, so that a score is the mean over users and a
bootstrap resample is a weighted mean (``weights @ values / weights.sum(1)``). The input is
integer-coded:

* ``recommended``: a ``(n_users, K)`` matrix whose row ``u`` is user ``u``'s list, best
  first; slots past the end of a shorter list hold the sentinel ``n_items``;
* :class:`RelevantSets`: each user's held-out relevant items.

:func:`hit_matrix` turns both into a ``(n_users, K)`` boolean matrix (``hits[u, r]`` is
True when the item at rank ``r + 1`` is relevant to ``u``), and every accuracy metric is a
few vectorised operations on it.

Conventions, shared with the tests against ranx:

* users without any held-out relevant item are not evaluated: they are left out of the
  truth, so they are in no mean (ranx scores them 0 and averages over them);
* ``k`` cuts the list at ``k``; a list shorter than ``k`` simply has fewer hits;
* the ideal DCG is truncated at ``min(k, |relevant|)`` (a user with 3 relevant items can
  reach NDCG@10 = 1);
* average precision at ``k`` is normalised by ``min(k, |relevant|)``, so that a perfect
  list scores 1 whatever the number of relevant items (ranx divides by ``|relevant|``);
* MRR looks at the whole submitted list (up to 100 items), with no cut-off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The lookup table of one block of users holds at most this many cells (bytes), which keeps
# it in the CPU cache while the block's lists are looked up.
_TABLE_CELLS = 1 << 22


@dataclass(frozen=True)
class RelevantSets:
    """Each user's relevant items, grouped by user (compressed sparse rows).

    User ``u``'s relevant item codes are ``items[indptr[u]:indptr[u + 1]]``.
    """

    indptr: np.ndarray
    items: np.ndarray

    @property
    def n_users(self) -> int:
        return self.indptr.size - 1

    @property
    def counts(self) -> np.ndarray:
        """How many relevant items each user has."""
        return np.diff(self.indptr)

    @property
    def users(self) -> np.ndarray:
        """The user code of every entry of ``items``."""
        return np.repeat(np.arange(self.n_users), self.counts)

    def subset(self, mask: np.ndarray) -> RelevantSets:
        """The relevant items of the users where ``mask`` is True, in the same order.

        Examples
        --------
        >>> sets = RelevantSets(indptr=np.array([0, 1, 3]), items=np.array([3, 7, 5]))
        >>> kept = sets.subset(np.array([False, True]))
        >>> kept.indptr.tolist(), kept.items.tolist()
        ([0, 2], [7, 5])
        """
        counts = self.counts[mask]
        indptr = np.zeros(counts.size + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return RelevantSets(indptr=indptr, items=self.items[np.repeat(mask, self.counts)])

    @classmethod
    def from_pairs(cls, users: np.ndarray, items: np.ndarray, n_users: int) -> RelevantSets:
        """Group ``(user code, item code)`` pairs by user.

        Examples
        --------
        >>> sets = RelevantSets.from_pairs(np.array([1, 0, 1]), np.array([7, 3, 5]), n_users=2)
        >>> sets.indptr.tolist(), sets.items.tolist()
        ([0, 1, 3], [3, 7, 5])
        """
        order = np.argsort(users, kind="stable")
        indptr = np.zeros(n_users + 1, dtype=np.int64)
        np.cumsum(np.bincount(users, minlength=n_users), out=indptr[1:])
        return cls(indptr=indptr, items=np.asarray(items)[order])


def hit_matrix(recommended: np.ndarray, relevant: RelevantSets, n_items: int) -> np.ndarray:
    """Which recommended items are relevant: ``hits[u, r]`` for the item at rank ``r + 1``.

    Users are processed in blocks: a block's relevant items are marked in a small
    ``(block users, n_items + 1)`` boolean table, its lists are looked up in the table, and
    the marks are cleared. The last column stands for the empty-slot sentinel ``n_items`` and
    is never marked. Cost: one write per relevant item and one read per list slot.

    Parameters
    ----------
    recommended : ndarray of int, shape (n_users, K)
        Item codes in ``0..n_items - 1``, or ``n_items`` for an empty slot.
    relevant : RelevantSets
        For the same ``n_users`` users.
    n_items : int
        Size of the catalogue.

    Returns
    -------
    ndarray of bool, shape (n_users, K)

    Examples
    --------
    >>> relevant = RelevantSets.from_pairs(np.array([0, 0, 1]), np.array([2, 0, 1]), n_users=2)
    >>> hit_matrix(np.array([[0, 1, 2], [1, 3, 3]]), relevant, n_items=3).astype(int).tolist()
    [[1, 0, 1], [1, 0, 0]]
    """
    n_users, depth = recommended.shape
    width = n_items + 1
    block = max(1, min(n_users, _TABLE_CELLS // width))
    table = np.zeros(block * width, dtype=bool)
    row_offsets = (np.arange(block, dtype=np.int64) * width)[:, None]
    relevant_users = relevant.users
    hits = np.empty((n_users, depth), dtype=bool)
    for start in range(0, n_users, block):
        stop = min(start + block, n_users)
        low, high = relevant.indptr[start], relevant.indptr[stop]
        marks = (relevant_users[low:high] - start) * width + relevant.items[low:high]
        table[marks] = True
        hits[start:stop] = table[row_offsets[: stop - start] + recommended[start:stop]]
        table[marks] = False
    return hits


def discounts(depth: int) -> np.ndarray:
    """The DCG position discounts ``1 / log2(r + 1)`` for ranks ``r = 1..depth``.

    Examples
    --------
    >>> discounts(3).round(4).tolist()
    [1.0, 0.6309, 0.5]
    """
    return 1.0 / np.log2(np.arange(2, depth + 2))


def ndcg_at_k(hits: np.ndarray, n_relevant: np.ndarray, k: int) -> np.ndarray:
    r"""Normalised discounted cumulative gain at ``k``, per user (binary gains).

    .. math::

        \mathrm{DCG@k}(u) = \sum_{r=1}^{k} \frac{\mathrm{hit}_u(r)}{\log_2(r + 1)}, \qquad
        \mathrm{NDCG@k}(u) = \frac{\mathrm{DCG@k}(u)}
                                  {\sum_{r=1}^{\min(k, |R_u|)} 1 / \log_2(r + 1)}

    where :math:`R_u` is the user's relevant set: the ideal list puts all of them first.

    Examples
    --------
    >>> hits = np.array([[False, True, False], [True, False, False]])
    >>> ndcg_at_k(hits, np.array([1, 2]), k=3).round(4).tolist()
    [0.6309, 0.6131]
    """
    weights = discounts(k)
    dcg = hits[:, :k] @ weights[: min(k, hits.shape[1])]
    ideal = np.cumsum(weights)[np.minimum(n_relevant, k) - 1]
    return dcg / ideal


def average_precision_at_k(hits: np.ndarray, n_relevant: np.ndarray, k: int) -> np.ndarray:
    r"""Average precision at ``k``, per user, normalised by ``min(k, |R_u|)``.

    .. math::

        \mathrm{AP@k}(u) = \frac{1}{\min(k, |R_u|)} \sum_{r=1}^{k} \mathrm{hit}_u(r)\,
                           \frac{\sum_{s=1}^{r} \mathrm{hit}_u(s)}{r}

    The mean over users is MAP@k.

    Examples
    --------
    >>> hits = np.array([[True, False, True], [False, True, False]])
    >>> average_precision_at_k(hits, np.array([2, 5]), k=3).round(4).tolist()
    [0.8333, 0.1667]
    """
    top = hits[:, :k]
    precision = np.cumsum(top, axis=1) / np.arange(1, top.shape[1] + 1)
    return (precision * top).sum(axis=1) / np.minimum(n_relevant, k)


def recall_at_k(hits: np.ndarray, n_relevant: np.ndarray, k: int) -> np.ndarray:
    r"""Share of the user's relevant items found in the top ``k``:
    :math:`\mathrm{recall@k}(u) = |\mathrm{top}_k(u) \cap R_u| / |R_u|`.

    Examples
    --------
    >>> recall_at_k(np.array([[True, False, True]]), np.array([4]), k=2).tolist()
    [0.25]
    """
    return hits[:, :k].sum(axis=1) / n_relevant


def precision_at_k(hits: np.ndarray, k: int) -> np.ndarray:
    r"""Share of the top ``k`` slots that hold a relevant item:
    :math:`\mathrm{precision@k}(u) = |\mathrm{top}_k(u) \cap R_u| / k` (an empty slot counts
    as a miss).

    Examples
    --------
    >>> precision_at_k(np.array([[True, False, True]]), k=2).tolist()
    [0.5]
    """
    return hits[:, :k].sum(axis=1) / k


def hit_rate_at_k(hits: np.ndarray, k: int) -> np.ndarray:
    r"""1 when at least one relevant item is in the top ``k``, else 0:
    :math:`\mathrm{hit@k}(u) = [\,|\mathrm{top}_k(u) \cap R_u| > 0\,]`.

    Examples
    --------
    >>> hit_rate_at_k(np.array([[False, True], [False, False]]), k=2).tolist()
    [1.0, 0.0]
    """
    return np.asarray(hits[:, :k].any(axis=1), dtype=np.float64)


def reciprocal_rank(hits: np.ndarray) -> np.ndarray:
    r"""One over the rank of the first relevant item in the whole list, 0 when there is none:
    :math:`\mathrm{RR}(u) = 1 / \min\{r : \mathrm{hit}_u(r)\}`. The mean over users is MRR.

    Examples
    --------
    >>> reciprocal_rank(np.array([[False, False, True], [False, False, False]])).round(4).tolist()
    [0.3333, 0.0]
    """
    first = hits.argmax(axis=1)
    return np.where(hits.any(axis=1), 1.0 / (first + 1), 0.0)


def catalog_coverage(recommended: np.ndarray, n_items: int, k: int) -> float:
    r"""Share of the catalogue that appears in at least one user's top ``k``:
    :math:`|\bigcup_u \mathrm{top}_k(u)| / n_\mathrm{items}`.

    Examples
    --------
    >>> catalog_coverage(np.array([[0, 1], [1, 4]]), n_items=4, k=2)
    0.5
    """
    shown = np.bincount(recommended[:, :k].ravel(), minlength=n_items + 1)[:n_items]
    return float(np.count_nonzero(shown) / n_items)


def long_tail_share_at_k(recommended: np.ndarray, n_items: int, n_head: int, k: int) -> np.ndarray:
    r"""Share of the user's top ``k`` that comes from the long tail, per user.

    Item codes are ordered by popularity, so the ``n_head`` most popular items are the codes
    ``0..n_head - 1`` and the rest are the long tail:

    .. math:: \mathrm{LT@k}(u) = |\{i \in \mathrm{top}_k(u) : i \ge n_\mathrm{head}\}|
                                / |\mathrm{top}_k(u)|

    The mean over users is the "average percentage of long-tail items" (APLT) of
    Abdollahpouri et al. (2019), a measure of popularity bias: 0 means only head items. A user
    with an empty list has no value (NaN).

    Examples
    --------
    >>> long_tail_share_at_k(np.array([[0, 7, 9], [1, 9, 9]]), n_items=9, n_head=2, k=3).tolist()
    [0.5, 0.0]
    """
    top = recommended[:, :k]
    listed = (top < n_items).sum(axis=1)
    tail = ((top >= n_head) & (top < n_items)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(listed > 0, tail / listed, np.nan)
