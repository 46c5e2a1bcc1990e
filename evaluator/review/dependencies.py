"""The packages a project imports against the ones its ``pyproject.toml`` declares.

A reviewer's re-run installs what ``pyproject.toml`` declares (its dependencies and its
``test`` extra) beside casekit, nothing else (:mod:`casekit.review.venvs`): a package the
candidate installed by hand is missing there, and the pipeline fails on its import.
``casekit validate`` and ``casekit pack`` say so beforehand, one line per import, naming the
file and the line; a re-run that fails with ``ModuleNotFoundError`` on such an import gives
that line as its reason.

The imports are read with ``ast`` from the project's own Python files and its notebooks' code
cells (the files a pack holds), by their top-level names. An import is fine when it is of:

- the standard library (``sys.stdlib_module_names``);
- the project's own code: the name of any of its Python files or of a folder holding one
  (the pipeline runs with ``src`` and the project's root on the path, pytest adds the test
  folders; a local file named like a package shadows the package anyway);
- a distribution in the closure of casekit's requirements, followed recursively through the
  installed packages' metadata: the re-run environment installs casekit from a wheel with its
  requirements, so everything they pull in is importable there (``scipy`` through
  scikit-learn, ``sqlalchemy`` through MLflow). Only the direct requirements would flag
  imports that work at every re-run;
- a distribution in the closure of what the project declares, for the same reason (so far as
  the packages are installed here to read their metadata).

An import name is mapped to its distributions by ``importlib.metadata.packages_distributions()``
(the installed packages), by a small table of well-known mismatches (``sklearn`` is
scikit-learn), else taken to be its own distribution name. Imports a module guards
(``try: import x`` ``except ImportError``) or makes for the type checker only
(``if TYPE_CHECKING:``) are left out: the code runs without them.

Candidate code is hostile input: files are capped in number and size, and a file that does
not parse is skipped and said, never a crash.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from casekit.review.pack import project_files
from casekit.review.venvs import InstallError, project_requirements

# More files than a take-home holds; past it, the rest are said to be unread.
MAX_FILES = 2000
MAX_FILE_BYTES = 2**20
# Import names whose distribution is named otherwise, for packages not installed here.
KNOWN_DISTRIBUTIONS = {
    "sklearn": ("scikit-learn",),
    "skimage": ("scikit-image",),
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python", "opencv-contrib-python-headless"),
    "PIL": ("pillow",),
    "yaml": ("pyyaml",),
    "bs4": ("beautifulsoup4",),
    "dateutil": ("python-dateutil",),
    "dotenv": ("python-dotenv",),
    "docx": ("python-docx",),
    "jwt": ("pyjwt",),
    "attr": ("attrs",),
    "umap": ("umap-learn",),
    "Levenshtein": ("levenshtein", "python-levenshtein"),
    # xgboost-cpu is xgboost without the hundreds of MB of CUDA libraries of its Linux wheel.
    "xgboost": ("xgboost", "xgboost-cpu"),
}
ADVICE = "add it to [project] dependencies, then make install"
MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '([^']+)'")
NOTEBOOK_MAGIC = re.compile(r"^\s*[%!]")
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


@dataclass(frozen=True)
class ImportSite:
    """Where a project imports a top-level module: ``place`` is ``path:line`` (in a notebook,
    ``path:cell N:line``)."""

    place: str
    module: str


@dataclass(frozen=True)
class UndeclaredImport:
    """An import of a package that ``pyproject.toml`` does not declare."""

    site: ImportSite
    distribution: str
    """The distribution to declare for it: from the table of known mismatches, else the module's name."""

    def message(self) -> str:
        module = self.site.module
        named = "" if module == self.distribution else f" (the package {self.distribution})"
        return f"{self.site.place}: imports {module}{named}, which pyproject.toml does not declare: {ADVICE}"


@dataclass(frozen=True)
class DependencyCheck:
    """The undeclared imports of a project, and what could not be checked (files not read, a
    ``pyproject.toml`` that cannot be read), each a line for the terminal."""

    undeclared: list[UndeclaredImport]
    unchecked: list[str]

    def lines(self) -> list[str]:
        return [*self.unchecked, *(found.message() for found in self.undeclared)]


def check_dependencies(project: Path) -> DependencyCheck:
    """The imports in ``project``'s code that its ``pyproject.toml`` does not declare."""
    files, _links = project_files(project)
    sites, unchecked = project_imports(project, files)
    try:
        declared = project_requirements(project)
    except InstallError as error:
        return DependencyCheck([], [*unchecked, f"{error}; a reviewer's re-run cannot install the project: "
                                               f"fix pyproject.toml, then make install"])
    local = local_modules(files)
    # casekit without extras: its test tools are not in a re-run's environment.
    allowed = _closure([*declared, "casekit"])
    providers = importlib.metadata.packages_distributions()
    undeclared = []
    for site in sites:
        if site.module in sys.stdlib_module_names or site.module in local:
            continue
        known = KNOWN_DISTRIBUTIONS.get(site.module, (site.module,))
        candidates = {canonicalize_name(name) for name in [*providers.get(site.module, []), *known, site.module]}
        if not allowed & candidates:
            # Named from the table, not from what happens to be installed here: the same words on
            # every machine.
            undeclared.append(UndeclaredImport(site, known[0]))
    return DependencyCheck(undeclared, unchecked)


def undeclared_failure(project: Path, log_tail: str) -> str | None:
    """Why a re-run's pipeline failed, when its log ends on ``ModuleNotFoundError`` for a package
    the project imports without declaring it: the import's line, else None."""
    missing = MISSING_MODULE.findall(log_tail)
    if not missing:
        return None
    module = missing[-1].split(".")[0]
    found = [item for item in check_dependencies(project).undeclared if item.site.module == module]
    return found[0].message() if found else None


def project_imports(project: Path, files: list[str]) -> tuple[list[ImportSite], list[str]]:
    """Every top-level module imported by the project's Python files and notebooks among
    ``files`` (those a pack holds), once per file, and a line for each file that could not be read."""
    sources = [name for name in files if name.endswith((".py", ".ipynb"))]
    unchecked = []
    if len(sources) > MAX_FILES:
        unchecked.append(f"{len(sources) - MAX_FILES} Python files and notebooks past the first {MAX_FILES} "
                         f"were not checked for undeclared imports")
    sites: list[ImportSite] = []
    for name in sources[:MAX_FILES]:
        path = project / name
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                unchecked.append(f"{name}: over {MAX_FILE_BYTES // 2**20} MB, not checked for undeclared imports")
                continue
            text = path.read_text(encoding="utf-8")
            if name.endswith(".ipynb"):
                sites.extend(_notebook_imports(name, text))
            else:
                sites.extend(ImportSite(f"{name}:{line}", module) for line, module in imports_in(text))
        except (OSError, ValueError, SyntaxError, RecursionError, MemoryError) as error:
            # ValueError: not UTF-8, not JSON, a null byte in the source.
            reason = f"line {error.lineno}: {error.msg}" if isinstance(error, SyntaxError) else \
                str(error) or type(error).__name__
            unchecked.append(f"{name}: cannot be read as code ({reason}), not checked for undeclared imports")
    return sites, unchecked


def imports_in(source: str) -> list[tuple[int, str]]:
    """(line, top-level module) of each absolute import in ``source``, the first per module,
    leaving out guarded and type-checking-only imports; raises SyntaxError."""
    collector = _Imports()
    collector.visit(ast.parse(source))
    return sorted((line, module) for module, line in collector.found.items())


def local_modules(files: list[str]) -> set[str]:
    """The names under which the project's own code (``files``, POSIX paths in it) can be
    imported: every Python file's module name and every folder that holds one."""
    names: set[str] = set()
    for name in files:
        path = PurePosixPath(name)
        if path.suffix == ".py":
            names.add(path.stem)
            names.update(path.parts[:-1])
    return names


class _Imports(ast.NodeVisitor):
    """The first line of each top-level module a module imports where it may fail."""

    def __init__(self) -> None:
        self.found: dict[str, int] = {}

    def _add(self, name: str | None, line: int) -> None:
        if name:
            self.found.setdefault(name.split(".")[0], line)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0:  # a relative import is the project's own
            self._add(node.module, node.lineno)

    def visit_Call(self, node: ast.Call) -> None:
        # importlib.import_module("x") and __import__("x"), with the name written out.
        function = node.func
        named = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
        if named in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str) and not node.args[0].value.startswith("."):
            self._add(node.args[0].value, node.lineno)
        self.generic_visit(node)

    def visit_Try(self, node: ast.Try) -> None:
        if any(_catches_import_error(handler) for handler in node.handlers):
            for child in [*node.handlers, *node.orelse, *node.finalbody]:
                self.visit(child)
        else:
            self.generic_visit(node)

    visit_TryStar = visit_Try

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (getattr(test, "id", None) or getattr(test, "attr", None)) == "TYPE_CHECKING":
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(kind is None or getattr(kind, "id", None) in IMPORT_ERRORS or getattr(kind, "attr", None)
               in IMPORT_ERRORS for kind in kinds)


def _notebook_imports(name: str, text: str) -> Iterator[ImportSite]:
    notebook = json.loads(text)
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise ValueError("not a notebook")
    code = [cell for cell in cells if isinstance(cell, dict) and cell.get("cell_type") == "code"]
    for number, cell in enumerate(code, start=1):
        source = cell.get("source", "")
        source = "".join(map(str, source)) if isinstance(source, list) else str(source)
        # Shell and magic lines (!pip install, %matplotlib) are IPython's, not Python: blanked, so
        # that the lines keep their numbers.
        lines = ["" if NOTEBOOK_MAGIC.match(line) else line for line in source.splitlines()]
        for line, module in imports_in("\n".join(lines)):
            yield ImportSite(f"{name}:cell {number}:{line}", module)


def _closure(requirements: Iterable[str]) -> set[str]:
    """The canonical names of ``requirements`` and of everything they require in turn, with
    their extras, as far as the installed packages' metadata goes."""
    names: set[str] = set()
    seen: set[tuple[str, frozenset[str]]] = set()
    pending = list(requirements)
    while pending:
        try:
            requirement = Requirement(pending.pop())
        except InvalidRequirement:
            continue
        name = canonicalize_name(requirement.name)
        extras = frozenset(requirement.extras)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        names.add(name)
        try:
            requires = importlib.metadata.requires(requirement.name) or []
        except importlib.metadata.PackageNotFoundError:  # not installed here: its own name is all we know
            continue
        for text in requires:
            try:
                child = Requirement(text)
            except InvalidRequirement:
                continue
            if child.marker is None or any(child.marker.evaluate({"extra": extra}) for extra in {"", *extras}):
                pending.append(text)
    return names
