"""prepare_spec opens every enum a response can carry: the vendor may add an enum value at
any time (its policy calls that non-breaking), and a generated model checks enums strictly,
so a closed enum in an answer would make every deployed client fail on the new value.
Enums on what we send stay closed."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

from scripts import generate, prepare_spec, specio

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
Doc = dict[str, Any]


def enum_doc() -> Doc:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "parameters": [
                        {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["a"]}}
                    ],
                    "responses": {"200": {"$ref": "#/components/responses/Things"}},
                },
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/New"}}
                        }
                    },
                    "responses": {
                        "201": {
                            "description": "made",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            },
                        }
                    },
                },
            }
        },
        "components": {
            "responses": {
                "Things": {
                    "description": "list",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Thing"},
                            }
                        }
                    },
                }
            },
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {
                        "state": {"type": "string", "enum": ["on", "off"]},
                        "parts": {
                            "type": "array",
                            "items": {"allOf": [{"$ref": "#/components/schemas/Part"}]},
                        },
                    },
                },
                "Part": {"type": "object", "properties": {"tone": {"enum": ["hi", "lo"]}}},
                "New": {
                    "type": "object",
                    "properties": {"mode": {"type": "string", "enum": ["x"]}},
                },
            },
        },
    }


def test_enums_in_answers_become_open_strings_with_their_known_values() -> None:
    prepared = prepare_spec.prepare(enum_doc())
    schemas = prepared["components"]["schemas"]
    state = schemas["Thing"]["properties"]["state"]
    assert "enum" not in state and state["x-known-values"] == ["on", "off"]
    tone = schemas["Part"]["properties"]["tone"]  # reached through items, allOf and a $ref
    assert "enum" not in tone and tone["x-known-values"] == ["hi", "lo"]


def test_enums_on_what_we_send_stay_closed() -> None:
    prepared = prepare_spec.prepare(enum_doc())
    assert prepared["components"]["schemas"]["New"]["properties"]["mode"]["enum"] == ["x"]
    (kind,) = prepared["paths"]["/things"]["get"]["parameters"]
    assert kind["schema"]["enum"] == ["a"]


def test_the_input_is_left_untouched() -> None:
    doc = enum_doc()
    before = copy.deepcopy(doc)
    prepare_spec.prepare(doc)
    assert doc == before


def test_a_response_enum_the_vendor_adds_does_not_make_the_model_strict(tmp_path: Path) -> None:
    """End to end: the vendor declares Segment.status an enum; the generated model still
    reads a value outside it (the one the vendor adds next)."""
    doc = specio.load(SPEC_PATH)
    status = doc["components"]["schemas"]["Segment"]["properties"]["status"]
    status["enum"] = ["active", "archived"]
    spec = tmp_path / "openapi.yaml"
    specio.save(doc, spec)
    (tmp_path / "build").mkdir()
    package = generate.build(spec, tmp_path / "build")
    probe = (
        "from amperity_api.models.segment import Segment\n"
        "s = Segment.from_dict({'id': 'x', 'name': 'y', 'status': 'paused'})\n"
        "print(s.status)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=package.parent,
        env={"PYTHONPATH": str(package.parent)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "paused"
