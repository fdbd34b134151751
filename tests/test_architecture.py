"""The layout holds: import-linter's contracts (pyproject.toml) pass and catch a reverse
import; pages and API reach the database only through selectors and services; no module
grows past the size a newcomer reads at a glance. docs/architecture.md explains the
layout these checks keep."""

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "cases", "dispatch", "analytics")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 600


def _app_modules() -> Iterator[Path]:
    """Every module of ours but migrations, tests and benchmarks: the apps' Python and
    the pages' scripts (static/, without the vendored libraries)."""
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path
    for path in sorted((ROOT / "static").rglob("*.js")):
        if "vendor" not in path.parts:
            yield path


def _copy_of_the_apps(target: Path) -> Path:
    """The apps' Python files and the contracts, in ``target``: a reverse import added
    there changes nothing in the working tree."""
    for app in APPS:
        shutil.copytree(
            ROOT / app, target / app, ignore=shutil.ignore_patterns("__pycache__", "data")
        )
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def _lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (our own lint-imports, fixed arguments)
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=where,
        env={"PYTHONPATH": str(where), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def _append_import(module: Path, statement: str) -> None:
    module.write_text(module.read_text() + f"\n{statement}  # noqa\n")


def test_the_import_contracts_are_kept(tmp_path):
    result = _lint_imports(_copy_of_the_apps(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_an_import_against_the_app_direction_breaks_the_contract(tmp_path):
    copy = _copy_of_the_apps(tmp_path)
    _append_import(copy / "cases" / "models" / "violations.py", "import dispatch.models.tasks")

    result = _lint_imports(copy)

    assert result.returncode == 1
    assert "Apps depend one way: analytics -> dispatch -> cases -> portal BROKEN" in result.stdout
    assert "cases.models.violations -> dispatch.models.tasks" in result.stdout


def test_the_core_importing_a_domain_app_breaks_the_contract(tmp_path):
    copy = _copy_of_the_apps(tmp_path)
    _append_import(copy / "portal" / "navigation.py", "import cases.models")

    result = _lint_imports(copy)

    assert result.returncode == 1
    assert "portal.navigation -> cases.models" in result.stdout


def test_a_selector_importing_a_service_breaks_the_layers(tmp_path):
    copy = _copy_of_the_apps(tmp_path)
    _append_import(copy / "dispatch" / "selectors" / "tasks.py", "import dispatch.services.tasks")

    result = _lint_imports(copy)

    assert result.returncode == 1
    assert "dispatch.selectors is not allowed to import dispatch.services" in result.stdout


class _ManagerCalls(ast.NodeVisitor):
    """``Model.objects....`` (but ``.none()``, a schema-only queryset that reads
    nothing), ``Model._default_manager`` and the get_object_or_404 shortcuts."""

    SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self._none_receivers: set[int] = set()

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "none":
            self._none_receivers.add(id(func.value))
        if isinstance(func, ast.Name) and func.id in self.SHORTCUTS:
            self.found.append((node.lineno, func.id))
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in {"objects", "_default_manager"} and id(node) not in self._none_receivers:
            self.found.append((node.lineno, ast.unparse(node)))
        self.generic_visit(node)


def _page_and_api_modules() -> Iterator[Path]:
    for app in APPS:
        for layer in ("views", "api"):
            yield from sorted((ROOT / app / layer).glob("*.py"))


def manager_calls(source: str) -> list[tuple[int, str]]:
    visitor = _ManagerCalls()
    visitor.visit(ast.parse(source))
    return visitor.found


def test_the_guard_finds_a_direct_manager_call():
    source = (
        "def view(request, pk):\n"
        "    a = Task.objects.filter(pk=pk)\n"
        "    b = get_object_or_404(Task, pk=pk)\n"
        "    c = Task._default_manager.all()\n"
        "    d = Task.objects.none()\n"
    )

    assert manager_calls(source) == [
        (2, "Task.objects"),
        (3, "get_object_or_404"),
        (4, "Task._default_manager"),
    ]


@pytest.mark.parametrize(
    "module", list(_page_and_api_modules()), ids=lambda p: str(p.relative_to(ROOT))
)
def test_pages_and_api_read_and_write_through_selectors_and_services(module):
    assert manager_calls(module.read_text()) == [], (
        f"{module.relative_to(ROOT)} calls a model manager directly: read through a "
        "selector (an accessor that checks the user's reach) or act through a service."
    )


def test_no_module_is_longer_than_a_newcomer_reads_at_a_glance():
    long_modules = {
        str(path.relative_to(ROOT)): lines
        for path in _app_modules()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }

    assert long_modules == {}
