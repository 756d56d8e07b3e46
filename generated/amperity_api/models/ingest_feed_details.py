# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.ingest_file_details import IngestFileDetails


T = TypeVar("T", bound="IngestFeedDetails")


@_attrs_define
class IngestFeedDetails:
    """Counts for one feed into one table.

    Attributes:
        feed_id (str): Feed id. Example: df-5L6d1veh.
        job_id (str): Ingest job id. Example: isj-1f73r9u2.
        table_name (str): Destination table. Example: My table.
        state (str): Current state (open set of values). Example: succeeded.
        read (int): Records read. Example: 1000.
        errors (int): Records with errors. Example: 200.
        rejected (int): Records rejected. Example: 200.
        inserted (int): Records inserted. Example: 400.
        updated (int): Records updated. Example: 200.
        started_at (datetime.datetime): Start time (UTC). Example: 2026-06-01T04:02:54.433Z.
        ended_at (datetime.datetime): End time (UTC). Example: 2026-06-01T04:02:57.433Z.
        files (list[IngestFileDetails]): Files read for this table.
    """

    feed_id: str
    job_id: str
    table_name: str
    state: str
    read: int
    errors: int
    rejected: int
    inserted: int
    updated: int
    started_at: datetime.datetime
    ended_at: datetime.datetime
    files: list[IngestFileDetails]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        feed_id = self.feed_id

        job_id = self.job_id

        table_name = self.table_name

        state = self.state

        read = self.read

        errors = self.errors

        rejected = self.rejected

        inserted = self.inserted

        updated = self.updated

        started_at = self.started_at.isoformat()

        ended_at = self.ended_at.isoformat()

        files = []
        for files_item_data in self.files:
            files_item = files_item_data.to_dict()
            files.append(files_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "feed_id": feed_id,
                "job_id": job_id,
                "table_name": table_name,
                "state": state,
                "read": read,
                "errors": errors,
                "rejected": rejected,
                "inserted": inserted,
                "updated": updated,
                "started_at": started_at,
                "ended_at": ended_at,
                "files": files,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ingest_file_details import IngestFileDetails  # noqa: PLC0415

        feed_id = src_dict["feed_id"]

        job_id = src_dict["job_id"]

        table_name = src_dict["table_name"]

        state = src_dict["state"]

        read = src_dict["read"]

        errors = src_dict["errors"]

        rejected = src_dict["rejected"]

        inserted = src_dict["inserted"]

        updated = src_dict["updated"]

        started_at = datetime.datetime.fromisoformat(src_dict["started_at"])

        ended_at = datetime.datetime.fromisoformat(src_dict["ended_at"])

        files = list(map(IngestFileDetails.from_dict, src_dict["files"]))

        ingest_feed_details = cls(
            feed_id,
            job_id,
            table_name,
            state,
            read,
            errors,
            rejected,
            inserted,
            updated,
            started_at,
            ended_at,
            files,
        )

        if len(src_dict) > 12:  # every field is required
            ingest_feed_details.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_INGESTFEEDDETAILS
            }
        return ingest_feed_details

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


_KNOWN_INGESTFEEDDETAILS = frozenset(
    (
        "feed_id",
        "job_id",
        "table_name",
        "state",
        "read",
        "errors",
        "rejected",
        "inserted",
        "updated",
        "started_at",
        "ended_at",
        "files",
    )
)
