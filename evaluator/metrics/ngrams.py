"""Clipped n-gram matches between generated texts and their references, vectorised over a corpus.

ROUGE-N, BLEU and chrF all count, for a text and a reference, the n-grams they share with
clipping: an n-gram seen twice in the text and once in the reference matches once. Counting
with Python ``Counter`` objects costs about a microsecond per n-gram, too slow for a 100k-row
submission scored with three references a row, so here the whole corpus is one array.

A corpus is :class:`Sequences`: every text as a run of integer codes (word ids, or
characters) in one flat array. Texts ``0 .. n-1`` are the generated ones (one per row) and
texts ``n ..`` the references, each tied to its row. An n-gram is an integer: its symbols
packed side by side when they fit in 63 bits with what else the key holds, else a dense code
built one order at a time (the code of ``a b c`` is a dense code of the pair (code of ``a b``,
``c``)). Either way n-grams compare as integers, and one sort brings equal ones together.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Sequences:
    """Texts as runs of integer codes: text ``i`` is ``values[offsets[i]:offsets[i + 1]]``."""

    values: np.ndarray
    offsets: np.ndarray

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    @property
    def count(self) -> int:
        return self.offsets.size - 1

    @classmethod
    def from_codes(cls, codes: np.ndarray, lengths: np.ndarray) -> Sequences:
        """Texts of ``lengths`` codes each, laid end to end in ``codes``."""
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return cls(np.asarray(codes, dtype=np.int64), offsets)

    @classmethod
    def from_tokens(cls, tokens: list[list[str]]) -> Sequences:
        """Token lists as codes, equal tokens sharing a code.

        Examples
        --------
        >>> texts = Sequences.from_tokens([["a", "b"], [], ["b", "b"]])
        >>> texts.values.tolist(), texts.lengths.tolist()
        ([0, 1, 1, 1], [2, 0, 2])
        """
        lengths = np.fromiter((len(text) for text in tokens), dtype=np.int64, count=len(tokens))
        flat = np.fromiter((token for text in tokens for token in text), dtype=object, count=int(lengths.sum()))
        codes = pd.factorize(flat)[0] if flat.size else np.zeros(0, dtype=np.int64)
        return cls.from_codes(codes, lengths)

    @classmethod
    def from_characters(cls, texts: list[str]) -> Sequences:
        """Each text as its Unicode code points.

        Examples
        --------
        >>> Sequences.from_characters(["ab", "", "é"]).values.tolist()
        [97, 98, 233]
        """
        lengths = np.fromiter((len(text) for text in texts), dtype=np.int64, count=len(texts))
        points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
        return cls.from_codes(points.astype(np.int64), lengths)


@dataclass(frozen=True)
class GramCounts:
    """The distinct n-grams of one order in each text, and how often each occurs there."""

    text: np.ndarray
    code: np.ndarray
    count: np.ndarray
    n_codes: int


def grams_by_order(texts: Sequences, max_order: int) -> Iterator[GramCounts]:
    """Yield the n-gram counts of every text, for n = 1 .. ``max_order``.

    A text of length L has ``max(L - n + 1, 0)`` n-grams of order n. Codes are shared by all
    texts (the same n-gram has the same code everywhere), and each :class:`GramCounts` is sorted
    by text, then code.

    Examples
    --------
    >>> texts = Sequences.from_tokens([["a", "b", "a", "b"], ["b", "a"]])
    >>> bigrams = list(grams_by_order(texts, 2))[1]
    >>> bigrams.text.tolist(), bigrams.count.tolist()
    ([0, 0, 1], [2, 1, 1])
    """
    owner = np.repeat(np.arange(texts.count, dtype=np.int64), texts.lengths)
    symbols = pd.factorize(texts.values)[0].astype(np.int64) + 1 if texts.values.size else texts.values
    symbol_bits = _bits(int(symbols.max()) + 1 if symbols.size else 2)
    if max_order * symbol_bits + _bits(texts.count) <= 62:
        yield from _packed_grams(texts, owner, symbols, symbol_bits, max_order)
    else:
        yield from _recoded_grams(texts, owner, symbols, max_order)


def _packed_grams(texts: Sequences, owner: np.ndarray, symbols: np.ndarray, symbol_bits: int,
                  max_order: int) -> Iterator[GramCounts]:
    """The n-grams of all orders from one sort, when ``max_order`` symbols fit in a key with the text.

    Each position's key packs its text and the next ``max_order`` symbols (0 past the text's
    end; symbols start at 1). Sorted, equal n-grams of every order n <= ``max_order`` are
    neighbours, their n-gram being the key's top bits.
    """
    ends = texts.offsets[1:][owner]
    positions = np.arange(symbols.size, dtype=np.int64)
    keys = owner.copy()
    for shift in range(max_order):
        ahead = positions + shift
        keys = (keys << symbol_bits) | np.where(ahead < ends, symbols[np.minimum(ahead, symbols.size - 1)], 0)
    keys.sort()
    last_symbol = (1 << symbol_bits) - 1
    for order in range(1, max_order + 1):
        prefixes = keys >> (symbol_bits * (max_order - order))
        prefixes = prefixes[(prefixes & last_symbol) != 0]
        yield _runs(prefixes, symbol_bits * order)


def _recoded_grams(texts: Sequences, owner: np.ndarray, symbols: np.ndarray, max_order: int) -> Iterator[GramCounts]:
    """The n-grams one order at a time, the code of ``a b c`` being a dense (hashed) code of the
    pair (code of ``a b``, ``c``), for vocabularies too large to pack."""
    ends = texts.offsets[1:][owner]
    starts = np.arange(symbols.size, dtype=np.int64)
    codes = symbols
    vocabulary = int(symbols.max()) + 1 if symbols.size else 1
    for order in range(1, max_order + 1):
        if order > 1:
            keep = starts + order - 1 < ends[starts]
            starts = starts[keep]
            codes = pd.factorize(codes[keep] * vocabulary + symbols[starts + order - 1])[0].astype(np.int64)
        code_bits = _bits(int(codes.max()) + 1 if codes.size else 1)
        yield _runs(np.sort((owner[starts] << code_bits) | codes), code_bits)


def _runs(keys: np.ndarray, code_bits: int) -> GramCounts:
    """Counts of sorted ``(text << code_bits) | code`` keys."""
    firsts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size else np.zeros(0, dtype=np.int64)
    counts = np.diff(np.r_[firsts, keys.size]).astype(np.int64)
    distinct = keys[firsts]
    return GramCounts(distinct >> code_bits, distinct & ((1 << code_bits) - 1), counts, 1 << code_bits)


def _bits(bound: int) -> int:
    """How many bits hold the numbers 0 .. bound - 1."""
    return max(int(bound - 1).bit_length(), 1)


def pair_matches(grams: GramCounts, n_rows: int, ref_row: np.ndarray) -> np.ndarray:
    """Clipped matches between each reference and its row's generated text.

    Texts ``0 .. n_rows-1`` of ``grams`` are the generated ones; text ``n_rows + k`` is
    reference ``k``, of row ``ref_row[k]``. Returns, for every reference k,
    ``sum over n-grams g of min(count of g in the text, count of g in reference k)``.

    Examples
    --------
    >>> texts = Sequences.from_tokens([["a", "a", "b"], ["a", "c"], ["a", "a", "a"]])
    >>> unigrams = next(grams_by_order(texts, 1))
    >>> pair_matches(unigrams, 1, np.array([0, 0])).tolist()
    [1, 2]
    """
    generated, reference = _split(grams, n_rows)
    text_keys = generated.text * grams.n_codes + generated.code
    wanted = ref_row[reference.text - n_rows] * grams.n_codes + reference.code
    found, position = _lookup(text_keys, wanted)
    theirs = generated.count[position] if generated.count.size else np.zeros_like(position)
    matched = np.where(found, np.minimum(theirs, reference.count), 0)
    return np.bincount(reference.text - n_rows, weights=matched, minlength=ref_row.size).astype(np.int64)


def row_matches_against_any_reference(grams: GramCounts, n_rows: int, ref_row: np.ndarray) -> np.ndarray:
    """BLEU's clipped matches of each row's text against all its references at once.

    An n-gram of the text matches up to the most times it occurs in any one reference:
    ``sum over g of min(count in the text, max over the row's references of count in it)``.

    Examples
    --------
    >>> texts = Sequences.from_tokens([["a", "a", "b"], ["a", "c"], ["a", "a", "c"]])
    >>> unigrams = next(grams_by_order(texts, 1))
    >>> row_matches_against_any_reference(unigrams, 1, np.array([0, 0])).tolist()
    [2]
    """
    generated, reference = _split(grams, n_rows)
    keys = ref_row[reference.text - n_rows] * grams.n_codes + reference.code
    order = np.argsort(keys)
    keys, counts = keys[order], reference.count[order]
    firsts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size else np.zeros(0, dtype=np.int64)
    most = np.maximum.reduceat(counts, firsts) if keys.size else counts
    found, position = _lookup(keys[firsts], generated.text * grams.n_codes + generated.code)
    matched = np.where(found, np.minimum(generated.count, most[position] if most.size else 0), 0)
    return np.bincount(generated.text, weights=matched, minlength=n_rows).astype(np.int64)


def pair_matches_by_order(texts: Sequences, n_rows: int, ref_row: np.ndarray, max_order: int) -> Iterator[np.ndarray]:
    """Yield, for n = 1 .. ``max_order``, :func:`pair_matches` of the n-grams: the clipped matches
    between each reference and its row's text.

    When a row number, ``max_order`` symbols and a reference's slot in its row fit in 63 bits
    (characters of a few dozen alphabets, or two words of a large vocabulary), every n-gram
    position gets one key ``(row, the next max_order symbols, slot)``, and one sort makes the
    equal n-grams of a row neighbours for every order: counting them per slot needs no search.
    Otherwise the n-grams are counted order by order (:func:`grams_by_order`).

    Examples
    --------
    >>> texts = Sequences.from_tokens([["a", "a", "b"], ["a", "c"], ["a", "a", "a"]])
    >>> [matches.tolist() for matches in pair_matches_by_order(texts, 1, np.array([0, 0]), 2)]
    [[1, 2], [0, 1]]
    """
    ref_row = np.asarray(ref_row, dtype=np.int64)
    firsts = np.flatnonzero(np.r_[True, ref_row[1:] != ref_row[:-1]]) if ref_row.size else ref_row
    slot = np.arange(ref_row.size) - np.repeat(firsts, np.diff(np.r_[firsts, ref_row.size])) + 1
    slots = int(slot.max()) + 1 if slot.size else 1
    slot_bits = _bits(slots)
    symbols = pd.factorize(texts.values)[0].astype(np.int64) + 1 if texts.values.size else texts.values
    symbol_bits = _bits(int(symbols.max()) + 1 if symbols.size else 2)
    if _bits(max(n_rows, 1)) + max_order * symbol_bits + slot_bits > 63 or symbols.size == 0:
        for grams in grams_by_order(texts, max_order):
            yield pair_matches(grams, n_rows, ref_row)
        return
    owner = np.repeat(np.arange(texts.count, dtype=np.int64), texts.lengths)
    row_of_text = np.r_[np.arange(n_rows, dtype=np.int64), ref_row]
    slot_of_text = np.r_[np.zeros(n_rows, dtype=np.int64), slot]
    ends = texts.offsets[1:][owner]
    positions = np.arange(symbols.size, dtype=np.int64)
    keys = row_of_text[owner]
    for shift in range(max_order):
        ahead = positions + shift
        keys = (keys << symbol_bits) | np.where(ahead < ends, symbols[np.minimum(ahead, symbols.size - 1)], 0)
    keys = (keys << slot_bits) | slot_of_text[owner]
    keys.sort()
    last_symbol = (1 << symbol_bits) - 1
    for order in range(1, max_order + 1):
        prefixes = keys >> (slot_bits + symbol_bits * (max_order - order))
        valid = (prefixes & last_symbol) != 0
        prefixes, sources = prefixes[valid], keys[valid] & ((1 << slot_bits) - 1)
        if prefixes.size == 0:
            yield np.zeros(ref_row.size, dtype=np.int64)
            continue
        starts = np.r_[True, prefixes[1:] != prefixes[:-1]]
        group = np.cumsum(starts) - 1
        in_text = np.bincount(group, weights=sources == 0)
        # Only the n-grams the row's text has can match: the rest are set aside before counting.
        shared = in_text[group] > 0
        group, sources = group[shared], sources[shared]
        group_row = prefixes[starts] >> (symbol_bits * order)
        matches = np.zeros((n_rows, slots), dtype=np.int64)
        for k in range(1, slots):
            in_reference = np.bincount(group, weights=sources == k, minlength=in_text.size)
            matches[:, k] = np.bincount(group_row, weights=np.minimum(in_text, in_reference), minlength=n_rows)
        yield matches[ref_row, slot]


def _split(grams: GramCounts, n_rows: int) -> tuple[GramCounts, GramCounts]:
    """The counts of the generated texts, and those of the references (texts are sorted)."""
    cut = int(np.searchsorted(grams.text, n_rows))

    def part(window: slice) -> GramCounts:
        return GramCounts(grams.text[window], grams.code[window], grams.count[window], grams.n_codes)

    return part(slice(0, cut)), part(slice(cut, None))


def _lookup(sorted_keys: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each wanted key is in ``sorted_keys``, and its position there (0 when absent)."""
    if sorted_keys.size == 0:
        return np.zeros(wanted.size, dtype=bool), np.zeros(wanted.size, dtype=np.int64)
    position = np.searchsorted(sorted_keys, wanted)
    position[position == sorted_keys.size] = 0
    return sorted_keys[position] == wanted, position
