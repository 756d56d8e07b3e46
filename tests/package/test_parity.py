"""`Amperity` and `AsyncAmperity` offer the same calls: every resource, method, parameter,
default and annotation, the async side differing only by `Async` names and coroutines.

The sync client is generated from the async one, so drift can only come from the
substitutions or from code outside `_async/`; this compares what users see, whatever the cause.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import httpx
import pytest

from amperity_facade import Amperity, AsyncAmperity

Surface = dict[str, Any]

# Names that differ by design between the two clients, mapped to their sync spelling.
RENAMED = {"aclose": "close", "__aenter__": "__enter__", "__aexit__": "__exit__"}
PUBLIC_DUNDERS = {"__init__", "__enter__", "__exit__", "__aenter__", "__aexit__"}


def _plain(text: object) -> str:
    """An annotation or default as text, with `AsyncX` spelled `X`."""
    return re.sub(r"\bAsync(?=[A-Z])", "", str(text))


def _signature(function: Any) -> dict[str, Any]:
    sig = inspect.signature(function)
    return {
        "parameters": [
            (p.name, p.kind.name, _plain(p.default), _plain(p.annotation))
            for p in sig.parameters.values()
        ],
        "returns": _plain(sig.return_annotation),
        "coroutine": inspect.iscoroutinefunction(function),
    }


def _methods(obj: object) -> Surface:
    found: Surface = {}
    for name, member in inspect.getmembers(type(obj)):
        if name.startswith("_") and name not in PUBLIC_DUNDERS:
            continue
        key = RENAMED.get(name, name)
        if isinstance(member, property):
            found[key] = "property"
        elif callable(member) and not isinstance(member, type):
            found[key] = _signature(member)
    return found


def surface(client: Any) -> Surface:
    """What a user can call on `client`, resource by resource."""
    result: Surface = {"": _methods(client)}
    for name, value in vars(client).items():
        if not name.startswith("_") and getattr(value, "_client", None) is client:
            result[name] = _methods(value)
    return result


def differences(sync: Surface, asynchronous: Surface) -> list[str]:
    """Each place the two surfaces differ, beyond async methods being coroutines."""
    found = []
    for resource in sorted(set(sync) | set(asynchronous)):
        left, right = sync.get(resource), asynchronous.get(resource)
        if left is None or right is None:
            found.append(f"{resource}: only in {'AsyncAmperity' if left is None else 'Amperity'}")
            continue
        for method in sorted(set(left) | set(right)):
            where = f"{resource}.{method}".lstrip(".")
            a, b = left.get(method), right.get(method)
            if a is None or b is None:
                found.append(f"{where}: only in {'AsyncAmperity' if a is None else 'Amperity'}")
            elif isinstance(a, dict) and isinstance(b, dict):
                if a["coroutine"]:
                    found.append(f"{where}: a coroutine in Amperity")
                b = {**b, "coroutine": False}
                if a != b:
                    found.append(f"{where}: {a} != {b}")
            elif a != b:
                found.append(f"{where}: {a} != {b}")
    return found


def _transport() -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(500))


@pytest.fixture
def clients() -> tuple[Amperity, AsyncAmperity]:
    sync = Amperity(tenant="acme", token="t0k", transport=_transport())
    return sync, AsyncAmperity(tenant="acme", token="t0k", transport=_transport())


def test_both_clients_offer_the_same_calls(clients: tuple[Amperity, AsyncAmperity]) -> None:
    sync, asynchronous = (surface(client) for client in clients)
    assert {"segments", "workflows", "ingest_jobs"} <= set(sync)
    assert differences(sync, asynchronous) == []


def test_requests_are_coroutines_and_listings_are_not(
    clients: tuple[Amperity, AsyncAmperity],
) -> None:
    asynchronous = surface(clients[1])
    assert asynchronous["workflows"]["get"]["coroutine"]
    assert asynchronous["workflows"]["wait"]["coroutine"]
    assert not asynchronous["workflows"]["list"]["coroutine"]  # returns an AsyncPaginator
    assert asynchronous[""]["close"]["coroutine"]


def test_a_parameter_added_to_one_client_only_is_found(
    clients: tuple[Amperity, AsyncAmperity],
) -> None:
    sync, asynchronous = clients
    segments = type(asynchronous.segments)

    class WiderSegments(segments):  # type: ignore[valid-type,misc]
        def list(self, *, limit: int | None = None, extra: bool = False) -> Any:  # type: ignore[override]
            raise AssertionError("never called")

    asynchronous.segments = WiderSegments(asynchronous)
    found = differences(surface(sync), surface(asynchronous))
    assert len(found) == 1 and found[0].startswith("segments.list:") and "extra" in found[0]


def test_a_constructor_argument_added_to_one_client_only_is_found(
    clients: tuple[Amperity, AsyncAmperity],
) -> None:
    class Wider(AsyncAmperity):
        def __init__(self, *, tenant: str | None = None, region: str = "eu") -> None:
            super().__init__(tenant=tenant, token="t0k", transport=_transport())

    found = differences(surface(clients[0]), surface(Wider(tenant="acme")))
    assert any(line.startswith("__init__:") and "region" in line for line in found)


def test_a_method_missing_from_one_client_is_found(
    clients: tuple[Amperity, AsyncAmperity],
) -> None:
    sync, asynchronous = clients
    workflows = type(sync.workflows)

    class Fewer(workflows):  # type: ignore[valid-type,misc]
        stop = None  # type: ignore[assignment]

    sync.workflows = Fewer(sync)
    found = differences(surface(sync), surface(asynchronous))
    assert found == ["workflows.stop: only in AsyncAmperity"]
