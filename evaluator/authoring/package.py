"""The files of an authored case package, rendered from what ``casekit case new`` decided.

The package is small and declarative: a spec module that declares the table, the split and
the baselines with casekit's generic parts (:mod:`casekit.cases.packaged_table`,
:mod:`casekit.cases.table_split`, :mod:`casekit.cases.table_baselines`), the brief, the rubric, the table
itself (Parquet, pinned by sha256), a record of how it was authored, and the baseline
starter's three stages (the template gives the empty ones). Layout::

    DIR/pyproject.toml                 registers the case under the casekit.cases entry point
    DIR/README.md                      for the team: what is here, what to do next
    DIR/audit.md                       the leak audit
    DIR/<package>/__init__.py          the spec
    DIR/<package>/brief.md, rubric.toml, table.parquet, authoring.json
    DIR/<package>/gold/                 a template for the team's gold answers (weak, adequate, strong)
    DIR/<package>/starter/baseline/features.py, train.py, predict.py
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from casekit import tasks
from casekit.cases.spec import CaseSpec
from casekit.cases.table_baselines import ColumnRoles

TABLE_FILE = "table.parquet"
BRIEF_FILE = "brief.md"
RUBRIC_FILE = "rubric.toml"
RECORD_FILE = "authoring.json"
AUDIT_FILE = "audit.md"
STARTER_DIR = Path("starter") / "baseline"


@dataclass(frozen=True)
class PackageNames:
    """The names an authored case goes by: its distribution and its importable package."""

    slug: str

    @property
    def distribution(self) -> str:
        return f"casekit-case-{self.slug}"

    @property
    def package(self) -> str:
        return f"casekit_case_{self.slug.replace('-', '_')}"


def environment() -> Environment:
    """Jinja for the package's files: ``[[ ... ]]`` and ``[% ... %]``, so that the starter's own
    ``{{ cookiecutter.package_name }}`` passes through to ``casekit new``."""
    return Environment(loader=PackageLoader("casekit.authoring", "templates"), variable_start_string="[[",
                       variable_end_string="]]", block_start_string="[%", block_end_string="%]",
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False,
                       undefined=StrictUndefined)


def spec_module(context: dict[str, Any]) -> str:
    """The spec module's source; every value in ``context`` is already a Python literal."""
    source = environment().get_template("case.py.j2").render(**context)
    compile(source, "__init__.py", "exec")  # a bug here must fail the authoring, not the import
    return source


def starter_files(spec: CaseSpec, columns: ColumnRoles) -> dict[str, str]:
    """The baseline starter's stages for ``spec``, by file name (the predict stage is the task type's)."""
    templates = environment()
    lists = {role: _python_list(getattr(columns, role)) for role in ("numeric", "categorical", "text", "datetime")}
    authoring = tasks.table_authoring(spec.task)
    classification = authoring.classification
    model = {
        "model_title": "logistic regression" if classification else "ridge regression",
        "model_class": "LogisticRegression" if classification else "RidgeCV",
        "model_call": ("LogisticRegression(C=1.0, max_iter=2000)" if classification
                       else "RidgeCV(alphas=(0.1, 1.0, 10.0, 100.0, 1000.0), cv=3)"),
        "target_type": "str" if classification else "float",
    }
    files = {
        "features.py": templates.get_template("features.py.j2").render(**lists),
        "train.py": templates.get_template("train.py.j2").render(**model),
        "predict.py": templates.from_string(authoring.predict_template).render(
            **authoring.predict_context(spec.submission)),
    }
    return {name: _raw_if_needed(text) for name, text in files.items()}


def pyproject(names: PackageNames, title: str, source_name: str, casekit_version: str) -> str:
    return "\n".join([
        "[build-system]",
        'requires = ["hatchling>=1.24"]',
        'build-backend = "hatchling.build"',
        "",
        "[project]",
        f"name = {json.dumps(names.distribution)}",
        'version = "0.1.0"',
        f"description = {json.dumps(f'{title}: a casekit case authored from {source_name}')}",
        'requires-python = ">=3.10"',
        f"dependencies = [{json.dumps(f'casekit>={casekit_version}')}]",
        "",
        '[project.entry-points."casekit.cases"]',
        f"{json.dumps(names.slug)} = {json.dumps(f'{names.package}:CASE')}",
        "",
        "[tool.hatch.build]",
        "# The table, brief and starter ship with the code, whatever a .gitignore around the folder says.",
        "ignore-vcs = true",
        "",
        "[tool.hatch.build.targets.wheel]",
        f"packages = [{json.dumps(names.package)}]",
        "",
    ])


def team_readme(names: PackageNames, title: str, folder: Path, source_name: str, table_note: str) -> str:
    return f"""# {title}

A casekit case made from `{source_name}` by `casekit case new`. What is here:

- `{names.package}/__init__.py`: the case's declaration (task, metrics, split, baselines);
- `{names.package}/{BRIEF_FILE}`: what candidates read first. Write its `TODO(author)` parts;
- `{names.package}/{RUBRIC_FILE}`: how reviewers score the written design (casekit's generic
  rubric: adapt it to your problem);
- `{names.package}/gold/`: three DESIGN.md answers to the case (a weak, an adequate and a
  strong one) and their reference scores, for reviewers to calibrate on before they score
  candidates (`casekit calibrate {names.slug} --reviewer NAME`). Write the `TODO(author)` parts
  with your own answers; `casekit case check` says when they are missing;
- `{names.package}/{TABLE_FILE}`: {table_note}
- `{names.package}/{STARTER_DIR.as_posix()}/`: the working baseline candidates start from
  (`casekit new --starter empty` gives them empty stages instead);
- `{AUDIT_FILE}`: the leak audit of the table.

Next:

```
pip install -e {folder}                 # registers the case '{names.slug}'
casekit case check {names.slug}         # every check a case must pass, before anyone gets it
casekit new {names.slug} --keys-dir ~/casekit-keys --candidate "Ada L." -o ada-{names.slug}
```
"""


def record(data: dict[str, Any]) -> str:
    """``authoring.json``: how the case was made (options, tables, decisions), for whoever maintains it."""
    return json.dumps(data, indent=2, sort_keys=True, default=str) + "\n"


def literal(value: Any) -> str:
    """``value`` as Python source: a tuple wrapped one item a line when long, anything else on one line."""
    if isinstance(value, tuple) and len(repr(value)) > 96:
        return "(\n" + "".join(f"        {item!r},\n" for item in value) + "    )"
    return repr(value)


def _python_list(names: tuple[str, ...]) -> str:
    if not names:
        return "[]"
    text = repr(list(names))
    if len(text) <= 100:
        return text
    return "[\n" + "".join(f"    {name!r},\n" for name in names) + "]"


def _raw_if_needed(text: str) -> str:
    """A starter file whose column names hold Jinja delimiters, kept from ``casekit new``'s Jinja."""
    package = "{{ cookiecutter.package_name }}"
    if not any(marker in text.replace(package, "") for marker in ("{{", "{%", "{#")):
        return text
    return text.replace(package, "\x00").join(["{% raw %}", "{% endraw %}"]).replace(
        "\x00", "{% endraw %}" + package + "{% raw %}")
