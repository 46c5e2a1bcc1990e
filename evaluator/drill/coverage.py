"""The coverage hint: which strong points an answer's words touch, by plain lexical overlap.

It is a hint for the candidate scoring themselves, never a grade: it cannot tell a point made
from a point named in passing, or a right answer from a wrong one that uses the same words.
A strong point counts as touched when the answer shares at least :data:`MIN_SHARED` of its
content words, and at least :data:`MIN_SHARE` of them (content words: three letters or more, not
among the commonest English ones, compared without a final "s"). Two words alone are too easy to
share with a long point ("asks" and "post").
"""

from __future__ import annotations

import math
import re

MIN_SHARED = 2
MIN_SHARE = 0.3
_WORD = re.compile(r"[a-z0-9][a-z0-9_@.%-]*[a-z0-9%]|[a-z0-9]")
_COMMON_WORDS = """
about above after again against all also and any are because been before being below between both but can
could did does doing down during each few for from further had has have having her here hers him his how
into its itself just more most much not now off once only other our ours out over own same she should
some such than that the their theirs them then there these they this those through too under until very
was were what when where which while who whom why will with would you your yours one two use used uses
using make makes made like well get gets way ways thing things say says said per
"""
_COMMON = frozenset(_COMMON_WORDS.split())


def content_words(text: str) -> set[str]:
    """The words of ``text`` that carry content, lower-cased and without a final "s"."""
    words = set()
    for word in _WORD.findall(text.casefold()):
        if len(word) < 3 or word in _COMMON:
            continue
        words.add(word[:-1] if word.endswith("s") and len(word) > 3 else word)
    return words


def touched_points(answer: str, points: tuple[str, ...]) -> list[str]:
    """The points whose content words ``answer`` shares enough of (see the module's docstring), in order."""
    said = content_words(answer)
    touched = []
    for point in points:
        words = content_words(point)
        if len(words & said) >= max(MIN_SHARED, math.ceil(MIN_SHARE * len(words))):
            touched.append(point)
    return touched
