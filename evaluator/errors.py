"""The errors casekit reports to its users, each with the exit code the CLI returns.

Exit codes: 0 ok, 1 an invalid submission or a failed check, 2 a usage error.
"""

from __future__ import annotations


class CasekitError(Exception):
    """A problem the user can fix; the CLI prints the message, without a traceback."""

    exit_code = 1


class UsageError(CasekitError):
    """The command was called wrongly: a path that is not a project, a clash with --force."""

    exit_code = 2


class IntegrityError(CasekitError):
    """An answer key, bundle or cached file does not match its recorded fingerprint."""


class InvalidSubmissionError(CasekitError):
    """The submission failed validation; ``report`` lists every problem found."""

    def __init__(self, report) -> None:
        self.report = report
        super().__init__(report.summary())
