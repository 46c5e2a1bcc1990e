"""A drill's transcript: every question with its anchors, the answer, the seconds it took, the
coverage hint and the self-score, written as Markdown (to read) and JSON (to process).

The session rewrites both files after every answer and every score, atomically, so an
interrupted or killed drill leaves the transcript up to its last step (and Ctrl-C adds the
answer being typed).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from casekit.drill.plan import Decision, Level
from casekit.files import atomic

DRILL_DIR = "drill"
MARKDOWN_FILE = "transcript.md"
JSON_FILE = "transcript.json"
SCALE = {
    0: "a red flag, or nothing said",
    1: "the weak points",
    2: "some of the strong points",
    3: "the strong points, through the follow-ups",
}


@dataclass
class AnswerRecord:
    """One question as asked, its anchors, and what the candidate answered in how many seconds.

    ``touched`` is the coverage hint (the strong points the answer's words touch); ``cut_short``
    says the answer was being typed when the drill was interrupted.
    """

    decision: str
    level: int
    question: str
    strong: list[str]
    weak: list[str]
    red_flags: list[str]
    answer: str
    seconds: float
    touched: list[str]
    cut_short: bool = False

    @classmethod
    def of(cls, decision: Decision, level: int, answer: str, seconds: float, touched: list[str],
           cut_short: bool = False) -> AnswerRecord:
        asked: Level = decision.levels[level]
        return cls(decision.key, level, asked.question, list(asked.strong), list(asked.weak), list(asked.red_flags),
                   answer, round(seconds, 1), touched, cut_short)


@dataclass
class DecisionRecord:
    """A decision of the drill, the evidence it was made from (project questions), and its self-score."""

    key: str
    stage: str
    title: str
    evidence: str = ""
    score: int | None = None


@dataclass
class Transcript:
    """The whole drill so far; ``finished`` is False when it was interrupted."""

    case: str
    title: str
    started_at: str
    minutes: int
    project: str | None
    decisions: list[DecisionRecord]
    answers: list[AnswerRecord] = field(default_factory=list)
    elapsed_seconds: float = 0.0
    finished: bool = False

    @property
    def scores(self) -> dict[str, int]:
        return {record.key: record.score for record in self.decisions if record.score is not None}

    def answers_to(self, key: str) -> list[AnswerRecord]:
        return [answer for answer in self.answers if answer.decision == key]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"

    def to_markdown(self) -> str:
        state = "finished" if self.finished else "interrupted: the transcript stops where the drill did"
        lines = [f"# Drill: {self.title}", "",
                 f"Started {self.started_at}; {self.elapsed_seconds / 60:.1f} of {self.minutes} minutes; {state}.",
                 f"Self-scores: {sum(self.scores.values())} of {3 * len(self.scores)} over {len(self.scores)} "
                 "scored decision(s).", "",
                 "Scale: " + "; ".join(f"{score} = {meaning}" for score, meaning in SCALE.items()) + ".", ""]
        for record in self.decisions:
            answers = self.answers_to(record.key)
            if not answers and record.score is None:
                continue
            score = "not scored" if record.score is None else f"{record.score}/3 ({SCALE[record.score]})"
            lines += [f"## {record.title} ({record.stage}): {score}", ""]
            if record.evidence:
                lines += [f"Evidence: {record.evidence}", ""]
            for answer in answers:
                cut = " (cut short by Ctrl-C)" if answer.cut_short else ""
                lines += [f"**Q{answer.level + 1}. {answer.question}** ({answer.seconds:.0f} s){cut}", ""]
                lines += [f"> {line}" if line else ">" for line in (answer.answer or "(no answer)").splitlines()]
                lines += ["", "Strong points:"] + [f"- {point}" for point in answer.strong]
                lines += ["", "Weak points:"] + [f"- {point}" for point in answer.weak]
                lines += ["", "Red flags:"] + [f"- {point}" for point in answer.red_flags]
                hint = "; ".join(answer.touched) if answer.touched else "none"
                lines += ["", f"Coverage hint (words shared with the strong points, not a grade): {hint}", ""]
        return "\n".join(lines).rstrip() + "\n"

    def write(self, folder: Path) -> None:
        """Replace the transcript's two files in ``folder``, each atomically."""
        atomic.write_text(folder / JSON_FILE, self.to_json())
        atomic.write_text(folder / MARKDOWN_FILE, self.to_markdown())


def transcript_folder(root: Path) -> Path:
    """A new folder ``drill/<UTC timestamp>/`` under ``root`` (a project, or the current folder)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    folder = root / DRILL_DIR / stamp
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = root / DRILL_DIR / f"{stamp}-{suffix}"
    folder.mkdir(parents=True)
    return folder
