# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.keychain_lookup_keys import KeychainLookupKeys


T = TypeVar("T", bound="KeychainLookup")


@_attrs_define
class KeychainLookup:
    """A lookup by identity keys.

    Attributes:
        enrich (bool | Unset): Include enriched attributes.
        keys (KeychainLookupKeys | Unset): Identity key names and values.
    """

    enrich: bool | Unset = UNSET
    keys: KeychainLookupKeys | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        enrich = self.enrich

        keys: dict[str, Any] | Unset = UNSET
        if not isinstance(self.keys, Unset):
            keys = self.keys.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if enrich is not UNSET:
            field_dict["enrich"] = enrich
        if keys is not UNSET:
            field_dict["keys"] = keys

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.keychain_lookup_keys import KeychainLookupKeys  # noqa: PLC0415

        enrich = src_dict.get("enrich", UNSET)

        _keys = src_dict.get("keys", UNSET)
        keys: KeychainLookupKeys | Unset
        if isinstance(_keys, Unset):
            keys = UNSET
        else:
            keys = KeychainLookupKeys.from_dict(_keys)

        keychain_lookup = cls(
            enrich,
            keys,
        )

        if not _KNOWN_KEYCHAINLOOKUP.issuperset(src_dict):
            keychain_lookup.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_KEYCHAINLOOKUP
            }
        return keychain_lookup

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


_KNOWN_KEYCHAINLOOKUP = frozenset(
    (
        "enrich",
        "keys",
    )
)
