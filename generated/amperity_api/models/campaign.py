# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Campaign")


@_attrs_define
class Campaign:
    """A campaign.

    Attributes:
        id (str): Identifier. Example: cc-21HCWon6Y.
        name (str): Display name. Example: Holiday Campaign.
        deliver_at (datetime.datetime | Unset): Scheduled delivery time (UTC). Example: 2026-04-22T20:30:00Z.
    """

    id: str
    name: str
    deliver_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        deliver_at: str | Unset = UNSET
        if not isinstance(self.deliver_at, Unset):
            deliver_at = self.deliver_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
            }
        )
        if deliver_at is not UNSET:
            field_dict["deliver_at"] = deliver_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        id = src_dict["id"]

        name = src_dict["name"]

        _deliver_at = src_dict.get("deliver_at", UNSET)
        deliver_at: datetime.datetime | Unset
        if isinstance(_deliver_at, Unset):
            deliver_at = UNSET
        else:
            deliver_at = datetime.datetime.fromisoformat(_deliver_at)

        campaign = cls(
            id,
            name,
            deliver_at,
        )

        if not _KNOWN_CAMPAIGN.issuperset(src_dict):
            campaign.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_CAMPAIGN
            }
        return campaign

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


_KNOWN_CAMPAIGN = frozenset(
    (
        "id",
        "name",
        "deliver_at",
    )
)
