"""``casekit case check``: the conformance suite, run for a case's author.

The same checks the test suite runs on every registered case
(:data:`casekit.conformance.checks.CHECKS`), on every source of the case, each on a
:class:`~casekit.conformance.subject.CaseUnderTest` issued into a scratch folder: the brief and
rubric, a deterministic prepare, both starters rendered, no answer in the bundle, the empty
starter failing and the baseline starter passing its contract tests, ``make run``, evaluate,
the hostile submissions. A check that fails, or crashes, is a failed check with its message;
the author sees every one. Beside them, the case's gold answers (what reviewers calibrate on):
missing ones are reported, malformed ones or ones whose scores fall from weak to strong fail.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from casekit import cases
from casekit.cases.spec import CaseSpec
from casekit.conformance.checks import CHECKS, Check
from casekit.conformance.subject import CaseUnderTest
from casekit.errors import CasekitError, UnknownCaseError, UsageError
from casekit.review.gold import GoldCheck, check_gold
from casekit.review.rubric import load_case_rubric
from casekit.scoring.baselines import RECORD_FILE
from casekit.scoring.ladder import Ladder, baseline_ladder


@dataclass(frozen=True)
class CheckOutcome:
    """How one check ended on one source: passed or not, in how long, and what it said."""

    source: str
    check: str
    description: str
    passed: bool
    seconds: float
    detail: str


@dataclass(frozen=True)
class CaseCheck:
    """Every outcome, the baseline ladder of each source whose baselines the checks trained, and
    the gold answers."""

    case: CaseSpec
    outcomes: list[CheckOutcome]
    ladders: dict[str, Ladder]
    gold: GoldCheck

    @property
    def passed(self) -> bool:
        return all(outcome.passed for outcome in self.outcomes) and not self.gold.problems


def resolve_case(target: str) -> CaseSpec:
    """The case that ``target`` names: a registered slug, or the folder of an installed case package.

    A folder must be installed (``pip install DIR`` or ``-e``): the checks run ``make`` in
    generated projects, in other processes, which find cases through the installed entry points.
    The installed case must be the folder's: installed from it in place, or a copy of the same files.
    """
    folder = Path(target)
    if not folder.is_dir():
        return cases.get(target)
    from casekit.review.rubric import tomllib

    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        raise UsageError(f"{folder}: no pyproject.toml; expected a case package folder (from 'casekit case new') or a "
                         "case's slug")
    try:
        entries = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get(
            "entry-points", {}).get(cases.ENTRY_POINT_GROUP, {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, AttributeError) as error:
        raise UsageError(f"{pyproject}: unreadable ({error})") from error
    if len(entries) != 1:
        raise UsageError(f"{pyproject}: expected one case under [project.entry-points.\"{cases.ENTRY_POINT_GROUP}\"], "
                         f"found {len(entries)}")
    slug, reference = next(iter(entries.items()))
    try:
        case = cases.get(slug)
    except UnknownCaseError:
        raise UsageError(f"{folder}: its case {slug!r} is not installed here; run 'pip install -e {folder}' first (the "
                         "checks run the case in other processes, which find it through its entry point)") from None
    source = folder / str(reference).partition(":")[0].split(".")[0]
    if folder.resolve() not in case.folder.resolve().parents and _contents(source) != _contents(case.folder):
        raise UsageError(f"the installed case {slug!r} ({case.folder}) is not the one in {folder}: reinstall it with "
                         f"'pip install -e {folder}'")
    return case


def _contents(package: Path) -> dict[str, bytes]:
    """Every file of a package folder by its relative path (compiled files left out)."""
    return {path.relative_to(package).as_posix(): path.read_bytes() for path in sorted(package.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts}


def planned(case: CaseSpec) -> list[tuple[str, Check]]:
    """Every (source, check) pair that applies to ``case``, in the order they run."""
    pairs = []
    for source in case.sources:
        probe = CaseUnderTest(case.slug, source.name, workdir=Path())
        pairs += [(source.name, check) for check in CHECKS if check.applies(probe)]
    return pairs


def check_case(case: CaseSpec, workdir: Path, on_start: Callable[[str, Check], None] | None = None,
               on_done: Callable[[CheckOutcome], None] | None = None) -> CaseCheck:
    """Run every applicable check on every source of ``case``, in ``workdir`` (new or empty)."""
    subjects: dict[str, CaseUnderTest] = {}
    outcomes = []
    for source, check in planned(case):
        if on_start:
            on_start(source, check)
        subject = subjects.setdefault(source, CaseUnderTest(case.slug, source, workdir / source))
        started = time.perf_counter()
        try:
            detail, passed = check.run(subject), True
        except AssertionError as error:  # ConformanceError: the check's own verdict
            detail, passed = str(error), False
        except Exception as error:  # a crash is a failed check too, said with where it happened
            where = traceback.extract_tb(error.__traceback__)[-1]
            detail, passed = f"crashed: {type(error).__name__}: {error} ({where.filename}:{where.lineno})", False
        outcome = CheckOutcome(source, check.name, check.description, passed, time.perf_counter() - started, detail)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    ladders = {}
    for source, subject in subjects.items():
        if _baselines_trained(subject):
            ladders[source] = baseline_ladder(subject.instance)
    return CaseCheck(case, outcomes, ladders, _gold(case))


def _gold(case: CaseSpec) -> GoldCheck:
    """The gold answers, checked against the case's rubric (a rubric that does not parse is the
    brief-and-rubric check's failure, so it is not reported twice)."""
    try:
        rubric = load_case_rubric(case)
    except CasekitError as error:
        return GoldCheck((), f"not checked: the rubric does not parse ({error})", ())
    return check_gold(case, rubric)


def _baselines_trained(subject: CaseUnderTest) -> bool:
    """Whether the checks trained the baselines of ``subject``'s instance (evaluate and the tier
    check do): the ladder then costs a few bootstrap resamples, not a training."""
    return subject.issued("baseline") and (subject.instance.key.baselines_dir / RECORD_FILE).is_file()
