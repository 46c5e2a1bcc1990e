"""The drill in the terminal: timed questions, typed answers, then the candidate's own scores.

One decision at a time: its opening question, then its follow-ups, each answered in a
multi-line box that an empty line ends. The bottom toolbar counts down the drill's minutes;
when they are up, the answer being typed is the last one. Then every answered decision is shown
beside its strong and weak points with the coverage hint, and the candidate scores it 0-3.

The answer box is prompt_toolkit in raw mode, so Ctrl-C is a key like any other: it ends the
drill with the answer being typed kept (plain ``input()`` would lose that line). The
transcript is written after every step; :class:`DrillInterrupted` carries it out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.formatted_text import HTML
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.validation import Validator
from rich.console import Console
from rich.markup import escape

from casekit.cases.spec import CaseSpec
from casekit.drill.coverage import touched_points
from casekit.drill.plan import Decision
from casekit.drill.transcript import SCALE, AnswerRecord, DecisionRecord, Transcript


class DrillInterrupted(Exception):
    """Ctrl-C (or end of input) ended the drill; ``transcript`` holds what was kept, written to ``folder``."""

    def __init__(self, transcript: Transcript, folder: Path) -> None:
        super().__init__("drill interrupted")
        self.transcript = transcript
        self.folder = folder


class _Stopped(Exception):
    """Raised out of the answer box by Ctrl-C, with the text typed so far."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class DrillSetup:
    """What a drill asks, for how long, and the folder whose ``drill/`` keeps its transcripts."""

    spec: CaseSpec
    decisions: tuple[Decision, ...]
    minutes: int
    root: Path
    project: Path | None = None


class Countdown:
    """The drill's time left, as the toolbar shows it."""

    def __init__(self, minutes: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started = clock()
        self.seconds = minutes * 60

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    @property
    def over(self) -> bool:
        return self.elapsed >= self.seconds

    def toolbar(self) -> HTML:
        left = max(0, int(self.seconds - self.elapsed))
        if left == 0:
            return HTML("<b>time is up</b>: finish this answer. Empty line: end the answer. Ctrl-C: stop, keeping it")
        return HTML(f"<b>{left // 60:02d}:{left % 60:02d}</b> left. Empty line: end the answer. "
                    "Ctrl-C: stop, keeping the transcript")


def run_drill(setup: DrillSetup, console: Console, folder: Path) -> Transcript:
    """Ask, then let the candidate score; the transcript is written to ``folder`` as it grows.

    Raises
    ------
    DrillInterrupted
        On Ctrl-C or end of input, with the transcript kept so far (the answer being typed included).
    """
    countdown = Countdown(setup.minutes)
    transcript = Transcript(
        case=setup.spec.slug, title=setup.spec.title,
        started_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), minutes=setup.minutes,
        project=str(setup.project) if setup.project else None,
        decisions=[DecisionRecord(d.key, d.stage, d.title, d.evidence) for d in setup.decisions])
    box = _answer_box(countdown)

    def save() -> None:
        transcript.elapsed_seconds = round(countdown.elapsed, 1)
        transcript.write(folder)

    save()
    console.print(f"[bold]{setup.spec.title}[/bold]: the \"why?\" drill, {len(setup.decisions)} decisions in "
                  f"{setup.minutes} minutes. Transcript: {folder}", highlight=False)
    try:
        _ask(setup.decisions, transcript, box, countdown, console, save)
        _score(setup.decisions, transcript, console, save)
    except (_Stopped, KeyboardInterrupt, EOFError):
        save()
        raise DrillInterrupted(transcript, folder) from None
    transcript.finished = True
    save()
    return transcript


def _ask(decisions: tuple[Decision, ...], transcript: Transcript, box: PromptSession, countdown: Countdown,
         console: Console, save: Callable[[], None]) -> None:
    for number, decision in enumerate(decisions, start=1):
        console.print()
        console.rule(f"{number}/{len(decisions)} · {decision.stage.replace('_', ' ')} · {decision.title}")
        if decision.evidence:
            console.print(f"[dim]Evidence: {escape(decision.evidence)}[/dim]", highlight=False)
        for level, asked in enumerate(decision.levels):
            label = "Q" if level == 0 else "Why?"
            console.print(f"\n[bold]{label}[/bold] {escape(asked.question)}", highlight=False)
            started = countdown.elapsed
            try:
                text = box.prompt("> ").rstrip()
            except _Stopped as stopped:
                transcript.answers.append(AnswerRecord.of(
                    decision, level, stopped.text.rstrip(), countdown.elapsed - started,
                    touched_points(stopped.text, asked.strong), cut_short=True))
                raise
            transcript.answers.append(AnswerRecord.of(decision, level, text, countdown.elapsed - started,
                                                      touched_points(text, asked.strong)))
            save()
            if countdown.over:
                console.print("\n[bold]Time is up.[/bold]")
                return


def _score(decisions: tuple[Decision, ...], transcript: Transcript, console: Console,
           save: Callable[[], None]) -> None:
    answered = [decision for decision in decisions if transcript.answers_to(decision.key)]
    console.print()
    console.rule("Score yourself")
    console.print("For each decision, your answers beside the anchors. Scale: "
                  + "; ".join(f"{score} = {meaning}" for score, meaning in SCALE.items()) + ".", highlight=False)
    scorer: PromptSession = PromptSession(validator=Validator.from_callable(
        lambda text: text.strip() in {"0", "1", "2", "3", ""}, error_message="type 0, 1, 2 or 3 (Enter: skip)"))
    records = {record.key: record for record in transcript.decisions}
    for decision in answered:
        console.print()
        console.rule(decision.title)
        for answer in transcript.answers_to(decision.key):
            console.print(f"\n[bold]Q{answer.level + 1}.[/bold] {escape(answer.question)} "
                          f"[dim]({answer.seconds:.0f} s)[/dim]", highlight=False)
            console.print(f"[cyan]You:[/cyan] {escape(answer.answer or '(no answer)')}", highlight=False)
            for point in answer.strong:
                mark = "[green]*[/green]" if point in answer.touched else " "
                console.print(f"  {mark} [green]strong:[/green] {escape(point)}", highlight=False)
            for point in answer.weak:
                console.print(f"    [yellow]weak:[/yellow] {escape(point)}", highlight=False)
            for point in answer.red_flags:
                console.print(f"    [red]red flag:[/red] {escape(point)}", highlight=False)
            console.print(f"  [dim]coverage hint, not a grade: your words touch {len(answer.touched)} of "
                          f"{len(answer.strong)} strong points (marked *)[/dim]", highlight=False)
        text = scorer.prompt(f"Your score for '{decision.title}' (0-3, Enter: skip): ").strip()
        records[decision.key].score = int(text) if text else None
        save()


def _answer_box(countdown: Countdown) -> PromptSession:
    """A multi-line prompt that an empty line ends and Ctrl-C leaves with its text."""
    bindings = KeyBindings()

    @bindings.add("enter")
    def _(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        document = buffer.document
        if document.is_cursor_at_the_end and not document.current_line.strip():
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    @bindings.add("c-c")
    def _(event: KeyPressEvent) -> None:
        event.app.exit(exception=_Stopped(event.current_buffer.text))

    return PromptSession(multiline=True, key_bindings=bindings, bottom_toolbar=countdown.toolbar,
                         refresh_interval=1.0, prompt_continuation="  ")

