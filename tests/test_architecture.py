"""The package's shape, held by a test: imports run down the layers, never up or sideways.

domain (and reference data) < adapters < services, queries < research, demo < ui, cli < deploy.
The pages never touch the adapters; research reads no staff query (only the one frame helper).
"""

import ast
import sys
from pathlib import Path

import portfolio_lib

PACKAGE = Path(portfolio_lib.__file__).parent
LAYERS = {"domain": 0, "reference": 0, "adapters": 1, "services": 2, "queries": 2, "research": 3, "demo": 3,
          "ui": 4, "cli": 4, "deploy": 5}
FORBIDDEN = {  # (importing package, imported module prefix): why
    ("ui", "adapters"): "the pages reach data through queries and services only",
    ("research", "queries"): "research reads de-identified data, never the staff queries",
}
ALLOWED = {("research", "queries.frames")}  # the read side's one way from SQL to a DataFrame


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module inside portfolio_lib) of every import of a module of the package."""
    inside = path.relative_to(PACKAGE).with_suffix("").parts
    package = inside if path.name == "__init__.py" else inside[:-1]
    package = tuple(p for p in package if p != "__init__")
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            if node.module:
                found.append((node.lineno, ".".join(base + tuple(node.module.split(".")))))
            else:
                found += [(node.lineno, ".".join(base + (alias.name,))) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("portfolio_lib."):
            found.append((node.lineno, node.module.removeprefix("portfolio_lib.")))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.removeprefix("portfolio_lib.")) for alias in node.names
                      if alias.name.startswith("portfolio_lib.")]
    return found


def violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        top = parts[0] if parts[0] != "__init__" else None
        if top is None:
            continue
        for line, module in imports(path):
            target = module.split(".")[0]
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
            if target == top or target not in LAYERS:
                continue
            if any(module == allowed or module.startswith(allowed + ".")
                   for importer, allowed in ALLOWED if importer == top):
                continue
            if (top, target) in FORBIDDEN:
                found.append(f"{where}: {FORBIDDEN[top, target]}")
            elif LAYERS[target] >= LAYERS[top]:
                found.append(f"{where}: {top} (layer {LAYERS[top]}) may import only lower layers, "
                             f"not {target} (layer {LAYERS[target]})")
    return found


def test_every_package_of_the_library_has_a_layer():
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert packages | modules == set(LAYERS)


def test_imports_run_down_the_layers():
    assert violations() == []


def test_the_walk_sees_an_import_that_runs_up(tmp_path, monkeypatch):
    """The check itself: a domain module importing the ui, and a page importing the adapters, are caught."""
    fake = tmp_path / "portfolio_lib"
    for package, text in (("domain", "from ..ui.common import Chart\n"), ("ui", "from ..adapters import tables\n"),
                          ("research", "from ..queries.frames import frame\nfrom ..queries import dashboards\n")):
        (fake / package).mkdir(parents=True)
        (fake / package / "__init__.py").write_text("")
        (fake / package / "bad.py").write_text(text)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    found = violations()
    assert len(found) == 3, found
    assert "domain/bad.py:1 imports ui.common" in found[0]
    assert "research/bad.py:2 imports queries" in found[1] and "ui/bad.py:1 imports adapters:" in found[2]


def test_the_page_registry_names_every_notebook_and_a_widget_app_for_every_dashboard():
    from portfolio_lib.domain.pages import DASHBOARDS, notebooks
    from portfolio_lib.ui import dashboard_app
    shipped = {p.name for p in (PACKAGE.parent / "dashboards").glob("*.ipynb")}
    assert notebooks() == shipped
    for key, page in DASHBOARDS.items():
        app = dashboard_app(key)
        assert app.__module__ == f"portfolio_lib.ui.{page.notebook.removesuffix('.ipynb')}"
        assert page.key in (PACKAGE.parent / "dashboards" / page.notebook).read_text(encoding="utf-8")
