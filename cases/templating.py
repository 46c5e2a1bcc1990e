"""A Jinja2 extension that gives the cookiecutter template access to the case library.

The project template is generic; what is particular to a case (its brief, its pipeline
stages and contract tests) stays in the case's folder. The template pulls it in with::

    {{ case_brief(cookiecutter.case) }}
    {{ starter_file("ingest.py") }}

``starter_file`` looks in ``cases/<slug>/starter/<starter>/`` and then ``cases/<slug>/starter/``
and renders the file with the cookiecutter context, so starter files may use
``{{ cookiecutter.package_name }}``. Plain ``cookiecutter`` loads this extension through the
template's ``_extensions``, which is why casekit must be installed where cookiecutter runs.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import pass_context
from jinja2.ext import Extension

import cases


class CaseExtension(Extension):
    def __init__(self, environment) -> None:
        super().__init__(environment)
        environment.globals.update(
            case_brief=case_brief,
            case_title=lambda slug: cases.get(slug).title,
            starter_file=starter_file,
        )


def case_brief(slug: str) -> str:
    return cases.get(slug).brief_path.read_text(encoding="utf-8").strip()


def starter_path(slug: str, starter: str, name: str) -> Path:
    """The starter file ``name`` of a case: the starter's own version, else the shared one."""
    root = cases.get(slug).starter_dir
    for candidate in (root / starter / name, root / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"case {slug!r} has no starter file {name!r} for the {starter!r} starter in {root}")


@pass_context
def starter_file(context, name: str) -> str:
    cookiecutter = context["cookiecutter"]
    path = starter_path(cookiecutter["case"], cookiecutter["starter"], name)
    template = context.environment.from_string(path.read_text(encoding="utf-8"))
    return template.render(cookiecutter=cookiecutter).rstrip("\n")
