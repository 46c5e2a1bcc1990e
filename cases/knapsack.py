"""Selection under a budget: the exact 0/1 knapsack on whole seconds, for many groups at once.

A group (a day of footage, a video) holds items (segments, clips) in time order, each with a
value and a length in whole seconds; a selection's length may not exceed the group's budget.
:func:`best_selections` finds, for every group, the selection of greatest total value, by
dynamic programming over the capacities ``0..budget``: ``O(items x budget)`` time, exact (no
greedy bound), and ties broken the same way every time (an item is taken only when it strictly
improves the value), so a seed still fixes every byte of what uses it.

With ``adjacent_penalty``, taking two neighbouring items of a group (``i - 1`` and ``i``) costs
``adjacent_penalty[i]``: a redundancy penalty between consecutive segments (two halves of the
same scene say much the same thing). The program then carries one more bit of state (whether
the previous item was taken) and stays exact.

Groups are processed side by side: step ``i`` updates item ``i`` of every group in one numpy
operation, so a season of days costs about as much as its longest day. The case baselines, the
synthetic editors and the evaluator's oracle (the best achievable importance) all use it.
"""

from __future__ import annotations

import numpy as np

_NEVER = -np.inf


def best_selection(values: np.ndarray, lengths: np.ndarray, budget: int,
                   adjacent_penalty: np.ndarray | None = None) -> np.ndarray:
    """The most valuable selection of one group's items whose lengths sum to at most ``budget``.

    Parameters
    ----------
    values : array of float, shape (n,)
        Each item's value; an item of value 0 or less is never worth taking on its own.
    lengths : array of int, shape (n,)
        Each item's length in whole seconds (at least 1).
    budget : int
        The most seconds the selection may last.
    adjacent_penalty : array of float, shape (n,), optional
        ``adjacent_penalty[i]`` is subtracted when items ``i - 1`` and ``i`` are both taken
        (``adjacent_penalty[0]`` is not used).

    Returns
    -------
    ndarray of bool, shape (n,)
        Which items are selected.

    Examples
    --------
    >>> best_selection(np.array([6.0, 10.0, 12.0]), np.array([1, 2, 3]), 5).tolist()
    [False, True, True]
    >>> best_selection(np.array([5.0, 5.0, 4.0]), np.array([1, 1, 1]), 2, np.array([0.0, 3.0, 3.0])).tolist()
    [True, False, True]
    """
    values = np.asarray(values, dtype=float)
    offsets = np.array([0, values.size])
    penalty = None if adjacent_penalty is None else np.asarray(adjacent_penalty, dtype=float)
    return best_selections(values, lengths, offsets, np.array([budget]), penalty)


def best_selections(values: np.ndarray, lengths: np.ndarray, offsets: np.ndarray, budgets: np.ndarray,
                    adjacent_penalty: np.ndarray | None = None) -> np.ndarray:
    """The most valuable selection within budget for every group, items given flat.

    Parameters
    ----------
    values, lengths : arrays, shape (n_items,)
        As in :func:`best_selection`, the items of all groups one after the other.
    offsets : array of int, shape (n_groups + 1,)
        Group ``g`` holds items ``offsets[g]:offsets[g + 1]`` (in time order).
    budgets : array of int, shape (n_groups,)
        Each group's budget in seconds.
    adjacent_penalty : array of float, shape (n_items,), optional
        The penalty for taking an item together with the one before it in its group.

    Returns
    -------
    ndarray of bool, shape (n_items,)

    Examples
    --------
    >>> best_selections(np.array([3.0, 1.0, 2.0, 2.0]), np.array([2, 1, 1, 1]), np.array([0, 2, 4]),
    ...                 np.array([2, 1])).tolist()
    [True, False, True, False]
    """
    values = np.asarray(values, dtype=float)
    lengths = np.asarray(lengths)
    offsets = np.asarray(offsets, dtype=np.int64)
    budgets = np.asarray(budgets)
    _check(values, lengths, offsets, budgets, adjacent_penalty)
    n_groups = offsets.size - 1
    sizes = np.diff(offsets)
    if n_groups == 0 or values.size == 0:
        return np.zeros(values.size, dtype=bool)
    capacity = int(budgets.max())
    depth = int(sizes.max())
    # Items laid out as (depth, n_groups); a padding slot is longer than any budget, so never taken.
    slot_group = np.repeat(np.arange(n_groups), sizes)
    slot_index = np.arange(values.size) - offsets[slot_group]
    grid_values = np.zeros((depth, n_groups))
    grid_lengths = np.full((depth, n_groups), capacity + 1, dtype=np.int64)
    grid_values[slot_index, slot_group] = values
    grid_lengths[slot_index, slot_group] = lengths
    if adjacent_penalty is None:
        taken = _plain(grid_values, grid_lengths, capacity, budgets.astype(np.int64))
    else:
        grid_penalty = np.zeros((depth, n_groups))
        grid_penalty[slot_index, slot_group] = np.asarray(adjacent_penalty, dtype=float)
        grid_penalty[0] = 0.0
        taken = _chained(grid_values, grid_lengths, grid_penalty, capacity, budgets.astype(np.int64))
    return taken[slot_index, slot_group]


def _plain(values: np.ndarray, lengths: np.ndarray, capacity: int, budgets: np.ndarray) -> np.ndarray:
    """``best[g, c]``: the best value of group ``g``'s items so far within ``c`` seconds."""
    depth, n_groups = values.shape
    if n_groups == 1:
        took = _plain_one_group(values[:, 0], lengths[:, 0], capacity)
        return _walk_back(took, lengths, budgets)
    best = np.zeros((n_groups, capacity + 1))
    columns = np.arange(capacity + 1)
    rows = np.arange(n_groups)
    took = []
    for i in range(depth):
        room = columns[None, :] - lengths[i][:, None]
        fits = room >= 0
        candidate = np.where(fits, best[rows[:, None], np.maximum(room, 0)] + values[i][:, None], _NEVER)
        better = candidate > best
        took.append(np.packbits(better, axis=1))
        best = np.where(better, candidate, best)
    return _walk_back(took, lengths, budgets)


def _plain_one_group(values: np.ndarray, lengths: np.ndarray, capacity: int) -> list[np.ndarray]:
    """:func:`_plain`'s program for a single group, by slices rather than gathers (about four
    times faster per item: one long group is the case for which the item count is large)."""
    best = np.zeros(capacity + 1)
    nothing = np.packbits(np.zeros((1, capacity + 1), dtype=bool), axis=1)
    took = []
    for value, length in zip(values, lengths, strict=True):
        if length > capacity:
            took.append(nothing)
            continue
        candidate = best[:capacity + 1 - length] + value
        better = np.zeros(capacity + 1, dtype=bool)
        better[length:] = candidate > best[length:]
        took.append(np.packbits(better[None, :], axis=1))
        np.copyto(best[length:], candidate, where=better[length:])
    return took


def _walk_back(took: list[np.ndarray], lengths: np.ndarray, budgets: np.ndarray) -> np.ndarray:
    """Which items the program took, walking back from each group's budget."""
    depth, n_groups = lengths.shape
    taken = np.zeros((depth, n_groups), dtype=bool)
    left = budgets.copy()
    for i in range(depth - 1, -1, -1):
        hit = _bit(took[i], left)
        taken[i] = hit
        left = left - np.where(hit, lengths[i], 0)
    return taken


def _chained(values: np.ndarray, lengths: np.ndarray, penalty: np.ndarray, capacity: int,
             budgets: np.ndarray) -> np.ndarray:
    """As :func:`_plain`, with a second state: whether the previous item was taken."""
    depth, n_groups = values.shape
    rows = np.arange(n_groups)
    columns = np.arange(capacity + 1)
    skipped = np.zeros((n_groups, capacity + 1))  # the previous item was not taken
    kept = np.full((n_groups, capacity + 1), _NEVER)  # the previous item was taken
    from_kept_when_skipping, from_kept_when_taking = [], []
    for i in range(depth):
        room = columns[None, :] - lengths[i][:, None]
        fits = room >= 0
        at = (rows[:, None], np.maximum(room, 0))
        after_skip = np.where(fits, skipped[at] + values[i][:, None], _NEVER)
        after_keep = np.where(fits, kept[at] + (values[i] - penalty[i])[:, None], _NEVER)
        keep_chain = after_keep > after_skip
        skip_from_kept = kept > skipped
        from_kept_when_taking.append(np.packbits(keep_chain, axis=1))
        from_kept_when_skipping.append(np.packbits(skip_from_kept, axis=1))
        skipped, kept = np.where(skip_from_kept, kept, skipped), np.where(keep_chain, after_keep, after_skip)
    taken = np.zeros((depth, n_groups), dtype=bool)
    left = budgets.copy()
    state = kept[rows, left] > skipped[rows, left]
    for i in range(depth - 1, -1, -1):
        taken[i] = state
        previous = np.where(state, _bit(from_kept_when_taking[i], left), _bit(from_kept_when_skipping[i], left))
        left = left - np.where(state, lengths[i], 0)
        state = previous
    return taken


def _bit(packed: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Bit ``columns[g]`` of row ``g`` of a bit matrix packed by :func:`numpy.packbits`."""
    byte = packed[np.arange(packed.shape[0]), columns >> 3]
    return ((byte >> (7 - (columns & 7))) & 1).astype(bool)


def _check(values: np.ndarray, lengths: np.ndarray, offsets: np.ndarray, budgets: np.ndarray,
           adjacent_penalty: np.ndarray | None) -> None:
    if lengths.shape != values.shape or (adjacent_penalty is not None and np.shape(adjacent_penalty) != values.shape):
        raise ValueError("values, lengths (and adjacent_penalty) must have one entry per item")
    if offsets.size < 1 or offsets[0] != 0 or offsets[-1] != values.size or (np.diff(offsets) < 0).any():
        raise ValueError("offsets must run from 0 to the number of items, never decreasing")
    if budgets.size != offsets.size - 1:
        raise ValueError("budgets must have one entry per group")
    if not np.issubdtype(lengths.dtype, np.integer) or (lengths < 1).any():
        raise ValueError("lengths must be whole seconds, at least 1")
    if not np.issubdtype(budgets.dtype, np.integer) or (budgets < 0).any():
        raise ValueError("budgets must be whole seconds, at least 0")
    if not np.isfinite(values).all() or (adjacent_penalty is not None and not np.isfinite(adjacent_penalty).all()):
        raise ValueError("values (and penalties) must be finite")
