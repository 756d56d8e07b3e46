"""spec_diff on schema shapes the first rules never looked inside: oneOf/anyOf variants,
additionalProperties maps, and schemas nested deeper than a handful of levels. Each was a
way for a breaking change to pass as "No differences."."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from openapi_spec_validator import validate

from scripts import spec_diff, spec_schema

Doc = dict[str, Any]
Row = tuple[str, bool, str]
GET, POST = "GET /pets", "POST /pets"
CAT = {"type": "object", "properties": {"meow": {"type": "string"}}}
DOG = {"type": "object", "properties": {"bark": {"type": "string"}}}


def doc(response: Any, request: Any = None, schemas: dict[str, Any] | None = None) -> Doc:
    """GET /pets answers RESPONSE; POST /pets takes REQUEST (when given)."""
    ok = {"description": "ok", "content": {"application/json": {"schema": response}}}
    paths: dict[str, Any] = {"/pets": {"get": {"responses": {"200": ok}}}}
    if request is not None:
        paths["/pets"]["post"] = {
            "requestBody": {"content": {"application/json": {"schema": request}}},
            "responses": {"204": {"description": "done"}},
        }
    result: Doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}
    if schemas:
        result["components"] = {"schemas": schemas}
    return result


def valid(result: Doc) -> Doc:
    validate(result)
    return result


def rows(old: Doc, new: Doc) -> set[Row]:
    return {(c.kind, c.breaking, c.location) for c in spec_diff.compare(old, new)}


def one_of(*variants: Any, key: str = "oneOf") -> dict[str, Any]:
    return {key: list(variants)}


# -- oneOf / anyOf -------------------------------------------------------------------------------


def test_a_response_variant_removed_is_breaking_and_one_added_is_not() -> None:
    two = valid(doc(one_of(CAT, DOG)))
    one = valid(doc(one_of(CAT)))
    assert rows(two, one) == {("variants-changed", True, f"{GET} response 200(oneOf 1)")}
    assert rows(one, two) == {("variants-changed", False, f"{GET} response 200(oneOf 1)")}
    (change,) = spec_diff.compare(two, one)
    assert change.detail == "oneOf variant object removed"
    assert spec_diff.render_text(spec_diff.compare(two, one)).startswith("Breaking changes (1)")


def test_a_variant_changed_in_type_is_compared_by_position() -> None:
    old = valid(doc(one_of({"type": "string"}, CAT)))
    new = valid(doc(one_of({"type": "integer"}, CAT)))
    assert rows(old, new) == {("type-changed", True, f"{GET} response 200(oneOf 0)")}


def test_a_change_inside_a_variant_is_found() -> None:
    changed = copy.deepcopy(DOG)
    changed["properties"]["bark"] = {"type": "integer"}
    old, new = valid(doc(one_of(CAT, DOG))), valid(doc(one_of(CAT, changed)))
    assert rows(old, new) == {("type-changed", True, f"{GET} response 200(oneOf 1).bark")}


def test_reordered_or_renamed_variants_are_no_change() -> None:
    old = valid(doc(one_of(CAT, DOG)))
    assert rows(old, valid(doc(one_of(DOG, CAT)))) == set()
    refs = one_of({"$ref": "#/components/schemas/Dog"}, {"$ref": "#/components/schemas/Cat"})
    assert rows(old, valid(doc(refs, schemas={"Cat": CAT, "Dog": DOG}))) == set()


def test_anyof_in_a_request_narrowed_is_breaking_and_widened_is_not() -> None:
    wide = valid(doc(CAT, one_of({"type": "string"}, CAT, DOG, key="anyOf")))
    narrow = valid(doc(CAT, one_of(CAT, DOG, key="anyOf")))
    loc = f"{POST} request(anyOf 0)"
    assert rows(wide, narrow) == {("variants-changed", True, loc)}
    assert rows(narrow, wide) == {("variants-changed", False, loc)}


def test_variants_appearing_restrict_a_request_and_going_free_a_response() -> None:
    plain = {"type": "object"}
    typed = {"type": "object", **one_of(CAT, DOG)}
    assert rows(valid(doc(CAT, plain)), valid(doc(CAT, typed))) == {
        ("variants-changed", True, f"{POST} request(oneOf)")
    }
    assert rows(valid(doc(CAT, typed)), valid(doc(CAT, plain))) == {
        ("variants-changed", False, f"{POST} request(oneOf)")
    }
    assert rows(valid(doc(typed)), valid(doc(plain))) == {
        ("variants-changed", True, f"{GET} response 200(oneOf)")
    }
    assert rows(valid(doc(plain)), valid(doc(typed))) == {
        ("variants-changed", False, f"{GET} response 200(oneOf)")
    }


# -- additionalProperties ------------------------------------------------------------------------


def mapping(values: Any) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": values}


def test_map_values_compare_like_array_items() -> None:
    old = valid(doc(mapping({"type": "string"}), mapping({"type": "string"})))
    new = valid(doc(mapping({"type": "integer"}), mapping({"type": "integer"})))
    expected = {
        ("type-changed", True, f"{GET} response 200{{}}"),
        ("type-changed", True, f"{POST} request{{}}"),
    }
    assert rows(old, new) == expected
    assert rows(new, old) == expected


def test_map_values_referenced_and_nested_are_compared() -> None:
    def with_label(label_type: str) -> Doc:
        label = {"type": "object", "properties": {"text": {"type": label_type}}}
        return valid(doc(mapping({"$ref": "#/components/schemas/Label"}), schemas={"Label": label}))

    assert rows(with_label("string"), with_label("boolean")) == {
        ("type-changed", True, f"{GET} response 200{{}}.text")
    }


def test_typed_map_values_made_untyped_or_typed() -> None:
    typed, untyped = mapping({"type": "string"}), {"type": "object"}
    # a response's typed values may now be anything: callers cannot read them
    assert rows(valid(doc(typed)), valid(doc(untyped))) == {
        ("additional-properties-changed", True, f"{GET} response 200{{}}")
    }
    assert rows(valid(doc(untyped)), valid(doc(typed))) == {
        ("additional-properties-changed", False, f"{GET} response 200{{}}")
    }
    # a request that accepted anything now accepts only strings
    assert rows(valid(doc(CAT, untyped)), valid(doc(CAT, typed))) == {
        ("additional-properties-changed", True, f"{POST} request{{}}")
    }
    assert rows(valid(doc(CAT, typed)), valid(doc(CAT, untyped))) == {
        ("additional-properties-changed", False, f"{POST} request{{}}")
    }


def test_closing_an_object_breaks_a_request_and_opening_a_response_is_no_news() -> None:
    closed, open_ = mapping(False), {"type": "object"}
    assert rows(valid(doc(CAT, open_)), valid(doc(CAT, closed))) == {
        ("additional-properties-changed", True, f"{POST} request{{}}")
    }
    assert rows(valid(doc(CAT, closed)), valid(doc(CAT, open_))) == set()
    assert rows(valid(doc(closed)), valid(doc(open_))) == set()


# -- depth ---------------------------------------------------------------------------------------


def nested(levels: int, leaf: str, name: str = "a.b") -> dict[str, Any]:
    """LEVELS objects inside each other, each holding the next as property NAME."""
    node: dict[str, Any] = {"type": leaf}
    for _ in range(levels):
        node = {"type": "object", "properties": {name: node}}
    return node


@pytest.mark.parametrize("name", ["a", "a.b.c"])
def test_a_leaf_type_change_25_levels_deep_is_reported(name: str) -> None:
    old = valid(doc(nested(25, "string", name)))
    new = valid(doc(nested(25, "integer", name)))
    path = "".join(f".{name}" for _ in range(25))
    assert rows(old, new) == {("type-changed", True, f"{GET} response 200{path}")}
    assert rows(old, old) == set()


def test_a_change_deep_inside_arrays_and_maps_is_reported() -> None:
    def deep(leaf: str) -> dict[str, Any]:
        node: dict[str, Any] = {"type": leaf}
        for level in range(30):
            node = {"type": "array", "items": node} if level % 2 else mapping(node)
        return node

    (change,) = spec_diff.compare(valid(doc(deep("string"))), valid(doc(deep("number"))))
    assert change.kind == "type-changed" and change.location.endswith("{}[]{}")


def test_beyond_the_depth_bound_one_breaking_schema_too_deep_is_reported() -> None:
    levels = spec_schema.MAX_DEPTH + 20
    old, new = doc(nested(levels, "string", "x")), doc(nested(levels, "integer", "x"))
    found = spec_diff.compare(old, new)
    assert [(c.kind, c.breaking) for c in found] == [("schema-too-deep", True)]
    assert found[0].location == f"{GET} response 200" + ".x" * (spec_schema.MAX_DEPTH + 1)
    assert spec_diff.compare(old, copy.deepcopy(old)) == [
        spec_diff.Change("schema-too-deep", True, found[0].location, found[0].detail)
    ]


def test_ref_cycles_through_variants_maps_and_allof_terminate() -> None:
    def tree(leaf: str) -> Doc:
        node = {
            "type": "object",
            "properties": {
                "name": {"type": leaf},
                "kids": mapping({"$ref": "#/components/schemas/Node"}),
                "either": one_of({"$ref": "#/components/schemas/Node"}, {"type": "string"}),
            },
        }
        loop = {"allOf": [{"$ref": "#/components/schemas/Loop"}, node]}
        # not validated: the validator itself recurses forever on an allOf that holds itself
        return doc({"$ref": "#/components/schemas/Loop"}, schemas={"Node": node, "Loop": loop})

    assert rows(tree("string"), tree("string")) == set()
    # Loop (the root) is not Node: each way into Node is walked once, then the cycle stops
    assert rows(tree("string"), tree("integer")) == {
        ("type-changed", True, f"{GET} response 200.name"),
        ("type-changed", True, f"{GET} response 200.kids{{}}.name"),
        ("type-changed", True, f"{GET} response 200.either(oneOf 0).name"),
    }
