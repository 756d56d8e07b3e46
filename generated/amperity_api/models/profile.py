# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.profile_attributes import ProfileAttributes
    from ..models.profile_links import ProfileLinks


T = TypeVar("T", bound="Profile")


@_attrs_define
class Profile:
    """A unified profile.

    Attributes:
        attributes (ProfileAttributes | Unset): Attribute values by name.
        collection_id (str | Unset): Collection id.
        created_at (datetime.datetime | Unset): When it was created.
        links (ProfileLinks | Unset): Related resources by name.
        profile_id (str | Unset): Profile id.
        ticked_at (datetime.datetime | Unset): When it was last recomputed.
        updated_at (datetime.datetime | Unset): When it last changed.
    """

    attributes: ProfileAttributes | Unset = UNSET
    collection_id: str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    links: ProfileLinks | Unset = UNSET
    profile_id: str | Unset = UNSET
    ticked_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attributes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attributes, Unset):
            attributes = self.attributes.to_dict()

        collection_id = self.collection_id

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        links: dict[str, Any] | Unset = UNSET
        if not isinstance(self.links, Unset):
            links = self.links.to_dict()

        profile_id = self.profile_id

        ticked_at: str | Unset = UNSET
        if not isinstance(self.ticked_at, Unset):
            ticked_at = self.ticked_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if collection_id is not UNSET:
            field_dict["collection_id"] = collection_id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if links is not UNSET:
            field_dict["links"] = links
        if profile_id is not UNSET:
            field_dict["profile_id"] = profile_id
        if ticked_at is not UNSET:
            field_dict["ticked_at"] = ticked_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.profile_attributes import ProfileAttributes  # noqa: PLC0415
        from ..models.profile_links import ProfileLinks  # noqa: PLC0415

        _attributes = src_dict.get("attributes", UNSET)
        attributes: ProfileAttributes | Unset
        if isinstance(_attributes, Unset):
            attributes = UNSET
        else:
            attributes = ProfileAttributes.from_dict(_attributes)

        collection_id = src_dict.get("collection_id", UNSET)

        _created_at = src_dict.get("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        _links = src_dict.get("links", UNSET)
        links: ProfileLinks | Unset
        if isinstance(_links, Unset):
            links = UNSET
        else:
            links = ProfileLinks.from_dict(_links)

        profile_id = src_dict.get("profile_id", UNSET)

        _ticked_at = src_dict.get("ticked_at", UNSET)
        ticked_at: datetime.datetime | Unset
        if isinstance(_ticked_at, Unset):
            ticked_at = UNSET
        else:
            ticked_at = datetime.datetime.fromisoformat(_ticked_at)

        _updated_at = src_dict.get("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        profile = cls(
            attributes,
            collection_id,
            created_at,
            links,
            profile_id,
            ticked_at,
            updated_at,
        )

        if not _KNOWN_PROFILE.issuperset(src_dict):
            profile.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_PROFILE
            }
        return profile

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


_KNOWN_PROFILE = frozenset(
    (
        "attributes",
        "collection_id",
        "created_at",
        "links",
        "profile_id",
        "ticked_at",
        "updated_at",
    )
)
