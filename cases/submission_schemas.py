"""The columns of a submission file: one typed record per task type.

A case declares its submission with the record its task type reads (the task type names it,
and loading a case checks it): a multiclass case a :class:`MulticlassSubmission`, a ranking
case a :class:`RankingSubmission`, and so on. Every record says which column names the unit a
row answers (:attr:`SubmissionSchema.id_column`: a row's id, a user, a group), which the
generic checks read; the rest is the task type's own. A task type written outside casekit
declares its record beside it, as a frozen dataclass with an ``id_column``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class SubmissionSchema(Protocol):
    """What every submission record has: the column naming the unit each row answers."""

    @property
    def id_column(self) -> str: ...


@dataclass(frozen=True)
class MulticlassSubmission:
    """One label per row and, optionally, one probability per class.

    ``label_column`` holds the predicted class (None when the case scores probabilities only);
    the probability of each class is in ``probability_prefix + label``, all or none, and
    required when ``probabilities_required`` is set.
    """

    id_column: str
    label_column: str | None = None
    probability_prefix: str | None = None
    probabilities_required: bool = False

    def probability_columns(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """The probability column of each of ``labels``, in order; none without a prefix."""
        if self.probability_prefix is None:
            return ()
        return tuple(f"{self.probability_prefix}{label}" for label in labels)


@dataclass(frozen=True)
class BinarySubmission:
    """The probability of the positive class per row, in ``probability_prefix + positive_label``."""

    id_column: str
    probability_prefix: str
    positive_label: str

    @property
    def probability_column(self) -> str:
        return f"{self.probability_prefix}{self.positive_label}"


@dataclass(frozen=True)
class RankingSubmission:
    """One row per recommended item: the user, the item, and its position in the user's list.

    A case may cap the lists at ``max_list_length`` items (None: the task's own limit), and
    name a ``catalogue_table``: the input table whose items are the only ones a list may name,
    when the test has a catalogue of its own (next week's events, not the past ones). A
    project's local hold-out then takes its catalogue from the same table of its held-out part.
    """

    user_column: str
    item_column: str
    rank_column: str
    max_list_length: int | None = None
    catalogue_table: str | None = None

    @property
    def id_column(self) -> str:
        return self.user_column


@dataclass(frozen=True)
class SelectionSubmission:
    """The items kept in each group (a day, a query): one row per item, by group and item."""

    group_column: str
    item_column: str

    @property
    def id_column(self) -> str:
        return self.group_column


@dataclass(frozen=True)
class GenerationSubmission:
    """One line of text per row, in ``text_column``, of at most ``max_text_length`` characters."""

    id_column: str
    text_column: str
    max_text_length: int


@dataclass(frozen=True)
class RegressionSubmission:
    """One predicted number per row, in ``value_column``."""

    id_column: str
    value_column: str
