"""Swagger 2.0 -> OpenAPI 3.0.3, so `make spec` can take a vendor document published as
Swagger 2.0 (the Real-Time API is published only that way).

The reference is swagger2openapi 7.0.8 run without `--patch`: for every document in
tests/spec/swagger2 the output equals its conversion, and what that tool would reject we
reject too. Where it loses information silently (a query string in an OAuth URL, nulls, a
`collectionFormat` on a form field, tuple `items`, several body parameters) we raise
`ValueError` naming the JSON path instead: a contract missing a fact is worse than no
contract. The few deliberate departures are listed in tests/spec/test_swagger2.py.

Extensions stay where they stand, except those the reference reads as OpenAPI 3 keywords:
`x-nullable`/`x-anyOf`/`x-oneOf`/`x-not` in schemas, `x-example`/`x-deprecated` on parameters.
"""

from __future__ import annotations

import copy
import re
from typing import Any

__all__ = ["OPENAPI_VERSION", "convert", "is_swagger2"]

OPENAPI_VERSION = "3.0.3"
TITLE = ("title", "version")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
# swagger2openapi's order, so converted schemas list their keys as the reference does.
TYPE_KEYS = (
    "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
    "maxLength", "multipleOf", "minItems", "maxItems", "uniqueItems", "minProperties",
    "maxProperties", "additionalProperties", "pattern", "enum", "default",
)  # fmt: skip
ARRAY_KEYS = ("items", "minItems", "maxItems", "uniqueItems")
NAME = re.compile(r"[A-Za-z0-9_.\-]+")
REFS = {
    "#/definitions/": "#/components/schemas/",
    "#/parameters/": "#/components/parameters/",
    "#/responses/": "#/components/responses/",
}
# Extensions the reference turns into OpenAPI 3 keywords inside schemas.
SCHEMA_EXTENSIONS = {f"x-{k}": k for k in ("nullable", "anyOf", "oneOf", "not")}
OAUTH_FLOWS = {"implicit": "implicit", "password": "password"}
OAUTH_FLOWS |= {"application": "clientCredentials", "accessCode": "authorizationCode"}
Doc = dict[str, Any]


def is_swagger2(doc: Doc) -> bool:
    return "swagger" in doc and "openapi" not in doc


def fail(where: str, problem: str) -> ValueError:
    return ValueError(f"cannot convert Swagger 2.0 at {where}: {problem}")


def convert(doc: Doc) -> Doc:
    """A new OpenAPI 3.0.3 document with the same facts; `doc` is left as it was."""
    if str(doc.get("swagger")) != "2.0":
        raise fail("$.swagger", f"expected '2.0', found {doc.get('swagger')!r}")
    src = _walk(doc, "$")  # a new tree: nothing below changes `doc`
    info = src.get("info")
    if not isinstance(info, dict) or not all(isinstance(info.get(k), str) for k in TITLE):
        raise fail("$.info", "title and version must be strings")
    if not isinstance(src.get("paths"), dict):
        raise fail("$.paths", "the paths object is mandatory")
    media = {key: _media(src, key, "$") for key in ("consumes", "produces", "schemes")}
    dropped = {"swagger", "host", "basePath", "schemes", "consumes", "produces"}
    dropped |= {"definitions", "parameters", "responses", "securityDefinitions"}
    out: Doc = {"openapi": OPENAPI_VERSION}
    out |= {k: v for k, v in src.items() if k not in dropped}
    out["paths"] = {p: _path_item(i, media, f"$.paths[{p!r}]") for p, i in src["paths"].items()}
    if servers := _servers(src):
        out["servers"] = servers
    components: Doc = {}
    for old, new, part in (
        ("parameters", "parameters", _parameter),
        ("responses", "responses", lambda r, where: _response(r, media["produces"], where)),
        ("securityDefinitions", "securitySchemes", _security_scheme),
        ("definitions", "schemas", _schema),
    ):
        for name in src.get(old) or {}:
            if not NAME.fullmatch(name):  # the reference renames it: refs would change too
                raise fail(f"$.{old}[{name!r}]", "the name has characters a component cannot")
        if src.get(old):
            components[new] = {n: part(v, f"$.{old}[{n!r}]") for n, v in src[old].items()}
    if components:
        out["components"] = components
    return out


def _at(where: str, key: Any) -> str:
    return f"{where}.{key}" if str(key).isidentifier() or key == "$ref" else f"{where}[{key!r}]"


def _walk(node: Any, where: str, data: bool = False) -> Any:
    """A new tree, with every local `$ref` moved to its components home (extensions included,
    as the reference does) so nothing later needs the Swagger 2.0 layout. Nulls are refused:
    the reference deletes them, and what the vendor meant is unknowable (a null inside
    `default`, `example(s)` or an `x-` extension is data)."""
    if isinstance(node, list):
        return [_walk(item, f"{where}[{i}]", data) for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        inner = data or str(key).startswith("x-") or key in ("default", "example", "examples")
        if value is None and not inner:
            raise fail(_at(where, key), "null value")
        out[key] = _walk(value, _at(where, key), inner)
    if isinstance(ref := out.get("$ref"), str):
        old = next((prefix for prefix in REFS if ref.startswith(prefix)), None)
        if old is not None:
            out["$ref"] = REFS[old] + ref[len(old) :]
        elif not data:
            raise fail(f"{where}.$ref", f"{ref!r} is not a local definition, parameter or response")
    return out


def _media(node: Doc, key: str, where: str) -> list[str] | None:
    """None when absent: an operation's empty list still overrides the document's."""
    if (value := node.get(key)) is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"{where}.{key}", "must be a list of media types")
    return list(dict.fromkeys(value))


def _servers(src: Doc) -> list[Doc]:
    host, base = src.get("host") or "", src.get("basePath") or ""
    if "{" in host + base:  # the reference invents variables whose default is 'unknown'
        raise fail("$.host", "templated hosts are not converted")
    if not host:
        return [{"url": base}] if base else []
    base, schemes = base.rstrip("/"), src.get("schemes") or [""]
    return [{"url": f"{s + ':' if s else ''}//{src['host']}{base}"} for s in schemes]


def _path_item(item: Doc, media: dict[str, list[str] | None], where: str) -> Doc:
    if "$ref" in item:
        raise fail(f"{where}.$ref", "path item references are not converted")
    out: Doc = {}
    for key, value in item.items():
        if key in METHODS:
            out[key] = _operation(value, media, f"{where}.{key}")
        elif key == "parameters":
            out[key] = [_parameter(p, f"{where}.parameters[{i}]") for i, p in enumerate(value)]
        elif key.startswith("x-"):
            out[key] = value
        else:
            raise fail(f"{where}.{key}", "unknown path item key")
    return out


def _first(*values: list[str] | None) -> list[str] | None:
    return next((v for v in values if v is not None), None)


def _operation(op: Doc, media: dict[str, list[str] | None], where: str) -> Doc:
    consumes = _first(_media(op, "consumes", where), media["consumes"]) or []
    produces = _first(_media(op, "produces", where), media["produces"])
    out: Doc = {}
    for key, value in op.items():
        if key in ("consumes", "produces"):
            continue
        if key == "schemes":  # the reference adds per-operation servers for new schemes
            if not set(value) <= set(media["schemes"] or []):
                raise fail(f"{where}.schemes", "a scheme the document does not list")
            continue
        if key == "parameters":
            params, body = _parameters(value, consumes, where)
            if params:
                out["parameters"] = params
            if body is not None:
                out["requestBody"] = body
        elif key == "responses":
            if not value:
                raise fail(f"{where}.responses", "an operation needs at least one response")
            # Status codes in ascending order first, as a JavaScript object orders them.
            codes = sorted(value, key=lambda c: (0, int(c)) if str(c).isdigit() else (1, 0))
            out[key] = {
                str(c): _response(value[c], produces, f"{where}.responses[{str(c)!r}]")
                for c in codes
            }
        else:
            out[key] = value
    if "responses" not in out:
        raise fail(f"{where}.responses", "an operation needs responses")
    return out


def _parameters(params: list[Doc], consumes: list[str], where: str) -> tuple[list[Doc], Doc | None]:
    """Body and form parameters become the one request body OpenAPI 3 allows."""
    kept: list[Doc] = []
    body: Doc | None = None
    form: list[tuple[Doc, str]] = []
    for i, param in enumerate(params):
        here = f"{where}.parameters[{i}]"
        if param.get("in") == "body":
            if body is not None or form:
                raise fail(here, "a second request body")
            body = _body(param, consumes, here)
        elif param.get("in") == "formData":
            if body is not None:
                raise fail(here, "form parameters next to a body parameter")
            form.append((param, here))
        else:
            kept.append(_parameter(param, here))
    if form:
        body = _form(form, consumes)
    return kept, body


def _examples(param: Doc) -> Doc:
    """The reference's renames for parameter extensions that OpenAPI 3 made keywords."""
    out = dict(param)
    if isinstance(out.get("x-deprecated"), bool):
        out["deprecated"] = out.pop("x-deprecated")
    if "x-example" in out:
        out["example"] = out.pop("x-example")
    return out


def _body(param: Doc, consumes: list[str], where: str) -> Doc:
    param = _examples(param)
    schema = _schema(param.get("schema") or {}, f"{where}.schema")
    content: Doc = {}
    for mime in consumes or ["application/json"]:
        content[mime] = {"schema": copy.deepcopy(schema)}
        if "example" in param:  # the reference drops it; OpenAPI 3 keeps it on the media type
            content[mime]["example"] = copy.deepcopy(param["example"])
    out: Doc = {"content": content}
    if param.get("description"):
        out["description"] = param["description"]
    if param.get("required"):
        out["required"] = param["required"]
    return out | {k: v for k, v in param.items() if k.startswith("x-")}


def _form(params: list[tuple[Doc, str]], consumes: list[str]) -> Doc:
    files = any(p.get("type") == "file" for p, _ in params)
    multipart = "multipart/form-data" in consumes
    if files and not multipart:
        raise fail(params[0][1], "a file parameter needs consumes: multipart/form-data")
    properties: Doc = {}
    required: list[str] = []
    for param, where in params:
        param = _examples(param)
        if param.get("type") == "array" or "collectionFormat" in param or "schema" in param:
            raise fail(where, "array or schema form fields are not converted losslessly")
        if not param.get("type"):
            raise fail(f"{where}.type", "parameter.type is mandatory for non-body parameters")
        target = {k: param[k] for k in ("description", "example", "type") if k in param}
        target |= {k: param[k] for k in TYPE_KEYS if k in param}
        if param["type"] == "file":
            target |= {"type": "string", "format": "binary"}
        properties[param["name"]] = target | {k: v for k, v in param.items() if k.startswith("x-")}
        if param.get("required") is True:
            required.append(param["name"])
    schema: Doc = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    mime = "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
    return {"content": {mime: {"schema": schema}}} | ({"required": True} if required else {})


def _collection_style(param: Doc, where: str) -> Doc:
    """`collectionFormat` as OpenAPI 3 `style`/`explode`, for the locations that can say it."""
    fmt = param.get("collectionFormat")
    if param.get("type") != "array":
        if fmt is not None:
            raise fail(f"{where}.collectionFormat", "only applies to type: array")
        return {}
    fmt, place = fmt or "csv", param.get("in")
    if fmt == "csv":
        return {"style": "form", "explode": False} if place == "query" else {"style": "simple"}
    if fmt == "multi":
        return {"explode": True}
    if fmt in ("ssv", "pipes") and place == "query":
        return {"style": "spaceDelimited" if fmt == "ssv" else "pipeDelimited"}
    raise fail(f"{where}.collectionFormat", f"{fmt} has no OpenAPI 3 equivalent in {place}")


def _items(items: Any, outer: str | None, where: str) -> Any:
    """Nested collection formats cannot be said in OpenAPI 3; the same one is redundant."""
    if isinstance(items, dict):
        items = dict(items)
        inner = items.pop("collectionFormat", None)
        if inner is not None and inner != (outer or "csv"):
            raise fail(f"{where}.collectionFormat", "nested collection formats differ")
        if "items" in items:
            items["items"] = _items(items["items"], outer, f"{where}.items")
    return items


def _parameter(param: Doc, where: str) -> Doc:
    if "$ref" in param:
        return param
    param = _examples(param)
    if param.get("in") in ("body", "formData"):  # the reference copies them into operations
        raise fail(where, "body and form parameters are only converted in an operation")
    if param.get("in") not in ("query", "header", "path"):
        raise fail(f"{where}.in", f"unknown parameter location {param.get('in')!r}")
    if not param.get("type") or param["type"] == "file" or "schema" in param:
        raise fail(f"{where}.type", "a non-body parameter needs a type other than file, no schema")
    if param["in"] == "path" and param.get("required") is not True:
        raise fail(f"{where}.required", "path parameters must be required: true")
    moved = {"type", "items", "collectionFormat", *TYPE_KEYS}
    out = {k: v for k, v in param.items() if k not in moved}
    out |= _collection_style(param, where)
    schema: Doc = {"type": param["type"]}
    if "items" in param:
        schema["items"] = _items(param["items"], param.get("collectionFormat"), f"{where}.items")
    schema |= {k: param[k] for k in TYPE_KEYS if k in param}
    out["schema"] = _schema(schema, f"{where}.schema")
    return out


def _header(header: Doc, where: str) -> Doc:
    if "$ref" in header:
        return header
    if not isinstance(header.get("type"), str):
        raise fail(f"{where}.type", "a header needs a type")
    fmt = header.get("collectionFormat")
    moved = {"type", "collectionFormat", *TYPE_KEYS, *ARRAY_KEYS}
    schema: Doc = {"type": header["type"]}
    schema |= {k: header[k] for k in (*TYPE_KEYS, *ARRAY_KEYS) if k in header}
    if "items" in schema:
        schema["items"] = _items(schema["items"], fmt, f"{where}.items")
    out = {k: v for k, v in header.items() if k not in moved} | {"schema": schema}
    if header["type"] != "array":
        if fmt is not None:
            raise fail(f"{where}.collectionFormat", "only applies to type: array")
    elif fmt in (None, "csv"):
        out["style"] = "simple"
    elif fmt == "multi":
        out["explode"] = True
    else:
        raise fail(f"{where}.collectionFormat", f"{fmt} is not supported for headers")
    return out


def _response(response: Doc, produces: list[str] | None, where: str) -> Doc:
    if "$ref" in response:
        if response["$ref"].startswith("#/components/schemas/"):
            raise fail(f"{where}.$ref", "a definition used as a response")
        return response
    if not isinstance(response.get("description"), str):
        raise fail(f"{where}.description", "response.description is mandatory")
    out = {k: v for k, v in response.items() if k not in ("schema", "examples")}
    if headers := response.get("headers"):
        if any(h.lower() == "status code" for h in headers):
            raise fail(f"{where}.headers", '"Status Code" is not a valid header')
        out["headers"] = {h: _header(v, f"{where}.headers[{h!r}]") for h, v in headers.items()}
    examples = dict(response.get("examples") or {})
    content: Doc = {}
    if "schema" in response:
        schema = _schema(response["schema"], f"{where}.schema")
        if schema.get("type") == "file":
            schema = {"type": "string", "format": "binary"}
        for mime in produces or ["application/json"]:
            content[mime] = {"schema": copy.deepcopy(schema)}
            if mime in examples:
                content[mime]["examples"] = {"response": {"value": examples.pop(mime)}}
    for mime, value in examples.items():
        content.setdefault(mime, {})["examples"] = {"response": {"value": value}}
    if content:
        out["content"] = content
    return out


def _security_scheme(scheme: Doc, where: str) -> Doc:
    out = dict(scheme)
    if scheme.get("type") == "basic":
        return out | {"type": "http", "scheme": "basic"}
    if scheme.get("type") == "apiKey":
        return out
    if scheme.get("type") != "oauth2" or scheme.get("flow") not in OAUTH_FLOWS:
        raise fail(where, f"unknown type or flow {scheme.get('type')!r}/{scheme.get('flow')!r}")
    if "name" in scheme:
        raise fail(f"{where}.name", "oauth2 security schemes have no name")
    flow: Doc = {}
    for key in ("authorizationUrl", "tokenUrl"):
        if key in out:
            url = out.pop(key)
            if not isinstance(url, str) or not url.strip() or "?" in url:
                raise fail(f"{where}.{key}", "must be a URL without a query string")
            flow[key] = url.strip()
    flow["scopes"] = out.pop("scopes", None) or {}
    return out | {"flows": {OAUTH_FLOWS[out.pop("flow")]: flow}}


def _schema(schema: Any, where: str) -> Any:
    """The reference's schema fix-ups (fixUpSchema), applied to every nested schema."""
    if not isinstance(schema, dict):
        raise fail(where, "a schema must be an object")
    out = dict(schema)
    for ext, keyword in SCHEMA_EXTENSIONS.items():
        if ext in out:
            out[keyword] = out.pop(ext)
    if "x-discriminator" in out or "x-required" in out:
        raise fail(where, "x-discriminator and x-required are not converted")
    if isinstance(out.get("discriminator"), str):
        out["discriminator"] = {"propertyName": out["discriminator"]}
    if isinstance(out.get("type"), list) or out.get("type") == "null":
        raise fail(f"{where}.type", "a list of types or null has no OpenAPI 3.0 equivalent")
    if isinstance(out.get("items"), list) or isinstance(out.get("required"), bool):
        raise fail(where, "tuple items or a boolean required")
    if "allowEmptyValue" in out:
        raise fail(f"{where}.allowEmptyValue", "not a schema keyword")
    if out.get("type") == "array" and "items" not in out:
        out["items"] = {}
    if out.get("type") == "file":
        out |= {"type": "string", "format": "binary"}
    if isinstance(out.get("xml"), dict) and out["xml"].get("namespace") == "":
        out["xml"] = {k: v for k, v in out["xml"].items() if k != "namespace"}
    if isinstance(out.get("properties"), dict):
        props = out["properties"].items()
        out["properties"] = {n: _schema(s, f"{where}.properties[{n!r}]") for n, s in props}
    for key in ("items", "additionalProperties", "not"):
        if isinstance(out.get(key), dict):
            out[key] = _schema(out[key], f"{where}.{key}")
    for key in ("allOf", "anyOf", "oneOf"):
        if isinstance(out.get(key), list):
            out[key] = [_schema(s, f"{where}.{key}[{i}]") for i, s in enumerate(out[key])]
    return out
