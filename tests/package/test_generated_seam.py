"""The facade reaches the generated package only through public names.

scripts/templates/endpoint_module.py.jinja gives every operation module two public functions,
`build_request` and `parse_response`; the facade calls those and nothing private, so a new
openapi-python-client cannot break it by renaming an internal (`_get_kwargs` and
`_parse_response` were such internals). The scanner below reads the facade's source with
`ast`: any underscore-prefixed attribute of a name imported from amperity_api, any private
name imported from it, and any use of the stock template's private helpers (also through a
module passed around as a value) is reported.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FACADE = ROOT / "amperity_facade"
GENERATED = ROOT / "generated" / "amperity_api"
PACKAGE = "amperity_api"
# The stock endpoint template's private helpers: wrong on any object, not only on names
# imported from amperity_api (the facade passes operation modules around as values).
STOCK_PRIVATE = {"_get_kwargs", "_parse_response", "_build_response"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _from_generated(module: str | None) -> bool:
    return module is not None and (module == PACKAGE or module.startswith(PACKAGE + "."))


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def private_uses(source: str, filename: str = "<source>") -> list[str]:
    """`file:line: what` for every private reach into the generated package."""
    tree = ast.parse(source, filename)
    bound: set[str] = set()  # names that refer to amperity_api or something from it
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _from_generated(alias.name):
                    bound.add(alias.asname or alias.name.split(".")[0])
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append(f"{filename}:{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _from_generated(node.module):
            assert node.module is not None
            if any(_private(part) for part in node.module.split(".")):
                found.append(f"{filename}:{node.lineno}: from {node.module} import ...")
            for alias in node.names:
                bound.add(alias.asname or alias.name)
                if _private(alias.name):
                    found.append(
                        f"{filename}:{node.lineno}: from {node.module} import {alias.name}"
                    )
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr in STOCK_PRIVATE:
            found.append(f"{filename}:{node.lineno}: .{node.attr}")
        elif _private(node.attr) and _root(node) in bound:
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node)}")
    for name in STOCK_PRIVATE:  # getattr(module, "_get_kwargs") and the like
        for lineno, line in enumerate(source.splitlines(), 1):
            if f'"{name}"' in line or f"'{name}'" in line:
                found.append(f"{filename}:{lineno}: {name!r} as a string")
    return sorted(set(found))


def test_the_facade_uses_only_public_names_of_the_generated_package() -> None:
    files = sorted(FACADE.rglob("*.py"))
    assert len(files) > 10
    found: list[str] = []
    for path in files:
        found += private_uses(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == []


def test_the_scanner_catches_private_reaches() -> None:
    source = (
        "from typing import Any\n"
        "import amperity_api.api.ingest as ingest\n"
        "from amperity_api.api.workflow import get_workflow\n"
        "from amperity_api.types import _private_helper\n"
        "def call(module: Any) -> Any:\n"
        "    kwargs = get_workflow._get_kwargs('wf-1')\n"
        "    module._parse_response(client=None, response=None)\n"
        "    ingest.list_ingest_jobs._build_request()\n"
        "    return getattr(module, '_get_kwargs')\n"
    )
    assert private_uses(source) == [
        "<source>:4: from amperity_api.types import _private_helper",
        "<source>:6: ._get_kwargs",
        "<source>:7: ._parse_response",
        "<source>:8: ingest.list_ingest_jobs._build_request",
        "<source>:9: '_get_kwargs' as a string",
    ]


def test_the_scanner_passes_public_and_unrelated_private_names() -> None:
    source = (
        "from amperity_api.api.workflow import get_workflow\n"
        "class C:\n"
        "    def f(self, module):\n"
        "        self._http.send(get_workflow.build_request('wf-1'))\n"
        "        return module.parse_response(self._response), get_workflow.__name__\n"
    )
    assert private_uses(source) == []


def test_every_operation_module_has_the_public_seam() -> None:
    """The custom template is in effect: build_request and parse_response, and no leftovers
    of the stock template for the facade to fall back on."""
    modules = sorted(p for p in (GENERATED / "api").rglob("*.py") if p.name != "__init__.py")
    assert len(modules) >= 11
    for path in modules:
        rel = path.relative_to(GENERATED.parent).with_suffix("")
        module = importlib.import_module(".".join(rel.parts))
        assert callable(getattr(module, "build_request", None)), rel
        assert callable(getattr(module, "parse_response", None)), rel
        assert not STOCK_PRIVATE & set(vars(module)), rel
