"""A real terminal for the command line's interactive parts: the program runs in a pseudo-terminal
(pexpect), reads raw key presses and draws as it would for a person.

prompt_toolkit asks the terminal where its cursor is (``ESC [6n``) before it draws a prompt, to
know how much room the bottom toolbar has; a terminal answers, so this one does too.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect

CURSOR_QUERY = re.escape("\x1b[6n")
CURSOR_AT_TOP = "\x1b[1;1R"


class Terminal:
    """``casekit ARGS`` in a 40x120 pseudo-terminal."""

    def __init__(self, *args: str, cwd: Path, timeout: float = 60) -> None:
        self.child = pexpect.spawn(sys.executable, ["-m", "casekit", *args], cwd=str(cwd), encoding="utf-8",
                                   timeout=timeout, dimensions=(40, 120), env={**os.environ, "COLUMNS": "120"})

    def wait_for(self, pattern: str | type[pexpect.EOF], timeout: float | None = None) -> str:
        """Read until ``pattern`` (a regular expression) shows, answering cursor queries; the text read."""
        seen = []
        while self.child.expect([CURSOR_QUERY, pattern], timeout=timeout or self.child.timeout) == 0:
            seen.append(self.child.before)
            self.child.send(CURSOR_AT_TOP)
        seen.append(self.child.before)
        return "".join(seen)

    def type(self, text: str) -> None:
        """Key presses, as typed; ``\\r`` is the Enter key."""
        self.child.send(text)

    def interrupt(self) -> None:
        self.child.sendcontrol("c")

    def exit_code(self, timeout: float = 180) -> int:
        """Wait for the program to end; its exit code."""
        self.wait_for(pexpect.EOF, timeout)
        self.child.close()
        return int(self.child.exitstatus)

    @property
    def output(self) -> str:
        """What the program printed since the last match, escape sequences removed."""
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", self.child.before or "")
