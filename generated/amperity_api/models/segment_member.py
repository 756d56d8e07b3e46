# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SegmentMember")


@_attrs_define
class SegmentMember:
    """A profile in a segment.

    Attributes:
        profile_id (str | Unset): Profile id.
    """

    profile_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        profile_id = self.profile_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if profile_id is not UNSET:
            field_dict["profile_id"] = profile_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        profile_id = src_dict.get("profile_id", UNSET)

        segment_member = cls(
            profile_id,
        )

        if not _KNOWN_SEGMENTMEMBER.issuperset(src_dict):
            segment_member.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_SEGMENTMEMBER
            }
        return segment_member

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


_KNOWN_SEGMENTMEMBER = frozenset(("profile_id",))
