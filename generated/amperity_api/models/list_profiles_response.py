# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ListProfilesResponse")


@_attrs_define
class ListProfilesResponse:
    """A page of profiles.

    Attributes:
        data (list[Any]): Items of this page.
        next_token (str | Unset): Cursor of the next page; absent on the last.
    """

    data: list[Any]
    next_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = self.data

        next_token = self.next_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
            }
        )
        if next_token is not UNSET:
            field_dict["next_token"] = next_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        data = cast(list[Any], src_dict["data"])

        next_token = src_dict.get("next_token", UNSET)

        list_profiles_response = cls(
            data,
            next_token,
        )

        if not _KNOWN_LISTPROFILESRESPONSE.issuperset(src_dict):
            list_profiles_response.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_LISTPROFILESRESPONSE
            }
        return list_profiles_response

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


_KNOWN_LISTPROFILESRESPONSE = frozenset(
    (
        "data",
        "next_token",
    )
)
