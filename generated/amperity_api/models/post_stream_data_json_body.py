# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PostStreamDataJsonBody")


@_attrs_define
class PostStreamDataJsonBody:
    """One record as a JSON object (an array is refused)."""

    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        post_stream_data_json_body = cls()

        if len(src_dict) > 0:  # every field is required
            post_stream_data_json_body.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_POSTSTREAMDATAJSONBODY
            }
        return post_stream_data_json_body

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


_KNOWN_POSTSTREAMDATAJSONBODY = frozenset(())
