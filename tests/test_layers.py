"""The package's layers: every module imports only its own layer and the layers below it.

The walker reads each module's source (nothing is imported, so a broken module is still checked)
and counts every import: top-level, inside functions, under ``if TYPE_CHECKING:`` (a type-only
import is still a dependency), absolute and relative, and a string naming a module of the
package (the target of an ``importlib.import_module``, like ``app.cli``'s command list).
``from dealdesk.store import X`` counts as importing ``dealdesk.store``; ``from dealdesk.store
import schema`` as importing ``dealdesk.store.schema``.
"""

from __future__ import annotations

import ast
import types
from dataclasses import dataclass
from pathlib import Path

import dealdesk
import dealdesk.domain

# The layers of `dealdesk`, top to bottom; the same order is stated in the docstring of
# dealdesk/app/__init__.py. A module may import its own layer and the levels below it, never a
# level above nor a peer on its own level (peers are independent of each other). A layer is
# named by the first component under `dealdesk` (`dealdesk.store.schema` is in `store`);
# `__init__` is the package `dealdesk` itself.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__init__", "__main__"),
    ("app",),
    ("http", "actors"),
    ("integrations", "store", "sandbox"),
    ("runtime",),
    ("domain",),
    ("errors",),
)

PACKAGE = "dealdesk"
PACKAGE_DIR = Path(dealdesk.__file__).parent

# I/O packages (and the standard library's I/O modules) the pure domain never imports.
DOMAIN_FORBIDDEN = frozenset(
    {
        "pykka",
        "aiohttp",
        "aiosqlite",
        "anthropic",
        "slack_sdk",
        "slack_bolt",
        "googleapiclient",
        "google",
        "httplib2",
        "sqlite3",
        "socket",
        "asyncio",
        "requests",
        "urllib",
        "subprocess",
    }
)


@dataclass(frozen=True, order=True)
class Import:
    importer: str
    imported: str
    line: int


def module_name(path: Path, root: Path, package: str = PACKAGE) -> str:
    parts = [package, *path.relative_to(root).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Every module under ``root`` (the directory of ``package``), by dotted name."""
    return {module_name(path, root, package): path for path in sorted(root.rglob("*.py"))}


def _is_docstring(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """A string standing as a statement of its own (a docstring): prose, not a module reference."""
    return isinstance(parents.get(node), ast.Expr)


def imports_of(
    module: str, path: Path, known: set[str] | frozenset[str] = frozenset()
) -> set[Import]:
    """Every module ``module`` (at ``path``) imports, wherever the import statement stands.

    ``known`` is the set of the package's modules: it tells ``from p import name`` (a module
    ``p.name``) from ``from p import Name`` (a name defined in ``p``), and which strings name a
    module.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    own_package = module if is_package else module.rpartition(".")[0]
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: set[Import] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(Import(module, alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = own_package.split(".")
                if node.level - 1 >= len(base):
                    msg = f"{module}: relative import beyond the top package (line {node.lineno})"
                    raise ValueError(msg)
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                target = submodule if submodule in known else source
                found.add(Import(module, target, node.lineno))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "." in node.value
            and node.value in known
            and not _is_docstring(node, parents)
        ):
            found.add(Import(module, node.value, node.lineno))
    return found


def layer_of(module: str, package: str = PACKAGE) -> str | None:
    """The layer a module of ``package`` belongs to; None for a module outside the package."""
    if module == package:
        return "__init__"
    if not module.startswith(package + "."):
        return None
    return module.split(".")[1]


def level_of(layer: str) -> int | None:
    for level, layers in enumerate(LAYERS):
        if layer in layers:
            return level
    return None


def allowed_layers(layer: str) -> set[str]:
    level = level_of(layer)
    assert level is not None, f"layer {layer} is not in LAYERS"
    return {layer, *(below for layers in LAYERS[level + 1 :] for below in layers)}


def layer_violations(root: Path, package: str = PACKAGE) -> list[str]:
    """Each import of the package that breaks the order, as ``a -> b (layer x imports layer y)``."""
    modules = package_modules(root, package)
    known = set(modules)
    violations = []
    for module, path in modules.items():
        importer_layer = layer_of(module, package)
        assert importer_layer is not None
        for edge in sorted(imports_of(module, path, known)):
            imported_layer = layer_of(edge.imported, package)
            if imported_layer is None or imported_layer == importer_layer:
                continue
            if level_of(importer_layer) is None or imported_layer not in allowed_layers(
                importer_layer
            ):
                violations.append(
                    f"{edge.importer} -> {edge.imported} "
                    f"(layer {importer_layer} imports layer {imported_layer})"
                )
    return sorted(set(violations))


def is_forbidden_in_domain(imported: str) -> bool:
    return imported.split(".", maxsplit=1)[0] in DOMAIN_FORBIDDEN


def test_every_module_imports_only_its_own_layer_and_the_layers_below() -> None:
    violations = layer_violations(PACKAGE_DIR)
    assert violations == [], "imports against the layer order:\n" + "\n".join(violations)


def test_every_module_of_the_package_belongs_to_a_layer_placed_in_the_order() -> None:
    modules = package_modules(PACKAGE_DIR)
    assert len(modules) > 50
    unplaced = sorted(m for m in modules if level_of(layer_of(m) or "") is None)
    assert unplaced == [], "modules in no layer of LAYERS (place the folder in the order):\n" + (
        "\n".join(unplaced)
    )


def test_every_layer_in_the_order_exists_and_stands_at_one_level_only() -> None:
    named = [layer for layers in LAYERS for layer in layers]
    assert len(named) == len(set(named)), "a layer named twice would allow a cycle"
    present = {layer_of(m) for m in package_modules(PACKAGE_DIR)}
    assert set(named) == present


def test_the_order_lets_runtime_import_only_domain_and_errors_of_the_package() -> None:
    assert allowed_layers("runtime") == {"runtime", "domain", "errors"}
    assert allowed_layers("domain") == {"domain", "errors"}
    assert allowed_layers("errors") == {"errors"}


def test_the_order_keeps_peers_on_one_level_independent_of_each_other() -> None:
    assert "actors" not in allowed_layers("http")
    assert "http" not in allowed_layers("actors")
    for layer in ("integrations", "store", "sandbox"):
        assert allowed_layers(layer) == {layer, "runtime", "domain", "errors"}
    assert allowed_layers("__main__") >= {"app", "errors"}


def test_the_walker_counts_imports_in_functions_under_type_checking_and_relative_ones(
    tmp_path: Path,
) -> None:
    root = tmp_path / "pkg"
    (root / "store").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "store" / "__init__.py").write_text("from pkg.store.schema import Table\n")
    (root / "store" / "schema.py").write_text(
        '"""pkg.store.reader: not an import, only a docstring."""\n'
        "from typing import TYPE_CHECKING\n"
        "from . import reader\n"
        "from .. import errors\n"
        "from ..domain import Money\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.actors.writer import Writer\n"
        "def later():\n"
        "    import pkg.http.app\n"
        "COMMANDS = ('pkg.store.reader',)\n"
    )
    (root / "store" / "reader.py").write_text("")
    (root / "errors.py").write_text("")
    modules = package_modules(root, "pkg")
    path = modules["pkg.store.schema"]
    assert {i.imported for i in imports_of("pkg.store.schema", path, set(modules))} == {
        "typing",
        "pkg.store.reader",
        "pkg.errors",
        "pkg.domain",
        "pkg.actors.writer",
        "pkg.http.app",
    }
    init = modules["pkg.store"]
    assert {i.imported for i in imports_of("pkg.store", init, set(modules))} == {"pkg.store.schema"}


def test_the_walker_catches_an_upward_import_and_a_peer_import(tmp_path: Path) -> None:
    root = tmp_path / "dealdesk"
    for folder in ("domain", "runtime", "store", "sandbox"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "errors.py").write_text("")
    (root / "domain" / "money.py").write_text("from dealdesk.errors import DomainError\n")
    (root / "runtime" / "clock.py").write_text("from dealdesk.domain.money import Money\n")
    (root / "domain" / "bad.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from dealdesk.runtime.clock import Clock\n"
    )
    (root / "store" / "bad.py").write_text(
        "def fake():\n    from ..sandbox import FakeServer\n    return FakeServer\n"
    )
    assert layer_violations(root) == [
        "dealdesk.domain.bad -> dealdesk.runtime.clock (layer domain imports layer runtime)",
        "dealdesk.store.bad -> dealdesk.sandbox (layer store imports layer sandbox)",
    ]


def test_no_domain_module_imports_an_io_package() -> None:
    modules = {
        name: path
        for name, path in package_modules(PACKAGE_DIR).items()
        if layer_of(name) == "domain"
    }
    assert len(modules) > 10
    offenders = sorted(
        f"{edge.importer} -> {edge.imported} (line {edge.line})"
        for name, path in modules.items()
        for edge in imports_of(name, path, set(modules))
        if is_forbidden_in_domain(edge.imported)
    )
    assert offenders == [], "the domain imports I/O:\n" + "\n".join(offenders)


def test_the_domain_purity_check_would_catch_an_io_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text(
        "import asyncio\n"
        "from google.auth import x\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from pykka import ActorRef\n"
        "def later():\n"
        "    import urllib.request\n"
    )
    imported = {i.imported for i in imports_of("dealdesk.domain.bad", sample)}
    assert {m for m in imported if is_forbidden_in_domain(m)} == {
        "asyncio",
        "google.auth",
        "pykka",
        "urllib.request",
    }


def test_domain_exports_only_names_it_defines() -> None:
    exported = dealdesk.domain.__all__
    assert len(exported) == len(set(exported))
    assert {"decide", "Negotiation", "ReplyReading", "read_reply", "CpmTracker"} <= set(exported)
    assert all(hasattr(dealdesk.domain, name) for name in exported)
    init = Path(dealdesk.domain.__file__)
    bound_from_domain: set[str] = set()
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dealdesk.domain."):
            bound_from_domain.update(alias.asname or alias.name for alias in node.names)
    assert set(exported) - bound_from_domain == set(), "exported but not defined in the domain"
    for name in exported:
        value = getattr(dealdesk.domain, name)
        if isinstance(value, type | types.FunctionType):
            assert value.__module__.startswith("dealdesk.domain."), (name, value.__module__)
