# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.ingest_feed_details import IngestFeedDetails


T = TypeVar("T", bound="IngestJobDetails")


@_attrs_define
class IngestJobDetails:
    """One ingest job.

    Attributes:
        id (str): Identifier. Example: isj-1f73r9u2.
        workflow_id (str): Workflow run id. Example: wf-20240618-3423-b45.
        tables (list[IngestFeedDetails]): Per-table results.
    """

    id: str
    workflow_id: str
    tables: list[IngestFeedDetails]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        workflow_id = self.workflow_id

        tables = []
        for tables_item_data in self.tables:
            tables_item = tables_item_data.to_dict()
            tables.append(tables_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "workflow_id": workflow_id,
                "tables": tables,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ingest_feed_details import IngestFeedDetails  # noqa: PLC0415

        id = src_dict["id"]

        workflow_id = src_dict["workflow_id"]

        tables = list(map(IngestFeedDetails.from_dict, src_dict["tables"]))

        ingest_job_details = cls(
            id,
            workflow_id,
            tables,
        )

        if len(src_dict) > 3:  # every field is required
            ingest_job_details.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_INGESTJOBDETAILS
            }
        return ingest_job_details

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


_KNOWN_INGESTJOBDETAILS = frozenset(
    (
        "id",
        "workflow_id",
        "tables",
    )
)
