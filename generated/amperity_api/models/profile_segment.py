# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProfileSegment")


@_attrs_define
class ProfileSegment:
    """A segment a profile belongs to.

    Attributes:
        segment_id (str | Unset): Segment id.
        segment_name (str | Unset): Segment name.
    """

    segment_id: str | Unset = UNSET
    segment_name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        segment_id = self.segment_id

        segment_name = self.segment_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if segment_id is not UNSET:
            field_dict["segment_id"] = segment_id
        if segment_name is not UNSET:
            field_dict["segment_name"] = segment_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        segment_id = src_dict.get("segment_id", UNSET)

        segment_name = src_dict.get("segment_name", UNSET)

        profile_segment = cls(
            segment_id,
            segment_name,
        )

        if not _KNOWN_PROFILESEGMENT.issuperset(src_dict):
            profile_segment.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_PROFILESEGMENT
            }
        return profile_segment

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


_KNOWN_PROFILESEGMENT = frozenset(
    (
        "segment_id",
        "segment_name",
    )
)
