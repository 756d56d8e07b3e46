"""Review: the template-made `from_dict` of every generated model (positional arguments,
`additional_properties` only when unknown keys arrive, required keys still required)."""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any

import amperity_api.models as models
import amperity_api.types as api_types
import attrs
import pytest

_NS: dict[str, Any] = {**vars(models), **vars(api_types), "datetime": dt}
MODELS = [getattr(models, name) for name in models.__all__ if attrs.has(getattr(models, name))]


def _key(field: attrs.Attribute[Any]) -> str:
    return field.name[:-1] if field.name.endswith("_") else field.name


def _strip_unset(hint: Any) -> Any:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not api_types.Unset]
        return rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]  # noqa: UP007
    return hint


def sample(cls: type[Any], seed: int = 0) -> dict[str, Any]:
    """A dict with every known key of `cls`, each value distinct from the others."""
    hints = typing.get_type_hints(cls, localns=_NS)
    body: dict[str, Any] = {}
    for n, field in enumerate(f for f in attrs.fields(cls) if f.init):
        body[_key(field)] = _value(_strip_unset(hints[field.name]), f"{cls.__name__}.{n}", seed + n)
    return body


def _value(hint: Any, label: str, n: int) -> Any:
    origin = typing.get_origin(hint)
    if hint is str:
        return f"{label}-value"
    if hint is bool:
        return n % 2 == 0
    if hint is int:
        return 1000 + n
    if hint is dt.datetime:
        return (dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n)).isoformat()
    if origin is typing.Literal:
        return typing.get_args(hint)[-1]
    if origin is list:
        return [_value(typing.get_args(hint)[0], label, n)]
    if hint is Any:
        return {"opaque": label}
    if attrs.has(hint):
        return sample(hint, seed=n * 100)
    raise AssertionError(f"no sample for {hint!r}")


def _ids(cls: type[Any]) -> str:
    return cls.__name__


@pytest.mark.parametrize("cls", MODELS, ids=_ids)
def test_every_key_lands_in_its_attribute(cls: type[Any]) -> None:
    body = sample(cls)
    obj = cls.from_dict(body)
    assert obj.to_dict() == body
    assert obj.additional_properties == {}
    hints = typing.get_type_hints(cls, localns=_NS)
    for field in attrs.fields(cls):
        if not field.init:
            continue
        got = getattr(obj, field.name)
        want = body[_key(field)]
        if _strip_unset(hints[field.name]) is dt.datetime:
            assert got == dt.datetime.fromisoformat(want), field.name
        elif isinstance(want, str | int):
            assert got == want, field.name


@pytest.mark.parametrize("cls", MODELS, ids=_ids)
def test_unknown_keys_land_in_additional_properties_per_instance(cls: type[Any]) -> None:
    plain = cls.from_dict(sample(cls))
    first = cls.from_dict({**sample(cls), "x_new": [1], "y_new": None})
    second = cls.from_dict({**sample(cls), "x_new": 2})
    assert first.additional_properties == {"x_new": [1], "y_new": None}
    assert second.additional_properties == {"x_new": 2}
    plain.additional_properties["z"] = 1
    assert cls.from_dict(sample(cls)).additional_properties == {}
    assert first.additional_properties is not second.additional_properties
    assert first.to_dict()["x_new"] == [1]


@pytest.mark.parametrize("cls", MODELS, ids=_ids)
def test_the_source_dict_is_not_modified_or_kept(cls: type[Any]) -> None:
    body = {**sample(cls), "extra": {"k": 1}}
    before = repr(body)
    obj = cls.from_dict(body)
    assert repr(body) == before
    body["extra2"] = 1
    assert "extra2" not in obj.additional_properties


def _required(cls: type[Any]) -> list[str]:
    hints = typing.get_type_hints(cls, localns=_NS)
    return [
        _key(f)
        for f in attrs.fields(cls)
        if f.init and _strip_unset(hints[f.name]) == hints[f.name]
    ]


@pytest.mark.parametrize(
    ("cls", "key"),
    [(cls, key) for cls in MODELS for key in _required(cls)],
    ids=lambda v: v if isinstance(v, str) else v.__name__,
)
def test_a_missing_required_key_raises_key_error(cls: type[Any], key: str) -> None:
    body = sample(cls)
    del body[key]
    with pytest.raises(KeyError):
        cls.from_dict(body)


@pytest.mark.parametrize("cls", MODELS, ids=_ids)
def test_optional_keys_may_be_absent(cls: type[Any]) -> None:
    required = set(_required(cls))
    body = {k: v for k, v in sample(cls).items() if k in required}
    obj = cls.from_dict(body)
    assert obj.to_dict() == body
