"""The import graph of the ``casekit`` package, read from its source files with ``ast``.

The repository's folders are not its import names (``evaluator/`` is ``casekit``, ``cases/`` is
``casekit.cases``), so modules are named here as they are installed. Every import of a casekit
module counts: at module level, under ``if TYPE_CHECKING:``, and deferred into a function (a
deferred import that dodges a cycle is still the cycle). Run as a script, it prints the cycles.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "ARCHITECTURE.md"
PACKAGE = "casekit"
# Folder in the repository -> the import name it is installed as.
FOLDERS = {ROOT / "evaluator": "casekit", ROOT / "cases": "casekit.cases"}
# Starter stages are templates read as text, never imported.
SKIPPED_PARTS = {"starter", "__pycache__"}


@dataclass(frozen=True)
class Import:
    """One import of a casekit module by another, where it is written."""

    importer: str
    imported: str
    path: Path
    line: int
    deferred: bool  # written inside a function, so it runs when the function does


def modules(folders: dict[Path, str] = FOLDERS) -> dict[str, Path]:
    """Every module under ``folders`` (folder -> its import name) by its installed name; a package
    is named by its own name, not ``__init__``."""
    found: dict[str, Path] = {}
    for folder, package in folders.items():
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            if SKIPPED_PARTS & set(parts):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


def imports(known: dict[str, Path]) -> list[Import]:
    """Every import of a casekit module written in a casekit module."""
    found = []
    for importer, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node, deferred in _import_nodes(tree):
            targets = sorted(set(_targets(node, importer, is_package, known)))
            found.extend(Import(importer, imported, path, node.lineno, deferred) for imported in targets)
    return found


def graph(found: list[Import]) -> dict[str, set[str]]:
    """Importer -> the casekit modules it imports (a module importing itself is left out)."""
    edges: dict[str, set[str]] = {}
    for edge in found:
        if edge.imported != edge.importer:
            edges.setdefault(edge.importer, set()).add(edge.imported)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of two or more modules (Tarjan), each sorted, largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(edges.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(groups, key=lambda group: (-len(group), group))


def layer_order(architecture: Path = ARCHITECTURE) -> dict[str, int]:
    """Each name in ARCHITECTURE.md's table of layers -> its layer's number (1 is the bottom).

    A row reads ``| 3 | `casekit.cases` | ...``: its number, then the import names it holds.
    """
    order = {}
    for line in architecture.read_text(encoding="utf-8").splitlines():
        row = re.match(r"\|\s*(\d+)\s*\|([^|]*)\|", line)
        if row:
            for name in re.findall(r"`([\w.]+)`", row.group(2)):
                order[name] = int(row.group(1))
    return order


def layer_of(module: str, order: dict[str, int]) -> int | None:
    """The layer of ``module``: its own name's, or its package's (the root package names only
    its ``__init__``, so a module nobody placed has no layer)."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in order and (end == len(parts) or name != PACKAGE):
            return order[name]
    return None


def back_arrows(found: list[Import], order: dict[str, int]) -> list[Import]:
    """The imports of a module from a layer above its own."""
    return [edge for edge in found
            if (layer_of(edge.importer, order) or 0) < (layer_of(edge.imported, order) or 0)]


def _import_nodes(tree: ast.Module) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    """The import statements of ``tree``, each with whether it sits inside a function."""
    found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []

    def walk(node: ast.AST, deferred: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append((child, deferred))
            inside = deferred or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            walk(child, inside)

    walk(tree, False)
    return found


def _targets(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, known: dict[str, Path]) -> list[str]:
    """The casekit modules one import statement loads (``from a import b`` loads ``a.b`` if it is one)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in known]
    base = node.module or ""
    if node.level:
        package = importer.split(".") if is_package else importer.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(filter(None, [*package, base]))
    if base not in known:
        return []
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]


if __name__ == "__main__":
    known = modules()
    found = imports(known)
    groups = cycles(graph(found))
    against = back_arrows(found, layer_order())
    print(f"{len(known)} modules, {len(found)} imports of casekit modules, {len(groups)} cycles, "
          f"{len(against)} imports against the layer order")
    for group in groups:
        print("  cycle:", " <-> ".join(group))
    for edge in against:
        print(f"  against the order: {edge.importer} imports {edge.imported} "
              f"({edge.path.relative_to(ROOT)}:{edge.line})")
