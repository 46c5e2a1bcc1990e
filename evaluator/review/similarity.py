"""Similarity between the candidates of a batch: their code and their predictions.

A reviewer's first question about two take-homes that look alike is whether they share code.
This module answers it for every pair in a batch, and shows the passages; it never changes a
score: a flagged pair is for the reviewer to read.

**Code.** Each candidate's Python files (``src/``, ``tests/``, any other ``.py`` file of the
project, in path order) are one document, fingerprinted by winnowing (Schleimer, Wilkerson and
Aiken, 2003: the algorithm behind MOSS) over normalised tokens: every identifier becomes ``V``
(``F`` for a function name, ``O`` for a class), every string ``S``, comments and whitespace
go. So renaming variables, reformatting and reordering functions (fingerprints are local, and
their order does not count) leave the fingerprints of copied code in place. The library is
`copydetect <https://github.com/blingenf/copydetect>`_: it does exactly that with Pygments'
Python lexer, excludes boilerplate fingerprints, and maps matches back to the original text,
and it is used by university courses for this job; writing a winnower here would only
re-implement it. Boilerplate is every fingerprint of the project the template renders for the
case, with either starter: code that every candidate was given is never evidence.

A pair's code similarity is the larger of the two shares of each candidate's own
(non-boilerplate) code that the fingerprints match: a candidate who copied all of another's
code and added their own still scores high on the copied side.

**Predictions.** Two candidates who share code, or predictions, agree on test rows more than
their scores imply. The task type says how its predictions are compared
(:meth:`~casekit.tasks.base.Task.prediction_comparison`): for a label per row, the excess
agreement beyond what each candidate's confusion matrix implies; for a probability per row
(binary cases), the correlation of the two candidates' errors ``p - y`` (see
:mod:`casekit.metrics.agreement`): 0 for candidates as alike as their scores make them, 1 for
identical predictions. Two candidates who both kept the baseline starter agree as much as
either does with the baseline it is: a pair is flagged on predictions only when it agrees more
with each other than both do with any one baseline. Ranked lists, selections, texts and numbers
are compared by code only (a list's overlap is dominated by popular items).

Thresholds were set on the planted copies and honest pairs of the test suite (the README
gives the figures).
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from casekit.cases.spec import CaseSpec
    from casekit.instances.instance import Instance
    from casekit.review.candidates import Candidate
    from casekit.review.records import CandidateReview
    from casekit.tasks.base import Task

CODE_THRESHOLD = 0.5
PREDICTION_THRESHOLD = 0.75
# A pair that agrees no more with each other than both agree with one baseline owes its likeness
# to code everyone was given (a baseline starter is a baseline): reported, not flagged.
EXPLAINED_MARGIN = 0.05
NOISE_CHARACTERS = 25  # copydetect's k: shorter matches (of normalised text) are noise
GUARANTEE_CHARACTERS = 30  # a match this long is always found
MAX_PASSAGES = 6
MAX_PASSAGE_LINES = 40
SKIPPED_FOLDERS = {"data", "submission", "evaluation", "mlruns", ".venv", "venv", "__pycache__", ".git"}
MAX_FILE_BYTES = 1_000_000  # a generated or vendored file is not the candidate's writing


@dataclass(frozen=True)
class CodeDocument:
    """A candidate's Python files as one text, and where each file starts in it."""

    text: str
    starts: list[tuple[int, str]]  # (offset, relative path), in order

    def locate(self, start: int, end: int) -> tuple[str, int, int, str]:
        """The file, first and last line (1-based) and text of the slice ``[start, end)``."""
        index = max(i for i, (offset, _) in enumerate(self.starts) if offset <= start)
        offset, name = self.starts[index]
        following = self.starts[index + 1][0] if index + 1 < len(self.starts) else len(self.text)
        end = min(end, following)
        file_text = self.text[offset:following]
        first = file_text.count("\n", 0, start - offset) + 1
        last = file_text.count("\n", 0, max(start, end - 1) - offset) + 1
        lines = file_text.splitlines()[first - 1:last]
        return name, first, last, "\n".join(lines[:MAX_PASSAGE_LINES])


@dataclass(frozen=True)
class Passage:
    """A stretch of one candidate's code that matches the other's."""

    file: str
    first_line: int
    last_line: int
    text: str


@dataclass(frozen=True)
class SimilarPair:
    """Two candidates' similarity; ``flagged`` when either part reaches its threshold."""

    a: str
    b: str
    slug_a: str
    slug_b: str
    code: float | None
    predictions: float | None
    passages_a: list[Passage] = field(default_factory=list)
    passages_b: list[Passage] = field(default_factory=list)
    baseline_predictions: float | None = None  # how much both agree with the closest baseline

    @property
    def flagged(self) -> bool:
        return (self.code or 0.0) >= CODE_THRESHOLD or self.predictions_flagged

    @property
    def predictions_flagged(self) -> bool:
        if self.predictions is None or self.predictions < PREDICTION_THRESHOLD:
            return False
        return self.baseline_predictions is None or self.predictions - self.baseline_predictions >= EXPLAINED_MARGIN

    def describe(self) -> str:
        parts = []
        if self.code is not None:
            parts.append(f"code {self.code:.2f}")
        if self.predictions is not None:
            parts.append(f"predictions {self.predictions:.2f}")
            if self.baseline_predictions is not None and not self.predictions_flagged \
                    and self.predictions >= PREDICTION_THRESHOLD:
                parts.append(f"as alike as both are to a baseline ({self.baseline_predictions:.2f})")
        return ", ".join(parts)


@dataclass(frozen=True)
class Entrant:
    """A candidate as similarity sees it: a name, a slug and the project folder, if any."""

    name: str
    slug: str
    code: Path | None


def code_document(project: Path) -> CodeDocument:
    """The project's Python files (not its data, submission or environments) as one document."""
    parts, starts, offset = [], [], 0
    for path in sorted(project.rglob("*.py")):
        relative = path.relative_to(project)
        if (SKIPPED_FOLDERS.intersection(relative.parts[:-1]) or path.is_symlink() or not path.is_file()
                or path.stat().st_size > MAX_FILE_BYTES):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if not text.endswith("\n"):
            text += "\n"
        starts.append((offset, relative.as_posix()))
        parts.append(text)
        offset += len(text)
    return CodeDocument("".join(parts), starts)


def boilerplate(case: str, source: str | None = None) -> list[str]:
    """The code every candidate was given: the Python files of the project the template renders
    for ``case`` and ``source`` (default: the case's first), with each starter (the same
    rendering ``casekit new`` does, without data)."""
    import tempfile

    from cookiecutter.main import cookiecutter

    from casekit import cases
    from casekit.instances.issue import template_dir

    texts = []
    with tempfile.TemporaryDirectory(prefix="casekit-boilerplate-") as work:
        root = Path(work)
        # A private config keeps the reviewer's ~/.cookiecutterrc out of it, and its replay file out of their home.
        config = root / "config.yaml"
        config.write_text(f"cookiecutters_dir: {root / 'cache'}\nreplay_dir: {root / 'replay'}\n")
        for starter in ("baseline", "empty"):
            rendered = Path(cookiecutter(str(template_dir()), no_input=True, output_dir=str(root / starter),
                                         config_file=str(config),
                                         extra_context={"case": case, "starter": starter,
                                                        "source": cases.get(case).source(source).name}))
            # One document, as a candidate's is: the k-grams across file boundaries are given too.
            texts.append(code_document(rendered).text)
    return texts


CodeMatch = tuple[float, list[Passage], list[Passage]]


def compare_code(documents: dict[str, CodeDocument], given: list[str]) -> dict[tuple[str, str], CodeMatch]:
    """The code similarity and each side's matching passages, for every pair of ``documents`` (keyed by slug)."""
    from copydetect import CodeFingerprint, compare_files

    window = GUARANTEE_CHARACTERS - NOISE_CHARACTERS + 1
    known = set()
    for text in given:
        known |= CodeFingerprint("boilerplate", NOISE_CHARACTERS, 1, fp=io.StringIO(text), language="python").hashes
    known_hashes = np.array(sorted(known))
    prints = {slug: CodeFingerprint(slug, NOISE_CHARACTERS, window, boilerplate=known_hashes,
                                    fp=io.StringIO(document.text), language="python")
              for slug, document in documents.items() if document.text}
    results: dict[tuple[str, str], CodeMatch] = {}
    for slug_a, slug_b in itertools.combinations(sorted(prints), 2):
        first, second = prints[slug_a], prints[slug_b]
        if not first.hashes or not second.hashes:
            results[(slug_a, slug_b)] = (0.0, [], [])
            continue
        _overlap, (share_a, share_b), (slices_a, slices_b) = compare_files(first, second)
        score = float(min(1.0, max(share_a, share_b)))
        results[(slug_a, slug_b)] = (score, _passages(documents[slug_a], slices_a),
                                     _passages(documents[slug_b], slices_b))
    return results


def _passages(document: CodeDocument, slices) -> list[Passage]:
    """The longest matched stretches of ``document``, in file order."""
    if len(slices) == 0 or len(slices[0]) == 0:
        return []
    # slices is copydetect's 2 x n array: the starts, then the ends.
    longest = sorted(zip(slices[0], slices[1], strict=True), key=lambda span: span[0] - span[1])[:MAX_PASSAGES]
    return [Passage(*document.locate(int(start), int(end))) for start, end in sorted(longest)]


def compare_predictions(files: dict[str, Path], answers, task: Task) -> dict[tuple[str, str], float]:
    """The prediction similarity of every pair of ``files`` (valid submissions of ``task``'s case,
    keyed by slug), as the task compares predictions; none when it compares them by code only."""
    import pandas as pd

    comparison = task.prediction_comparison()
    if comparison is None:
        return {}
    id_column, column = task.schema.id_column, comparison.column
    key = answers[task.spec.id_column].astype(str)
    truth = answers.set_index(key)[task.spec.target].astype(str)
    vectors = {}
    for slug, path in files.items():
        frame = pd.read_csv(path, dtype={id_column: str}, usecols=[id_column, column])
        vectors[slug] = frame.set_index(id_column)[column].reindex(truth.index)
    return {(a, b): float(comparison.similarity(vectors[a], vectors[b], truth))
            for a, b in itertools.combinations(sorted(vectors), 2)}


def similar_pairs(entrants: list[Entrant], given: list[str], predictions: dict[tuple[str, str], float],
                  baselines: tuple[str, ...] = ()) -> list[SimilarPair]:
    """Every pair of entrants with its code and prediction similarity, most similar first.

    ``given`` is the boilerplate (see :func:`boilerplate`), ``predictions`` the prediction
    similarities (see :func:`compare_predictions`), which may include the ``baselines`` (by
    the keys they have there), against which each pair's agreement is weighed.
    """
    documents = {entrant.slug: code_document(entrant.code) for entrant in entrants if entrant.code is not None}
    code = compare_code(documents, given) if len(documents) > 1 else {}
    names = {entrant.slug: entrant.name for entrant in entrants}
    pairs = []
    for slug_a, slug_b in itertools.combinations(sorted(names), 2):
        code_score, passages_a, passages_b = code.get((slug_a, slug_b), (None, [], []))
        explained = [min(_either(predictions, slug_a, baseline), _either(predictions, slug_b, baseline))
                     for baseline in baselines]
        pairs.append(SimilarPair(names[slug_a], names[slug_b], slug_a, slug_b, code_score,
                                 predictions.get((slug_a, slug_b)), passages_a, passages_b,
                                 max(explained) if explained else None))
    return sorted(pairs, key=lambda pair: (-max(pair.code or 0.0, pair.predictions or 0.0), pair.a, pair.b))


def _either(scores: dict[tuple[str, str], float], a: str, b: str) -> float:
    return scores.get((a, b), scores.get((b, a), 0.0))


def batch_similarity(candidates: list[Candidate], reviews: list[CandidateReview], spec: CaseSpec,
                     instance: Instance | None) -> list[SimilarPair]:
    """The pairs of a review batch: the code of every candidate with a project, and the
    predictions of every scored candidate when all answer one ``instance`` (else ``None``)."""
    from casekit.scoring.baselines import ensure_baselines

    entrants = [Entrant(candidate.name, candidate.slug, candidate.shown_code) for candidate in candidates]
    scores: dict[tuple[str, str], float] = {}
    references: tuple[str, ...] = ()
    if instance is not None and instance.task.prediction_comparison() is not None:
        files = {candidate.slug: candidate.submission
                 for candidate, review in zip(candidates, reviews, strict=True) if review.status == "scored"}
        for item in ensure_baselines(instance):
            files[f"baseline: {item.baseline.name}"] = item.path
            references += (f"baseline: {item.baseline.name}",)
        scores = compare_predictions(files, instance.key.answers, instance.task)
    return similar_pairs(entrants, boilerplate(spec.slug, instance.bundle.source if instance else None), scores,
                         references)
