"""scripts/swagger2.py against swagger2openapi 7.0.8, the converter it replaces.

Each Swagger 2.0 fixture in tests/spec/swagger2 (the vendor's eight control-plane
publications up to 2026-04-03, the Real-Time API of 2026-09-03, and our synthetic document)
must convert to exactly what swagger2openapi made of it (tests/spec/swagger2/README.md says how
those references were made). Intentional differences, the only normalisation allowed:

1. `openapi` is 3.0.3, not swagger2openapi's 3.0.0 (the reference's version is rewritten
   before comparing).
2. Key order is compared for the synthetic document only: the stripped vendor references
   had their response descriptions removed and re-added at the end of each response, so the
   order there is the stripping's, not the converter's (dict equality ignores it).
3. A response schema with no `produces` anywhere is served as application/json
   (swagger2openapi writes `*/*`, which tells a client nothing).
4. A form request body is required when any form field is (swagger2openapi looks at the
   first field only).
5. A body parameter's `x-example` becomes the media type's `example` (swagger2openapi drops it).
6. Identical request bodies of several operations stay inline (swagger2openapi moves them to
   `components.requestBodies`): the same facts, one indirection less.
7. What swagger2openapi converts by losing a fact is refused with a ValueError naming the
   JSON path (see REFUSED); what it refuses without `--patch` is refused too.
   It refuses, and we accept, an array header whose `collectionFormat` is set on the header
   but not repeated on its `items`.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from scripts import specio, swagger2

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "swagger2"
VENDOR = sorted(p.name.removesuffix(".swagger.yaml") for p in FIXTURES.glob("20*.swagger.yaml"))
VENDOR.append("real-time-2026-09-03")
PROSE = {"description", "summary", "title", "example", "examples", "x-example", "x-logo"}
PROSE |= {"externalDocs", "contact", "termsOfService", "license"}
Doc = dict[str, Any]


def reference(name: str) -> Doc:
    """swagger2openapi's conversion (the history file for the control plane), version 3.0.3."""
    path = HERE / "history" / f"{name}.yaml"
    doc = specio.load(path if path.exists() else FIXTURES / f"{name}.openapi.yaml")
    assert doc["openapi"] == "3.0.0"
    return doc | {"openapi": swagger2.OPENAPI_VERSION}


def prose_keys(node: Any, where: str = "$", names: bool = False) -> list[str]:
    """Prose keywords that are not blank (the names of properties are not keywords)."""
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in prose_keys(v, f"{where}[{i}]")]
    if not isinstance(node, dict):
        return []
    found = [f"{where}.{k}" for k, v in node.items() if k in PROSE and not names and v != ""]
    for key, value in node.items():
        found += prose_keys(value, f"{where}.{key}", names=key == "properties" and not names)
    return found


def test_all_nine_vendor_documents_are_here() -> None:
    assert len(VENDOR) == 9
    assert VENDOR[0] == "2024-07-19-b15346d0" and VENDOR[7] == "2026-04-03-60e4db50"


@pytest.mark.parametrize("name", VENDOR)
def test_vendor_fixtures_are_facts_only(name: str) -> None:
    doc = specio.load(FIXTURES / f"{name}.swagger.yaml")
    assert doc["swagger"] == "2.0" and doc["info"] == {
        "title": "",
        "version": doc["info"]["version"],
    }
    responses = [
        r for i in doc["paths"].values() for o in i.values() for r in o["responses"].values()
    ]
    assert {r["description"] for r in responses} == {""}
    assert prose_keys(doc) == [] and prose_keys(reference(name)) == []


@pytest.mark.parametrize("name", VENDOR)
def test_vendor_document_converts_as_swagger2openapi_does(name: str) -> None:
    source = specio.load(FIXTURES / f"{name}.swagger.yaml")
    before = copy.deepcopy(source)
    converted = swagger2.convert(source)
    assert converted == reference(name)
    assert source == before  # pure
    validate(converted)


def test_synthetic_document_converts_as_swagger2openapi_does_key_order_included() -> None:
    converted = swagger2.convert(specio.load(FIXTURES / "synthetic.swagger.yaml"))
    expected = specio.load(FIXTURES / "synthetic.openapi.yaml") | {"openapi": "3.0.3"}
    assert json.dumps(converted) == json.dumps(expected)
    validate(converted)


@pytest.fixture(scope="module")
def synthetic() -> Doc:
    return swagger2.convert(specio.load(FIXTURES / "synthetic.swagger.yaml"))


def test_synthetic_document_rule_by_rule(synthetic: Doc) -> None:
    """The rules, spelled out (the fixture comparison above already pins every byte)."""
    doc = synthetic
    assert doc["servers"] == [
        {"url": "https://api.example.test/v1"},
        {"url": "http://api.example.test/v1"},
    ]
    assert doc["x-document-extension"] == "kept" and doc["security"] == [{"key": []}]
    components = doc["components"]
    assert list(components) == ["parameters", "responses", "securitySchemes", "schemas"]
    assert components["securitySchemes"] == {
        "basic": {"type": "http", "scheme": "basic"},
        "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
        "oauth": {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "https://auth.example.test/authorize",
                    "tokenUrl": "https://auth.example.test/token",
                    "scopes": {"write": "write things"},
                }
            },
        },
        "machine": {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {"tokenUrl": "https://auth.example.test/token", "scopes": {}}
            },
        },
    }
    thing = components["schemas"]["Thing"]
    assert thing["discriminator"] == {"propertyName": "kind"}
    assert thing["x-schema-extension"] == "s"
    assert thing["properties"]["parent"] == {"$ref": "#/components/schemas/Thing"}
    assert thing["properties"]["note"] == {"type": "string", "nullable": True}
    assert thing["properties"]["blob"] == {"type": "array", "items": {}}
    assert components["schemas"]["Tag"]["allOf"][0] == {"$ref": "#/components/schemas/Error"}
    assert components["parameters"]["Fields"]["style"] == "form"
    assert components["responses"]["NotFound"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
    }

    item = doc["paths"]["/things/{thing-id}"]
    assert item["x-path-extension"] == 1
    assert item["parameters"][0]["schema"] == {"type": "string", "pattern": "^t-[0-9]+$"}
    assert item["parameters"][1]["style"] == "simple"  # a csv header array
    get = item["get"]
    assert get["x-operation-extension"] is True
    assert get["parameters"][0] == {"$ref": "#/components/parameters/Fields"}
    params = {p.get("name"): p for p in get["parameters"]}
    assert params["limit"]["schema"] == {
        "type": "integer",
        "format": "int32",
        "minimum": 1,
        "maximum": 100,
        "default": 10,
    }
    assert params["limit"]["example"] == 5
    assert params["tag"]["explode"] is True and "style" not in params["tag"]
    assert params["tag"]["schema"]["items"]["enum"] == ["a", "b"]
    assert params["words"]["style"] == "spaceDelimited"
    assert params["ids"]["style"] == "pipeDelimited" and params["ids"]["schema"]["minItems"] == 1
    assert params["old"]["deprecated"] is True
    ok = get["responses"]["200"]
    assert list(get["responses"]) == ["200", "404", "default"]
    assert ok["x-response-extension"] == "r"
    assert ok["headers"]["X-Rate"] == {"schema": {"type": "integer", "format": "int32"}}
    assert ok["headers"]["X-Links"]["style"] == "simple"
    assert ok["content"] == {
        "application/json": {
            "schema": {"$ref": "#/components/schemas/Thing"},
            "examples": {"response": {"value": {"id": "t-1"}}},
        },
        "text/csv": {"schema": {"$ref": "#/components/schemas/Thing"}},
        "text/plain": {"examples": {"response": {"value": "t-1"}}},
    }
    assert get["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}

    put = item["put"]
    assert "parameters" not in put and put["security"] == [{"oauth": ["write"]}]
    schema = {"schema": {"$ref": "#/components/schemas/Thing"}}
    assert put["requestBody"] == {
        "content": {"application/json": schema, "application/merge-patch+json": schema},
        "required": True,
        "x-body-extension": "b",
    }

    upload = doc["paths"]["/things/{thing-id}/file"]["post"]
    assert upload["requestBody"] == {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "label": {"type": "string", "maxLength": 20, "x-field-extension": "f"},
                    },
                    "required": ["file"],
                }
            }
        },
        "required": True,
    }
    assert upload["responses"]["200"]["content"] == {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
    }
    form = doc["paths"]["/forms"]["post"]["requestBody"]["content"]
    assert list(form) == ["application/x-www-form-urlencoded"]
    assert form["application/x-www-form-urlencoded"]["schema"]["required"] == ["name"]


def minimal(**op: Any) -> Doc:
    operation = {"responses": {"200": {"description": "d"}}} | op
    return {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"post": operation}},
    }


def test_intentional_differences() -> None:
    body = {"name": "b", "in": "body", "schema": {"type": "object"}, "x-example": {"k": 1}}
    op = {"parameters": [body], "responses": {"200": {"description": "d", "schema": {}}}}
    doc = minimal(**op)
    doc["paths"]["/b"] = {"put": copy.deepcopy(op)}
    converted = swagger2.convert(doc)
    assert converted["openapi"] == "3.0.3"
    for path, method in (("/a", "post"), ("/b", "put")):  # 6: inline in both operations
        operation = converted["paths"][path][method]
        media = {"schema": {"type": "object"}, "example": {"k": 1}}  # 5
        assert operation["requestBody"] == {"content": {"application/json": media}}
        assert list(operation["responses"]["200"]["content"]) == ["application/json"]  # 3
    assert "components" not in converted

    x, y = ({"name": n, "in": "formData", "type": "string"} for n in "xy")
    form = swagger2.convert(minimal(parameters=[x, y | {"required": True}]))
    assert form["paths"]["/a"]["post"]["requestBody"]["required"] is True  # 4


QUERY_ARRAY = {"name": "q", "in": "query", "type": "array", "items": {"type": "string"}}
REFUSED: dict[str, tuple[Doc, str]] = {
    "not 2.0": ({"swagger": "1.2", "paths": {}}, "$.swagger"),
    "null": (minimal(deprecated=None), "$.paths['/a'].post.deprecated"),
    "no info version": ({"swagger": "2.0", "info": {"title": "t"}, "paths": {}}, "$.info"),
    "no paths": ({"swagger": "2.0", "info": {"title": "t", "version": "1"}}, "$.paths"),
    "external ref": (
        minimal(parameters=[{"$ref": "other.yaml#/parameters/P"}]),
        "$.paths['/a'].post.parameters[0].$ref",
    ),
    "tsv": (
        minimal(parameters=[QUERY_ARRAY | {"collectionFormat": "tsv"}]),
        "$.paths['/a'].post.parameters[0].collectionFormat",
    ),
    "pipes in a header": (
        minimal(parameters=[QUERY_ARRAY | {"in": "header", "collectionFormat": "pipes"}]),
        "$.paths['/a'].post.parameters[0].collectionFormat",
    ),
    "nested collection formats": (
        minimal(
            parameters=[QUERY_ARRAY | {"items": {"type": "string", "collectionFormat": "multi"}}]
        ),
        "$.paths['/a'].post.parameters[0].items.collectionFormat",
    ),
    "collectionFormat on a string": (
        minimal(
            parameters=[{"name": "q", "in": "query", "type": "string", "collectionFormat": "csv"}]
        ),
        "$.paths['/a'].post.parameters[0].collectionFormat",
    ),
    "no type": (minimal(parameters=[{"name": "q", "in": "query"}]), "parameters[0].type"),
    "optional path parameter": (
        minimal(parameters=[{"name": "p", "in": "path", "type": "string"}]),
        "$.paths['/a'].post.parameters[0].required",
    ),
    "two bodies": (
        minimal(parameters=[{"name": n, "in": "body", "schema": {}} for n in "ab"]),
        "$.paths['/a'].post.parameters[1]",
    ),
    "form array": (
        minimal(parameters=[QUERY_ARRAY | {"in": "formData"}]),
        "$.paths['/a'].post.parameters[0]",
    ),
    "file without multipart": (
        minimal(parameters=[{"name": "f", "in": "formData", "type": "file"}]),
        "$.paths['/a'].post.parameters[0]",
    ),
    "response without description": (
        minimal(responses={"200": {"schema": {}}}),
        "$.paths['/a'].post.responses['200'].description",
    ),
    "no responses": (minimal(responses={}), "$.paths['/a'].post.responses"),
    "Status Code header": (
        minimal(
            responses={"200": {"description": "d", "headers": {"Status Code": {"type": "integer"}}}}
        ),
        "$.paths['/a'].post.responses['200'].headers",
    ),
    "ssv header": (
        minimal(
            responses={
                "200": {
                    "description": "d",
                    "headers": {
                        "H": {
                            "type": "array",
                            "items": {"type": "string"},
                            "collectionFormat": "ssv",
                        }
                    },
                }
            }
        ),
        "headers['H'].collectionFormat",
    ),
    "type list": (
        minimal(responses={"200": {"description": "d", "schema": {"type": ["string", "null"]}}}),
        "$.paths['/a'].post.responses['200'].schema.type",
    ),
    "tuple items": (
        minimal(responses={"200": {"description": "d", "schema": {"items": [{}, {}]}}}),
        "$.paths['/a'].post.responses['200'].schema",
    ),
    "scheme not in the document": (minimal(schemes=["wss"]), "$.paths['/a'].post.schemes"),
    "definition as a response": (
        minimal(responses={"200": {"$ref": "#/definitions/X"}}),
        "$.paths['/a'].post.responses['200'].$ref",
    ),
}
REFUSED["oauth2 URL with a query"] = (
    minimal()
    | {
        "securityDefinitions": {
            "o": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a/?x=1"}
        }
    },
    "$.securityDefinitions['o'].authorizationUrl",
)
REFUSED["oauth2 with a name"] = (
    minimal()
    | {
        "securityDefinitions": {
            "o": {"type": "oauth2", "flow": "password", "tokenUrl": "https://a", "name": "n"}
        }
    },
    "$.securityDefinitions['o'].name",
)
REFUSED["a name a component cannot have"] = (
    minimal() | {"definitions": {"A B": {"type": "object"}}},
    "$.definitions['A B']",
)
REFUSED["shared body parameter"] = (
    minimal() | {"parameters": {"B": {"name": "b", "in": "body", "schema": {}}}},
    "$.parameters['B']",
)
REFUSED["path-level body"] = (
    {**minimal(), "paths": {"/a": {"parameters": [{"name": "b", "in": "body", "schema": {}}]}}},
    "$.paths['/a'].parameters[0]",
)
REFUSED["templated host"] = (minimal() | {"host": "{tenant}.example.test"}, "$.host")


@pytest.mark.parametrize("name", list(REFUSED))
def test_refusals_name_the_path(name: str) -> None:
    doc, where = REFUSED[name]
    with pytest.raises(ValueError, match=r"cannot convert Swagger 2\.0 at ") as raised:
        swagger2.convert(doc)
    assert where in str(raised.value)


def test_is_swagger2() -> None:
    assert swagger2.is_swagger2({"swagger": "2.0"})
    assert not swagger2.is_swagger2({"openapi": "3.0.3"})
