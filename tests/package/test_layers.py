"""Imports point one way: the CLI stands on the public surface, the core below the package.

The CLI (amperity_facade/_cli/) may import the package itself and its public modules
(`errors`, `pagination`, `types`, `testing`) and its own `_cli` siblings, never a private
module of the core: what it needs, a user of the library can have too. One exception,
`_dates`: pure value parsing with no client state, shared so the CLI's time options follow
the library's rules from one implementation instead of a copy. The core never
imports the package's `__init__`, which imports the core: the version has `_version`.
The Airflow provider (amperity_facade/airflow/) stands on the public surface too, with
`_dates` (the `Moment` its range arguments take) and `_workflows` (which states are finished,
failed or still running) as its exceptions, for the same reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "amperity_facade"
NAME = "amperity_facade"


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute dotted name) of each module imported, names from `from X import n`
    counted as `X.n` (they may be submodules)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts[:-1]  # for __init__ too: its dots count from the package itself
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ((node.module,) if node.module else ()))
            else:
                module = node.module or ""
            if module != NAME:  # `from amperity_facade import x`: judged by what x is
                yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def private(dotted: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def from_the_init(dotted: str) -> bool:
    """`amperity_facade.x` names something defined in the package's __init__, not a module."""
    rest = dotted.split(".")[1:]
    if len(rest) != 1:
        return False
    return not ((PACKAGE / f"{rest[0]}.py").exists() or (PACKAGE / rest[0]).is_dir())


def core_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in ("_cli", "airflow", "testing", "__init__.py")
        and path.name != "__main__.py"
    ]


def test_the_import_scan_resolves_relative_imports() -> None:
    cli = PACKAGE / "_cli" / "_commands.py"
    found = {name for _, name in imports(cli)}
    assert "amperity_facade.pagination.Paginator" in found
    assert "amperity_facade._cli._output" in found
    assert private("amperity_facade._sync.client") and not private("amperity_facade.__version__")
    assert from_the_init("amperity_facade.__version__") and from_the_init("amperity_facade.Page")
    assert not from_the_init("amperity_facade._config")


def test_the_cli_uses_only_the_public_surface() -> None:
    wrong = []
    for path in sorted((PACKAGE / "_cli").rglob("*.py")):
        for line, name in imports(path):
            if not name.startswith(NAME + ".") or name.startswith(NAME + "._cli"):
                continue
            if private(name) and not name.startswith(NAME + "._dates"):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    assert wrong == []


def test_the_airflow_provider_uses_only_the_public_surface() -> None:
    allowed = (NAME + "._dates", NAME + "._workflows")
    wrong = []
    files = sorted((PACKAGE / "airflow").rglob("*.py"))
    assert files
    for path in files:
        for line, name in imports(path):
            if not name.startswith(NAME + ".") or name.startswith(NAME + ".airflow"):
                continue
            if private(name) and not name.startswith(allowed):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    assert wrong == []


def test_the_core_never_imports_the_package_init() -> None:
    wrong = []
    for path in core_modules():
        for line, name in imports(path):
            if name == NAME or (name.startswith(NAME + ".") and from_the_init(name)):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    assert wrong == []


def test_the_version_has_one_source() -> None:
    import tomllib

    import amperity_facade
    from amperity_facade._version import __version__

    assert amperity_facade.__version__ == __version__
    with (PACKAGE.parent / "pyproject.toml").open("rb") as handle:
        meta = tomllib.load(handle)
    assert "version" not in meta["project"] and "version" in meta["project"]["dynamic"]
    assert meta["tool"]["hatch"]["version"]["path"] == "amperity_facade/_version.py"
