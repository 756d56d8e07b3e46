# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.segment_member import SegmentMember


T = TypeVar("T", bound="SegmentMembersEnvelope")


@_attrs_define
class SegmentMembersEnvelope:
    """A page of segment members.

    Attributes:
        data (list[SegmentMember] | Unset): Items of this page.
        next_token (str | Unset): Cursor of the next page; absent on the last.
        total (int | Unset): Total count, when asked for.
    """

    data: list[SegmentMember] | Unset = UNSET
    next_token: str | Unset = UNSET
    total: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = []
            for data_item_data in self.data:
                data_item = data_item_data.to_dict()
                data.append(data_item)

        next_token = self.next_token

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if data is not UNSET:
            field_dict["data"] = data
        if next_token is not UNSET:
            field_dict["next_token"] = next_token
        if total is not UNSET:
            field_dict["total"] = total

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.segment_member import SegmentMember  # noqa: PLC0415

        _data = src_dict.get("data", UNSET)
        data: list[SegmentMember] | Unset = UNSET
        if _data is not UNSET:
            data = list(map(SegmentMember.from_dict, _data))

        next_token = src_dict.get("next_token", UNSET)

        total = src_dict.get("total", UNSET)

        segment_members_envelope = cls(
            data,
            next_token,
            total,
        )

        if not _KNOWN_SEGMENTMEMBERSENVELOPE.issuperset(src_dict):
            segment_members_envelope.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_SEGMENTMEMBERSENVELOPE
            }
        return segment_members_envelope

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


_KNOWN_SEGMENTMEMBERSENVELOPE = frozenset(
    (
        "data",
        "next_token",
        "total",
    )
)
