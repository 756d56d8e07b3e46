"""Checking a decoded answer against a generated model's declared types, before `from_dict`.

The generated `from_dict` assigns whatever arrives, so a number where a string is declared
would otherwise surface later, in the caller's code, far from its cause. Each model compiles
once into a `_Shape`: per field, its JSON key, whether it is required, the exact classes
`json.loads` may give for it, and a checker for what is inside (list items, nested objects).
A null in an optional field counts as absent (the model's UNSET); unknown fields are not
checked: they land in `additional_properties`, as promised.
"""

from __future__ import annotations

import builtins
import datetime as dt
import enum
import keyword
import sys
import threading
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class _Missing:
    pass


_MISSING = _Missing()
_RESERVED = set(dir(builtins)) | {"self", "true", "false", "datetime"}

Check = Callable[[Any], None]


class Invalid(Exception):
    """Where a body strays from its model; the path is collected on the way out."""

    def __init__(self, problem: str, *path: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path = list(path)  # innermost first

    def __str__(self) -> str:
        where = ""
        for part in reversed(self.path):
            where += part if part.startswith("[") or not where else f".{part}"
        return f"{where}: {self.problem}" if where else self.problem


@dataclass(frozen=True)
class _Type:
    """What a JSON value may be: its exact classes (None: anything), and what is inside."""

    exact: frozenset[type] | None
    expected: str
    inner: Check | None = None
    shape: _Shape | None = None  # for an object: its model's shape, to check lists in bulk


_ANYTHING = _Type(None, "anything")


def _kind(value: Any) -> str:
    """The JSON kind of a value, never the value: bodies carry e-mails and names."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def json_key(attribute: str) -> str:
    """The JSON name of a generated attribute: the generator suffixes reserved words (`type_`)."""
    if attribute.endswith("_") and (
        attribute[:-1] in _RESERVED or keyword.iskeyword(attribute[:-1])
    ):
        return attribute[:-1]
    return attribute


def _list_of(item: _Type) -> Check:
    if item.shape is not None:
        return item.shape.check_all
    exact, inner, expected = item.exact, item.inner, item.expected

    def check(values: list[Any]) -> None:
        for index, value in enumerate(values):
            try:
                if exact is not None and value.__class__ not in exact:
                    raise Invalid(f"expected {expected}, got {_kind(value)}")
                if inner is not None:
                    inner(value)
            except Invalid as exc:
                exc.path.append(f"[{index}]")
                raise

    return check


def _type_of(hint: Any) -> tuple[_Type, bool]:
    """The `_Type` for a field's type hint, and whether null is a declared value of it."""
    from amperity_api.types import Unset

    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        members = [m for m in typing.get_args(hint) if m is not Unset]
        nullable = type(None) in members
        members = [m for m in members if m is not type(None)]
        if len(members) == 1:
            return _type_of(members[0])[0], nullable
        found = [_type_of(m)[0] for m in members]
        if any(f.exact is None for f in found):
            return _ANYTHING, nullable
        exact = frozenset().union(*(f.exact or () for f in found))
        return _Type(exact, " or ".join(f.expected for f in found)), nullable
    if hint is str:
        return _Type(frozenset({str}), "a string"), False
    if hint is bool:
        return _Type(frozenset({bool}), "true or false"), False
    if hint is int:
        return _Type(frozenset({int}), "an integer"), False
    if hint is float:
        return _Type(frozenset({int, float}), "a number"), False
    if hint in (dt.datetime, dt.date, dt.time):
        return _Type(frozenset({str}), "an ISO-8601 string"), False  # `from_dict` parses it
    if origin is list:
        (item,) = typing.get_args(hint) or (Any,)
        return _Type(frozenset({list}), "a list", _list_of(_type_of(item)[0])), False
    if origin is dict or hint is dict:
        return _Type(frozenset({dict}), "an object"), False
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return (_Type(frozenset({str}), "a string") if issubclass(hint, str) else _ANYTHING), False
    if isinstance(hint, type) and hasattr(hint, "from_dict"):
        shape = shape_of(hint)
        return _Type(frozenset({dict}), "an object", shape.check, shape), False
    return _ANYTHING, False


class _Shape:
    """The declared JSON of one generated model, checked field by field."""

    def __init__(self) -> None:
        self.fields: tuple[tuple[str, bool, bool, _Type], ...] = ()
        self.quick: tuple[tuple[str, frozenset[type]], ...] = ()
        self.nested: tuple[tuple[str, Check], ...] = ()

    def build(self, model: type) -> None:
        import attrs
        from amperity_api import models

        module = vars(sys.modules[model.__module__])
        hints = typing.get_type_hints(model, globalns=module, localns=vars(models))
        fields = []
        for attribute in attrs.fields(model):
            if attribute.name != "additional_properties":
                kind, nullable = _type_of(hints[attribute.name])
                required = attribute.default is attrs.NOTHING
                fields.append((json_key(attribute.name), required, nullable, kind))
        self.fields = tuple(fields)
        # What passes without a closer look: a declared class, absent when optional, null
        # when nullable. A null in an optional field needs the closer look: it is dropped.
        self.quick = tuple(
            (key, _quick(kind.exact, required, nullable))
            for key, required, nullable, kind in fields
            if kind.exact is not None
        )
        self.nested = tuple((key, kind.inner) for key, _, _, kind in fields if kind.inner)

    def check(self, body: Any) -> None:
        if body.__class__ is not dict or any(
            body.get(key, _MISSING).__class__ not in allowed for key, allowed in self.quick
        ):
            self.settle(body)
        for key, inner in self.nested:
            value = body.get(key)
            if value is not None:
                try:
                    inner(value)
                except Invalid as exc:
                    exc.path.append(key)
                    raise

    def check_all(self, values: list[Any]) -> None:
        """`check` for every item of a list; inlined, as a listing has thousands of them."""
        quick = self.quick
        for value in values:
            if value.__class__ is dict:
                get = value.get
                for key, allowed in quick:
                    if get(key, _MISSING).__class__ not in allowed:
                        break
                else:
                    continue
            try:
                self.settle(value)
            except Invalid as exc:  # an equal item before it would have failed the same way
                exc.path.append(f"[{values.index(value)}]")
                raise
        if self.nested:
            for index, value in enumerate(values):
                for key, inner in self.nested:
                    field = value.get(key)
                    if field is not None:
                        try:
                            inner(field)
                        except Invalid as exc:
                            exc.path += [key, f"[{index}]"]
                            raise

    def settle(self, body: Any) -> None:
        """Say what is wrong, or drop the nulls of optional fields (the quick look refused)."""
        if body.__class__ is not dict:
            raise Invalid(f"expected an object, got {_kind(body)}")
        for key, required, nullable, kind in self.fields:
            value = body.get(key, _MISSING)
            if value is None and nullable:
                continue
            if value is None or value is _MISSING:
                if required:
                    raise Invalid("required, but " + ("null" if value is None else "missing"), key)
                if value is None:
                    del body[key]
            elif kind.exact is not None and value.__class__ not in kind.exact:
                raise Invalid(f"expected {kind.expected}, got {_kind(value)}", key)


def _quick(exact: frozenset[type], required: bool, nullable: bool) -> frozenset[type]:
    extra: set[type] = set()
    if not required:
        extra.add(_Missing)
    if nullable:
        extra.add(type(None))
    return exact | extra


_SHAPES: dict[type, _Shape] = {}  # complete shapes only: read without the lock
_BUILDING: dict[type, _Shape] = {}  # shapes being compiled, seen only by their builder
_SHAPES_LOCK = threading.RLock()


def shape_of(model: type) -> _Shape:
    """The shape of a generated model's JSON, compiled on first use.

    One thread compiles at a time, and a shape is published only when it and the shapes
    nested in it are complete: another thread never checks a body against half a shape.
    """
    shape = _SHAPES.get(model)
    if shape is not None:
        return shape
    with _SHAPES_LOCK:
        shape = _SHAPES.get(model) or _BUILDING.get(model)  # a model may contain itself
        if shape is not None:
            return shape
        outermost = not _BUILDING
        shape = _BUILDING[model] = _Shape()
        try:
            shape.build(model)
            if outermost:
                _SHAPES.update(_BUILDING)
        finally:
            if outermost:
                _BUILDING.clear()
    return shape
