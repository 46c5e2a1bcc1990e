"""A case's gold answers: three DESIGN.md answers (weak, adequate, strong) with reference scores.

They live in the case's folder::

    gold/weak.md, gold/adequate.md, gold/strong.md   the answers, as a candidate would write them
    gold/reference.toml                               per answer: level, file, [answers.scores]
                                                      (0-3 per criterion of the rubric) and
                                                      [answers.reasons] (a line per criterion)

``casekit calibrate`` has reviewers score them before a batch; ``casekit case check`` reports a
case without them. An authored case starts with a template (:func:`template_files`) whose files
carry :data:`TEMPLATE_MARK` until the team has written its own answers.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from casekit.cases.spec import CaseSpec
from casekit.errors import CasekitError
from casekit.review.rubric import SCORES, CaseRubric, toml_string, tomllib

GOLD_DIR = "gold"
REFERENCE_FILE = "reference.toml"
LEVELS = ("weak", "adequate", "strong")
TEMPLATE_MARK = "TODO(author)"


class NoGoldAnswersError(CasekitError):
    """The case has no gold answers yet (no gold folder, or only the template's)."""


class GoldAnswersError(CasekitError):
    """A gold answer or its reference scores are malformed; the message names the file and criterion."""


@dataclass(frozen=True)
class GoldAnswer:
    level: str
    path: Path  # the answer, a DESIGN.md
    scores: dict[str, int]  # the reference score of every criterion
    reasons: dict[str, str]  # why, a line per criterion


@dataclass(frozen=True)
class GoldCheck:
    """What ``case check`` found: the answers, or why there are none, and what is wrong with them."""

    answers: tuple[GoldAnswer, ...]
    missing: str | None
    problems: tuple[str, ...]


def gold_folder(spec: CaseSpec) -> Path:
    return spec.folder / GOLD_DIR


def load_gold_answers(spec: CaseSpec, rubric: CaseRubric) -> tuple[GoldAnswer, ...]:
    """The case's gold answers in the order of :data:`LEVELS`, each scored on every criterion."""
    folder = gold_folder(spec)
    reference = folder / REFERENCE_FILE
    if not reference.is_file():
        raise NoGoldAnswersError(f"case '{spec.slug}' has no gold answers ({reference} is missing): reviewers have "
                                 "nothing to calibrate on")
    templated = sorted(path.name for path in folder.iterdir()
                       if path.is_file() and TEMPLATE_MARK in path.read_text(encoding="utf-8", errors="replace"))
    if templated:
        raise NoGoldAnswersError(f"case '{spec.slug}' has no gold answers yet: {folder / templated[0]} still holds the "
                                 f"template's {TEMPLATE_MARK} parts")
    try:
        raw = tomllib.loads(reference.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise GoldAnswersError(f"{reference}: not valid TOML ({error})") from error
    entries = raw.get("answers")
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise GoldAnswersError(f"{reference}: expected one [[answers]] table per level ({', '.join(LEVELS)})")
    by_level = {str(entry.get("level")): entry for entry in entries}
    if sorted(by_level) != sorted(LEVELS) or len(entries) != len(LEVELS):
        raise GoldAnswersError(f"{reference}: expected one [[answers]] for each of {', '.join(LEVELS)}; "
                               f"found {', '.join(str(entry.get('level')) for entry in entries) or 'none'}")
    return tuple(_answer(reference, level, by_level[level], rubric) for level in LEVELS)


def _answer(reference: Path, level: str, entry: dict, rubric: CaseRubric) -> GoldAnswer:
    where = f"{reference}: [[answers]] '{level}'"
    file = entry.get("file")
    if not isinstance(file, str) or Path(file).name != file or not (reference.parent / file).is_file():
        raise GoldAnswersError(f"{where}: file = {file!r} is not a file beside {REFERENCE_FILE}")
    scores, reasons = entry.get("scores", {}), entry.get("reasons", {})
    keys = [criterion.key for criterion in rubric.criteria]
    unknown = sorted(set(scores) - set(keys)) + sorted(set(reasons) - set(keys))
    if unknown:
        raise GoldAnswersError(f"{where}: unknown criterion '{unknown[0]}'; the rubric's are {', '.join(keys)}")
    for key in keys:
        score = scores.get(key)
        if isinstance(score, bool) or score not in SCORES:
            raise GoldAnswersError(f"{where}: scores.{key} = {score!r}; a reference score is 0, 1, 2 or 3")
        if not isinstance(reasons.get(key), str) or not reasons[key].strip():
            raise GoldAnswersError(f"{where}: reasons.{key} is missing; give a line of reasoning for its score")
    return GoldAnswer(level, reference.parent / file, {key: scores[key] for key in keys},
                      {key: reasons[key] for key in keys})


def falling_scores(answers: tuple[GoldAnswer, ...]) -> list[str]:
    """Where a better answer's reference score is below a weaker one's, criterion by criterion.

    Gold answers must rise from weak to adequate to strong on every criterion they differ on.
    """
    problems = []
    for lower, higher in itertools.pairwise(answers):
        for key, score in lower.scores.items():
            if higher.scores[key] < score:
                problems.append(f"{key}: {higher.level} scores {higher.scores[key]}, below {lower.level}'s {score}")
    return problems


def check_gold(spec: CaseSpec, rubric: CaseRubric) -> GoldCheck:
    """The gold answers of ``spec``, why there are none, or what is wrong with them."""
    try:
        answers = load_gold_answers(spec, rubric)
    except NoGoldAnswersError as error:
        return GoldCheck((), str(error), ())
    except GoldAnswersError as error:
        return GoldCheck((), None, (str(error),))
    return GoldCheck(answers, None, tuple(falling_scores(answers)))


def template_files(rubric: CaseRubric) -> dict[str, str]:
    """A ``gold/`` folder for a team to write its own answers in, by file name.

    Each answer has the DESIGN.md sections the rubric reads; ``reference.toml`` has a commented
    score and a reason to write for every criterion. Every file carries :data:`TEMPLATE_MARK`.
    """
    sections = list(dict.fromkeys(section for criterion in rubric.criteria for section in criterion.sections))
    purposes = {
        "weak": "what a candidate who has not thought the problem through writes: generic questions, the metric "
                "named without a reason, a leaky validation, no numbers",
        "adequate": "a competent answer that covers each section but makes few decisions the data calls for",
        "strong": "the answer you would hire on: decisions grounded in this case's columns and numbers, "
                  "trade-offs with their costs, a plan to ship and monitor",
    }
    files = {}
    for level in LEVELS:
        body = [f"# Design: gold answer ({level})", "",
                f"{TEMPLATE_MARK}: write a {level} answer to this case, several hundred words, in the case's own "
                f"columns and numbers: {purposes[level]}. Remove every {TEMPLATE_MARK} line when done.", ""]
        for section in sections:
            body += [f"## {section}", "", f"{TEMPLATE_MARK}", ""]
        files[f"{level}.md"] = "\n".join(body)
    reference = [
        "# Reference rubric scores of the gold answers, read by 'casekit calibrate'. One table per",
        "# answer; a score (0-3, against the anchors of rubric.toml) and a line of reasoning per",
        "# criterion. Scores must rise from weak to adequate to strong on every criterion they differ on.",
        f"# {TEMPLATE_MARK}: write every score and reason, then remove this line.",
    ]
    for level in LEVELS:
        reference += ["", "[[answers]]", f"level = {toml_string(level)}", f"file = {toml_string(level + '.md')}",
                      "[answers.scores]"]
        reference += [f"# {criterion.key} = " for criterion in rubric.criteria]
        reference.append("[answers.reasons]")
        reference += [f"{criterion.key} = {toml_string('')}" for criterion in rubric.criteria]
    files[REFERENCE_FILE] = "\n".join(reference) + "\n"
    return files
