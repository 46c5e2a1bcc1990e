"""One import name, ``casekit``, over the repository's folders.

``evaluator/`` is the package ``casekit`` itself, ``cases/`` is ``casekit.cases`` and the project
template ships inside it as ``casekit/cookiecutter-template``. The sub-packages are found here, so
a new case or layer needs no line in any build file.
"""

from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
TEMPLATE = "cookiecutter-template"
# Besides modules: the report and authoring templates, the rubrics, the case files (brief,
# rubric, drill plan, gold answers) and the starter stages (Python read as text, never imported).
DATA = ["py.typed", "**/*.j2", "**/*.toml", "**/*.md", "*/starter/**/*.py", "*/gold/*"]


class BuildWithTemplate(build_py):
    """Copies the cookiecutter template, dotfiles and all, into the built ``casekit`` package."""

    def run(self) -> None:
        super().run()
        for path in sorted((ROOT / TEMPLATE).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                target = Path(self.build_lib, "casekit", TEMPLATE, path.relative_to(ROOT / TEMPLATE))
                self.mkpath(str(target.parent))
                self.copy_file(str(path), str(target))


setup(
    package_dir={"casekit": "evaluator", "casekit.cases": "cases"},
    packages=["casekit", *(f"casekit.{name}" for name in find_packages("evaluator")),
              "casekit.cases", *(f"casekit.cases.{name}" for name in find_packages("cases"))],
    package_data={"casekit": DATA, "casekit.cases": DATA},
    cmdclass={"build_py": BuildWithTemplate},
)
