"""casekit's layers, as ARCHITECTURE.md orders them: every import follows the order, none makes a
cycle, and the case library uses nothing of casekit but the bottom layer.

Imports are read from the source with ``ast`` (:mod:`import_graph`): at module level, under
``if TYPE_CHECKING:`` and deferred into functions alike.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from import_graph import ARCHITECTURE, ROOT, Import, back_arrows, cycles, graph, imports, layer_of, layer_order, modules

BOTTOM_LAYER = "casekit.files"
CASE_LIBRARY = "casekit.cases"


@pytest.fixture(scope="module")
def order() -> dict[str, int]:
    return layer_order()


@pytest.fixture(scope="module")
def found() -> list[Import]:
    return imports(modules())


def where(edge: Import) -> str:
    return f"{edge.importer} imports {edge.imported} ({edge.path.relative_to(ROOT)}, line {edge.line})"


def test_every_module_belongs_to_a_layer(order):
    unplaced = [module for module in modules() if layer_of(module, order) is None]
    assert not unplaced, f"modules in no layer of {ARCHITECTURE.name}: {unplaced}"


def test_no_module_imports_from_a_layer_above_its_own(found, order):
    against = [f"{where(edge)}: layer {layer_of(edge.importer, order)} importing layer {layer_of(edge.imported, order)}"
               for edge in back_arrows(found, order)]
    assert not against, "imports against the layer order:\n" + "\n".join(against)


def test_no_modules_import_each_other_in_a_cycle(found):
    groups = cycles(graph(found))
    assert not groups, "import cycles:\n" + "\n".join(" <-> ".join(group) for group in groups)


def test_the_case_library_imports_nothing_of_casekit_but_the_bottom_layer(found):
    allowed = (CASE_LIBRARY, BOTTOM_LAYER)
    outside = [where(edge) for edge in found if _within(edge.importer, CASE_LIBRARY)
               and not any(_within(edge.imported, name) for name in allowed)]
    assert not outside, "the case library imports more of casekit than the bottom layer:\n" + "\n".join(outside)


def test_the_bottom_layer_imports_nothing_of_casekit_outside_it(found):
    outside = [where(edge) for edge in found
               if _within(edge.importer, BOTTOM_LAYER) and not _within(edge.imported, BOTTOM_LAYER)]
    assert not outside, "the bottom layer imports the rest of casekit:\n" + "\n".join(outside)


# The reader of imports, on a package written for the purpose.


@pytest.fixture
def package(tmp_path: Path) -> dict[Path, str]:
    files = {
        "__init__.py": "",
        "low.py": """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from demo.high import Thing
            """,
        "high.py": """
            def later():
                from demo import low
            """,
        "sub/__init__.py": "",
        "sub/leaf.py": "from .. import low\nfrom demo.sub import leaf as itself\n",
    }
    for name, text in files.items():
        (tmp_path / "demo" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "demo" / name).write_text(textwrap.dedent(text))
    return {tmp_path / "demo": "demo"}


def test_imports_under_type_checking_and_inside_functions_count(package):
    edges = {(edge.importer, edge.imported, edge.deferred) for edge in imports(modules(package))}
    assert ("demo.low", "demo.high", False) in edges
    assert ("demo.high", "demo.low", True) in edges


def test_a_relative_import_names_the_module_it_loads(package):
    edges = {(edge.importer, edge.imported) for edge in imports(modules(package))}
    assert ("demo.sub.leaf", "demo.low") in edges


def test_two_modules_importing_each_other_make_a_cycle(package):
    assert cycles(graph(imports(modules(package)))) == [["demo.high", "demo.low"]]


def test_an_import_of_a_higher_layer_is_against_the_order(package, tmp_path):
    architecture = tmp_path / "ARCHITECTURE.md"
    architecture.write_text("| layer | import name |\n| --- | --- |\n| 1 | `demo`, `demo.low` |\n"
                            "| 2 | `demo.high`, `demo.sub` |\n")
    against = back_arrows(imports(modules(package)), layer_order(architecture))
    assert [(edge.importer, edge.imported, edge.line) for edge in against] == [("demo.low", "demo.high", 5)]


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")
