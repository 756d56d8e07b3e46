# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="IngestFileDetails")


@_attrs_define
class IngestFileDetails:
    """Counts for one ingested file.

    Attributes:
        file_id (str): File id. Example: cb-20240618-71992-SF3Uz/part0.avro.
        read (int): Records read. Example: 1000.
        errors (int): Records with errors. Example: 200.
        name (str | Unset): Display name. Example: part0.avro.
    """

    file_id: str
    read: int
    errors: int
    name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file_id = self.file_id

        read = self.read

        errors = self.errors

        name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file_id": file_id,
                "read": read,
                "errors": errors,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        file_id = src_dict["file_id"]

        read = src_dict["read"]

        errors = src_dict["errors"]

        name = src_dict.get("name", UNSET)

        ingest_file_details = cls(
            file_id,
            read,
            errors,
            name,
        )

        if not _KNOWN_INGESTFILEDETAILS.issuperset(src_dict):
            ingest_file_details.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_INGESTFILEDETAILS
            }
        return ingest_file_details

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


_KNOWN_INGESTFILEDETAILS = frozenset(
    (
        "file_id",
        "read",
        "errors",
        "name",
    )
)
