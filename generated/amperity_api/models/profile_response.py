# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.profile_response_attributes import ProfileResponseAttributes


T = TypeVar("T", bound="ProfileResponse")


@_attrs_define
class ProfileResponse:
    """A profile of an index.

    Attributes:
        attributes (ProfileResponseAttributes): The profile's attributes, as configured for its index.
        id (str): Id.
        index_id (str): Index the profile belongs to.
    """

    attributes: ProfileResponseAttributes
    id: str
    index_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attributes = self.attributes.to_dict()

        id = self.id

        index_id = self.index_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attributes": attributes,
                "id": id,
                "index_id": index_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.profile_response_attributes import ProfileResponseAttributes  # noqa: PLC0415

        attributes = ProfileResponseAttributes.from_dict(src_dict["attributes"])

        id = src_dict["id"]

        index_id = src_dict["index_id"]

        profile_response = cls(
            attributes,
            id,
            index_id,
        )

        if len(src_dict) > 3:  # every field is required
            profile_response.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_PROFILERESPONSE
            }
        return profile_response

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


_KNOWN_PROFILERESPONSE = frozenset(
    (
        "attributes",
        "id",
        "index_id",
    )
)
