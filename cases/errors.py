"""The errors casekit reports to its users, rooted in one type.

``evaluator`` adds its own (usage errors, integrity errors, invalid submissions) under the same
root, so the command line maps every failure to a message and an exit code in one place: 0 ok,
1 an invalid submission or a failed check, 2 a usage error.
"""

from __future__ import annotations


class CasekitError(Exception):
    """A problem the user can act on; the CLI prints the message, without a traceback."""

    exit_code = 1


class UnknownCaseError(CasekitError, KeyError):
    """No case is registered under the requested slug, or it has no such source."""

    exit_code = 2

    def __str__(self) -> str:
        return str(self.args[0])


class CaseSpecError(CasekitError):
    """A case declares what the machinery cannot honour: a metric that does not exist, a
    parameter a metric does not take, a submission schema its task type cannot read."""


class DataSourceError(CasekitError):
    """A dataset could not be found, downloaded, or did not match its pinned sha256."""


class PrepareError(CasekitError):
    """A prepared split broke the case contract (a bug in the case, not in user input)."""
