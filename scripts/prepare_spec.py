"""Turn openapi.yaml into the generator's input, neutralising the vendor document's traps.

`openapi.yaml` stays faithful to the vendor; this step rewrites a copy so that the
generated client is safe to call with no arguments:

* The `api-version` and tenant header parameters (`amperity-tenant`, or `X-Amperity-Tenant`
  on the Streaming API and the token endpoint) are dropped from every operation. The facade
  sets them once per API family underneath the generated client (the auth flow on the token
  endpoint); left in, the generator hard-wires a one-value enum per call or asks every caller
  for the tenant.
* A `default` that is really an example becomes an `example`. The vendor puts sample
  timestamps, ids and `run_mode: full` in `default`, so a naive client would send them
  whenever the caller passes nothing: a silent filter, or a full run that fires campaigns.
  A default is treated as an example when the schema's `example` equals it, when it is a
  date or date-time, or when the parameter is required (a default is meaningless there).
  Real defaults (`with_total: false`, `view: overview`) have no matching example and stay.
  `x-default-is-example: true|false` on the schema overrides the rule either way.
* `additionalProperties: false` is removed from schemas, because the vendor's versioning
  policy allows new response fields at any time; the generated models then keep unknown
  fields in `additional_properties` instead of dropping them.
* An `enum` anywhere in what a response can carry becomes an open string (its values kept
  in `x-known-values`). The same policy allows new enum values at any time, and a generated
  model checks enums strictly: a value added next month would make every deployed client
  fail to read the answer. Enums on what we send (run_mode, view) stay, so a typo is caught
  before the request.

* An operation marked `x-facade-omitted` (with the reason the facade does not offer it:
  the Real-Time lookup that puts identity keys in the URL) is left out of generation, and
  one the vendor gave no operationId gets ours from `x-facade-operation-id`: openapi.yaml
  keeps the vendor's facts (an operationId it lacks would read as one it removed), while
  the generated function names stay stable.
* A `deepObject` query parameter (the Profile API's `filter[<attribute>]=<value>` pairs) is
  left to the facade, which encodes each pair; the generator has no such encoding.

Usage: python -m scripts.prepare_spec [IN] OUT   (IN defaults to openapi.yaml)
"""

from __future__ import annotations

import copy
import sys
from typing import Any

from . import specio

# The tenant travels as X-Amperity-Tenant to the Streaming API and the token endpoint.
FACADE_HEADERS = frozenset({"api-version", "amperity-tenant", "x-amperity-tenant"})
HTTP_METHODS = specio.METHODS


def default_is_example(schema: dict[str, Any], *, required: bool = False) -> bool:
    if "default" not in schema:
        return False
    override = schema.get("x-default-is-example")
    if isinstance(override, bool):
        return override
    if required:
        return True
    if "example" in schema and schema["example"] == schema["default"]:
        return True
    return schema.get("format") in ("date", "date-time")


def demote_default(schema: dict[str, Any], *, required: bool = False) -> None:
    """Move an example-valued default to `example`, in place."""
    if default_is_example(schema, required=required):
        value = schema.pop("default")
        schema.setdefault("example", value)
    schema.pop("x-default-is-example", None)


def _is_facade_header(param: dict[str, Any]) -> bool:
    return param.get("in") == "header" and param.get("name", "").lower() in FACADE_HEADERS


def _demote_parameter_default(param: dict[str, Any]) -> None:
    if isinstance(param.get("schema"), dict):
        demote_default(param["schema"], required=bool(param.get("required")))


def _walk_schema(schema: Any) -> None:
    if isinstance(schema, dict):
        if schema.get("additionalProperties") is False:
            del schema["additionalProperties"]
        if isinstance(schema.get("properties"), dict):
            for prop in schema["properties"].values():
                if isinstance(prop, dict):
                    demote_default(prop)
        for value in schema.values():
            _walk_schema(value)
    elif isinstance(schema, list):
        for item in schema:
            _walk_schema(item)


def prepare(doc: dict[str, Any]) -> dict[str, Any]:
    """Return a prepared copy of `doc`; the input is left untouched."""
    out = copy.deepcopy(doc)
    _omit_operations(out)
    for _, _, op in specio.iter_operations(out):
        if "operationId" not in op and specio.OPERATION_ID in op:
            op["operationId"] = op[specio.OPERATION_ID]
        kept = []
        for param in op.get("parameters", []):
            resolved = specio.resolve(out, param)
            if _is_facade_header(resolved) or resolved.get("style") == "deepObject":
                continue
            if "$ref" not in param:
                _demote_parameter_default(param)
            kept.append(param)
        op["parameters"] = kept
        if not kept:
            del op["parameters"]
    components = out.get("components", {})
    params = components.get("parameters", {})
    for name in list(params):
        if _is_facade_header(params[name]):
            del params[name]
        else:
            _demote_parameter_default(params[name])
    _walk_schema(components.get("schemas", {}))
    open_response_enums(out)
    return out


def _omit_operations(doc: dict[str, Any]) -> None:
    """Drop the operations marked x-facade-omitted with a reason, and path items left with
    none (the coverage check skips exactly the same ones: `specio.omitted`)."""
    for path, method, op in list(specio.iter_operations(doc)):
        if specio.omitted(op) is not None:
            del doc["paths"][path][method]
    for path, item in list((doc.get("paths") or {}).items()):
        if not any(m in item for m in HTTP_METHODS):
            del doc["paths"][path]


def open_response_enums(doc: dict[str, Any]) -> None:
    """Turn every enum reachable from a response into an open string, in place."""
    schemas = doc.get("components", {}).get("schemas", {})
    pending: list[Any] = [
        specio.resolve(doc, answer)
        for _, _, op in specio.iter_operations(doc)
        for answer in (op.get("responses") or {}).values()
    ]
    seen: set[str] = set()
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            prefix = "#/components/schemas/"
            if ref.startswith(prefix) and ref not in seen:
                seen.add(ref)
                pending.append(schemas.get(ref[len(prefix) :]))
            continue
        if isinstance(node.get("enum"), list) and node.get("type") in ("string", None):
            node["x-known-values"] = node.pop("enum")
        pending.extend(node.values())


def main(argv: list[str]) -> int:
    if len(argv) == 1:
        src, dst = str(specio.SPEC), argv[0]
    elif len(argv) == 2:
        src, dst = argv
    else:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    specio.save(prepare(specio.load(src)), dst)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
