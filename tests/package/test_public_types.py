"""The public surface beyond the package itself: `amperity_facade.types` and `.pagination`."""

from __future__ import annotations

import collections.abc
import subprocess
import sys
import typing
from types import UnionType

import amperity_api.models
import amperity_api.types

from amperity_facade import types


def test_the_documented_imports_work() -> None:
    from amperity_facade.pagination import AsyncPaginator, Page, Paginator
    from amperity_facade.types import UNSET, Segment, Unset, Workflow

    assert Segment is amperity_api.models.Segment
    assert Workflow is amperity_api.models.Workflow
    assert UNSET is amperity_api.types.UNSET and isinstance(UNSET, Unset)
    assert Page([1]).items == [1]
    # The async paginator is the source; the sync one is its generated twin.
    assert AsyncPaginator.__module__ == "amperity_facade._async.pagination"
    assert Paginator.__module__ == "amperity_facade._sync.pagination"


def test_types_reexport_every_generated_model() -> None:
    ours = {"Unset", "UNSET", "Receipt", "SendReport", "Rejection", "InFlight", "EventOutcome"}
    ours |= {"Record", "Records", "AsyncRecords", "OnError"}
    assert set(amperity_api.models.__all__) | ours == set(types.__all__)
    for name in amperity_api.models.__all__:
        assert getattr(types, name) is getattr(amperity_api.models, name)


def test_every_public_type_is_a_class_a_literal_or_the_sentinel() -> None:
    for name in types.__all__:
        value = getattr(types, name)
        if value is types.UNSET:
            continue
        # The generated enums (run modes, workflow views, grant types) are Literal aliases;
        # what send_many takes is a union or an iterable of records.
        origin = typing.get_origin(value)
        aliases = (typing.Literal, typing.Union, UnionType, collections.abc.Iterable)
        assert isinstance(value, type) or origin in aliases, name


def test_the_package_is_the_same_page_and_paginator() -> None:
    import amperity_facade
    from amperity_facade import pagination

    assert amperity_facade.Page is pagination.Page
    assert amperity_facade.Paginator is pagination.Paginator
    assert amperity_facade.AsyncPaginator is pagination.AsyncPaginator
    assert amperity_facade.types is types


def run(program: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


def test_importing_the_facade_does_not_import_the_generated_package() -> None:
    program = (
        "import sys, amperity_facade, amperity_facade.pagination\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'amperity_api'))\n"
    )
    assert run(program) == "[]"


def test_importing_the_types_imports_the_models() -> None:
    assert run(
        "import sys, amperity_facade.types\nprint('amperity_api.models' in sys.modules)"
    ) == ("True")
