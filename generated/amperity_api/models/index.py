# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Index")


@_attrs_define
class Index:
    """A profile index.

    Attributes:
        created_at (str): When it was created.
        description (str): What it holds.
        id (str): Id.
        name (str): Name.
        updated_at (str): When it last changed.
    """

    created_at: str
    description: str
    id: str
    name: str
    updated_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        description = self.description

        id = self.id

        name = self.name

        updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "id": id,
                "name": name,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        created_at = src_dict["created_at"]

        description = src_dict["description"]

        id = src_dict["id"]

        name = src_dict["name"]

        updated_at = src_dict["updated_at"]

        index = cls(
            created_at,
            description,
            id,
            name,
            updated_at,
        )

        if len(src_dict) > 5:  # every field is required
            index.additional_properties = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_INDEX
            }
        return index

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


_KNOWN_INDEX = frozenset(
    (
        "created_at",
        "description",
        "id",
        "name",
        "updated_at",
    )
)
