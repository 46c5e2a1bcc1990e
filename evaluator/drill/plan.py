"""A case's drill plan (``drill.toml``): the decisions of the "why?" discussion, read and checked.

A plan walks the round's strategy, stage by stage (:data:`STAGES`). Each decision opens with a
question and digs with two or three follow-up "why?" levels; each level lists the points a
strong answer makes, the points a weak answer makes, and red flags. The candidate scores
themselves against these anchors, so a plan that lacks any of them is refused when it is
read, with the file, the decision and the field named.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from casekit.cases.spec import CaseSpec
from casekit.errors import CasekitError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

PLAN_FILE = "drill.toml"
STAGES = ("clarify", "objective", "metric", "assumptions", "baseline", "data_features", "model", "tradeoffs",
          "optimisation", "deployment_monitoring")
MIN_DECISIONS = 10
FOLLOW_UPS = (2, 3)
ANCHORS = ("strong", "weak", "red_flags")


class DrillPlanError(CasekitError):
    """A drill plan is missing or breaks the schema; the message names the file, decision and field."""


@dataclass(frozen=True)
class Level:
    """One question of a decision and its anchors: what strong and weak answers say, and red flags."""

    question: str
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    red_flags: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    """A design decision to defend: an opening question (``levels[0]``), then the follow-ups.

    ``evidence`` is set on the questions made from a candidate's own results: what they are about.
    """

    key: str
    stage: str
    title: str
    levels: tuple[Level, ...]
    evidence: str = ""

    @property
    def opening(self) -> Level:
        return self.levels[0]

    @property
    def follow_ups(self) -> tuple[Level, ...]:
        return self.levels[1:]


@dataclass(frozen=True)
class DrillPlan:
    """A case's plan: the case's slug, the minutes the drill lasts, and its decisions in order."""

    case: str
    minutes: int
    decisions: tuple[Decision, ...]
    path: Path


def plan_path(spec: CaseSpec) -> Path:
    """Where a case keeps its drill plan."""
    return spec.folder / PLAN_FILE


def load_plan(spec: CaseSpec) -> DrillPlan:
    """The case's drill plan, checked against the schema and the case's slug."""
    return read_plan(plan_path(spec), slug=spec.slug)


def read_plan(path: Path, *, slug: str) -> DrillPlan:
    """Read and check the plan at ``path``, which must name the case ``slug``.

    Raises
    ------
    DrillPlanError
        Naming the file, the decision and the field that break the schema.
    """
    if not path.is_file():
        raise DrillPlanError(f"{path}: no drill plan; write one (see the drill.toml of a built-in case)")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise DrillPlanError(f"{path}: not valid TOML ({error})") from error
    return _Reader(path).plan(raw, slug)


class _Reader:
    """Turns the parsed TOML into a plan, naming ``path`` and where it is in every error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> DrillPlanError:
        return DrillPlanError(f"{self.path}: {where}: {message}")

    def plan(self, raw: dict[str, Any], slug: str) -> DrillPlan:
        header = raw.get("plan")
        if not isinstance(header, dict):
            raise self.fail("[plan]", "missing; it gives the case's slug and the drill's minutes")
        if header.get("case") != slug:
            raise self.fail("[plan] case", f"is {header.get('case')!r}, not this case's slug {slug!r}")
        minutes = header.get("minutes")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
            raise self.fail("[plan] minutes", f"expected a positive whole number, got {minutes!r}")
        entries = raw.get("decisions")
        if not isinstance(entries, list) or len(entries) < MIN_DECISIONS:
            count = len(entries) if isinstance(entries, list) else 0
            raise self.fail("[[decisions]]", f"{count} decision(s); a plan needs at least {MIN_DECISIONS}")
        decisions = tuple(self.decision(index, entry) for index, entry in enumerate(entries))
        self.check_order(decisions)
        return DrillPlan(slug, minutes, decisions, self.path)

    def decision(self, index: int, entry: Any) -> Decision:
        where = f"decision {index + 1}"
        if not isinstance(entry, dict):
            raise self.fail(where, "expected a table")
        key = self.text(entry, "key", where)
        where = f"decision {key!r}"
        stage = self.text(entry, "stage", where)
        if stage not in STAGES:
            raise self.fail(f"{where} stage", f"{stage!r} is not a stage; the stages are: {', '.join(STAGES)}")
        title = self.text(entry, "title", where)
        levels = entry.get("levels")
        allowed = tuple(count + 1 for count in FOLLOW_UPS)
        if not isinstance(levels, list) or len(levels) not in allowed:
            count = len(levels) if isinstance(levels, list) else 0
            raise self.fail(f"{where} levels", f"{count} level(s); expected an opening question and "
                                               f"{' or '.join(map(str, FOLLOW_UPS))} follow-ups")
        return Decision(key, stage, title, tuple(self.level(f"{where} level {number}", level)
                                                 for number, level in enumerate(levels, start=1)))

    def level(self, where: str, entry: Any) -> Level:
        if not isinstance(entry, dict):
            raise self.fail(where, "expected a table")
        question = self.text(entry, "question", where)
        anchors = {}
        for name in ANCHORS:
            points = entry.get(name)
            if not isinstance(points, list) or not points or not all(
                    isinstance(point, str) and point.strip() for point in points):
                raise self.fail(f"{where} {name}", "expected a non-empty list of non-empty sentences")
            anchors[name] = tuple(points)
        return Level(question, anchors["strong"], anchors["weak"], anchors["red_flags"])

    def text(self, entry: dict[str, Any], name: str, where: str) -> str:
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where} {name}", "missing or empty")
        return value

    def check_order(self, decisions: tuple[Decision, ...]) -> None:
        keys = [decision.key for decision in decisions]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise self.fail("decisions key", f"{', '.join(map(repr, repeated))} used more than once")
        missing = [stage for stage in STAGES if stage not in {decision.stage for decision in decisions}]
        if missing:
            raise self.fail("decisions stage", f"no decision for stage(s) {', '.join(missing)}")
        for before, after in pairwise(decisions):
            if STAGES.index(after.stage) < STAGES.index(before.stage):
                raise self.fail(f"decision {after.key!r} stage", f"{after.stage!r} comes after {before.stage!r}; "
                                                                 f"decisions follow the stages in order")
