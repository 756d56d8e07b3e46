"""What `make spec` and `make spec-check` print: the api-version found against the one
expected, the classified vendor changes, and what CI will then ask of the repository.

One renderer for both targets, so `make spec-check` previews exactly what `make spec`
would say. The api-version guard lives here too: the vendor publishes one document per
api-version (`2024-04-01`, `unstable`), and taking the wrong one silently would move every
call of the facade to another version, so a different version is refused unless asked for.
A document whose info.version and header default are ours, and whose header enum keeps ours
but lists more values (the vendor may add one without notice), is still for our version:
the extra values are a note on the version line.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from . import spec_diff, specio

HEADER = "api-version"
OPERATION_KINDS = (
    "endpoint-added",
    "endpoint-renamed",
    "endpoint-removed",
    "operation-id-changed",
)
OPERATIONS = "amperity_facade/_operations.py"
FACADE_METHODS = f"FACADE_METHODS in {OPERATIONS}"
FAKE_ROUTES = "amperity_facade/testing/_routes.py"
SCENARIOS = "scripts/cassette_scenarios.py"


@dataclass(frozen=True)
class Version:
    """A document's api-version as stated in `info.version` and in its api-version header."""

    info: str | None
    defaults: tuple[str, ...]
    enum: tuple[str, ...]

    @classmethod
    def of(cls, doc: dict[str, Any]) -> Version:
        info = (doc.get("info") or {}).get("version")
        defaults: set[str] = set()
        enum: set[str] = set()
        for param in _header_params(doc):
            raw = param.get("schema")
            schema: dict[str, Any] = raw if isinstance(raw, dict) else {}
            if "default" in schema:
                defaults.add(str(schema["default"]))
            enum.update(str(v) for v in schema.get("enum") or [])
        return cls(
            None if info is None else str(info), tuple(sorted(defaults)), tuple(sorted(enum))
        )

    def describe(self) -> str:
        parts = []
        if self.defaults:
            parts.append("header default " + "|".join(self.defaults))
        if self.enum:
            parts.append("header enum " + "|".join(self.enum))
        return f"{self.info}" + (f" ({', '.join(parts)})" if parts else "")

    def states(self, other: Version) -> bool:
        """Whether this document still states `other`'s api-version: the same info.version
        and header default, and a header enum that keeps every value of `other`'s (the
        vendor may list more values there, e.g. `unstable`, without notice)."""
        return (
            self.info is not None
            and self.info == other.info
            and self.defaults == other.defaults
            and (not self.enum or self.info in self.enum)
            and set(other.enum) <= set(self.enum)
        )

    def extra_values(self, other: Version) -> tuple[str, ...]:
        """Header enum values listed here but not in `other`."""
        return tuple(v for v in self.enum if v not in other.enum)

    def is_only(self, wanted: str) -> bool:
        """Whether the document is for `wanted`: info, header default and enum agree."""
        return (
            self.info == wanted
            and all(d == wanted for d in self.defaults)
            and (not self.enum or wanted in self.enum)
        )


def at_version(doc: dict[str, Any], like: dict[str, Any]) -> dict[str, Any]:
    """A copy of `doc` stating the api-version of `like` (info.version, header enum/default).

    Changes are classified against this copy: the version is reported and guarded on its
    own, and a move to another version is not a vendor change to every operation's header.
    """
    out = copy.deepcopy(doc)
    theirs = _header_params(like)
    if "version" in (like.get("info") or {}) and isinstance(out.get("info"), dict):
        out["info"]["version"] = like["info"]["version"]
    if not theirs or not isinstance(theirs[0].get("schema"), dict):
        return out
    source = theirs[0]["schema"]
    for param in _header_params(out):
        schema = param.get("schema")
        if not isinstance(schema, dict):
            continue
        for key in ("enum", "default"):
            if key in source:
                schema[key] = copy.deepcopy(source[key])
            else:
                schema.pop(key, None)
    return out


def _header_params(doc: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    candidates = list(((doc.get("components") or {}).get("parameters") or {}).values())
    for item in (doc.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        candidates += item.get("parameters") or []
        for method in spec_diff.METHODS:
            if isinstance(item.get(method), dict):
                candidates += item[method].get("parameters") or []
    for param in candidates:
        if (
            isinstance(param, dict)
            and "$ref" not in param
            and param.get("in") == "header"
            and str(param.get("name", "")).lower() == HEADER
        ):
            found.append(param)
    return found


@dataclass(frozen=True)
class Verdict:
    """The version comparison: whether the versions differ and whether the run takes it."""

    found: Version
    expected: Version
    wanted: str | None

    @property
    def differs(self) -> bool:
        return not self.found.states(self.expected)

    @property
    def taken(self) -> bool:
        return self.differs and self.wanted is not None and self.found.is_only(self.wanted)

    @property
    def single(self) -> bool:
        """Whether the vendor document states one api-version (so API_VERSION can take it)."""
        return self.found.info is not None and self.found.is_only(self.found.info)

    def line(self) -> str:
        if not self.differs:
            line = f"api-version: {self.expected.describe()}, as in openapi.yaml"
            if extra := self.found.extra_values(self.expected):
                line += (
                    "; note: the vendor's api-version header enum also lists "
                    f"{'|'.join(extra)} (this document is still for {self.expected.info})"
                )
            return line
        head = f"api-version: found {self.found.describe()}, expected {self.expected.describe()}"
        if self.taken:
            return f"{head}; taken as asked (API_VERSION={self.wanted}): {self.change()}"
        return head

    def change(self) -> str:
        return f"openapi.yaml moves from {self.expected.info} to {self.found.info}"

    def refusal(self) -> str | None:
        if not self.differs or self.taken:
            return None
        if self.wanted is not None:
            return (
                f"API_VERSION={self.wanted} was asked for, but the vendor document is for "
                f"{self.found.describe()}; openapi.yaml is for {self.expected.describe()}"
            )
        head = (
            f"the vendor document is for api-version {self.found.describe()}, openapi.yaml "
            f"for {self.expected.describe()}"
        )
        if not self.single:
            return f"{head}; it states no single api-version, so no API_VERSION takes it"
        return f"{head}; rerun with API_VERSION={self.found.info} if that version is wanted"


def _operation(doc: dict[str, Any], location: str) -> dict[str, Any] | None:
    method, _, path = location.partition(" ")
    item = (doc.get("paths") or {}).get(path.split(" ")[0])
    try:
        item = specio.resolve(doc, item)
    except (KeyError, ValueError, TypeError):
        return None
    op = item.get(method.lower()) if isinstance(item, dict) else None
    return op if isinstance(op, dict) else None


def _module(op_id: str) -> str:
    """The generated module an operationId becomes (openapi-python-client snake-cases it)."""
    return re.sub(r"[^0-9a-zA-Z]+", "_", op_id).strip("_").lower()


def _operation_line(change: spec_diff.Change, vendor: dict[str, Any], ours: dict[str, Any]) -> str:
    """What one operation-level change needs from the repository."""
    where = change.location.split(" ")[:2]
    key = " ".join(where)
    op = _operation(vendor, key) or _operation(ours, key) or {}
    op_id = f" (operationId {op['operationId']})" if "operationId" in op else ""
    if change.kind == "operation-id-changed":
        old, _, new = change.detail.removeprefix("operationId ").partition(" -> ")
        return (
            f"{key}: operationId {old} -> {new}; generated module names follow operationIds "
            f"(amperity_api.api.*.{_module(old)} becomes {_module(new)}), so the facade's calls "
            f"to the generated module must be updated in {OPERATIONS} (its imports and "
            "FACADE_METHODS)"
        )
    if change.kind == "endpoint-removed":
        return (
            f"{key}{op_id}: gone from the vendor document; its facade method, fake tenant "
            f"route and cassette go too (or it stays ours, marked x-facade-addition)"
        )
    if change.kind == "endpoint-added" and _operation(ours, key) is not None:
        return (
            f"{key}{op_id}: already in openapi.yaml as our addition; the vendor's now "
            "replaces it: check its facade method and re-record with `make cassettes`"
        )
    route = f"a fake tenant route ({FAKE_ROUTES})"
    cassette = f"a cassette (a scenario in {SCENARIOS}, recorded with `make cassettes`)"
    if change.kind == "endpoint-renamed":
        old_path = change.detail.partition(" -> ")[0]
        before = _operation(ours, f"{where[0]} {old_path}") or {}
        same_id = before.get("operationId") is not None
        same_id = same_id and before.get("operationId") == op.get("operationId")
        kept = "its facade method exists (same operationId): " if same_id else ""
        return (
            f"{key}{op_id}: renamed {change.detail}; {kept}the fake tenant route ({FAKE_ROUTES}) "
            f"and the cassette need the new path (its scenario in {SCENARIOS}, re-recorded "
            "with `make cassettes`)"
        )
    return (
        f"{key}{op_id}: new operation; needs a facade method ({FACADE_METHODS}), {route} "
        f"and {cassette}"
    )


def ci_asks(
    changes: list[spec_diff.Change],
    vendor: dict[str, Any],
    ours: dict[str, Any],
    verdict: Verdict,
    allow_breaking: bool,
) -> list[str]:
    """One line per thing the repository will need before CI passes again."""
    lines = [_operation_line(c, vendor, ours) for c in changes if c.kind in OPERATION_KINDS]
    breaking = [c for c in changes if c.breaking]
    if breaking:
        if allow_breaking:
            lines.append(f"{len(breaking)} breaking change(s): taken as asked (ALLOW_BREAKING=1)")
        else:
            lines.append(
                f"{len(breaking)} breaking change(s): `make spec` refuses them without "
                "ALLOW_BREAKING=1"
            )
    if verdict.differs:
        if verdict.taken:
            lines.append(f"api-version: {verdict.change()} (API_VERSION={verdict.wanted})")
        elif verdict.single:
            lines.append(
                f"api-version {verdict.found.info}: `make spec` refuses it without "
                f"API_VERSION={verdict.found.info}"
            )
        else:
            lines.append(
                f"api-version {verdict.found.describe()}: no single api-version; "
                "`make spec` refuses it"
            )
    if (changes or verdict.differs) and verdict.refusal() is None:
        lines.append("then `make spec` regenerates generated/ and `make test` checks the rest")
    return lines


def render(
    source: str,
    changes: list[spec_diff.Change],
    vendor: dict[str, Any],
    ours: dict[str, Any],
    verdict: Verdict,
    allow_breaking: bool,
) -> str:
    asks = ci_asks(changes, vendor, ours, verdict, allow_breaking)
    out = [f"Vendor document: {source}", verdict.line(), "Vendor changes:"]
    text = spec_diff.render_text(changes).rstrip("\n")
    out.append(text)
    out.append("What CI will ask for:")
    out += [f"  - {line}" for line in asks] if asks else ["  nothing"]
    return "\n".join(out) + "\n"
