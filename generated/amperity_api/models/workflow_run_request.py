# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.workflow_run_request_run_mode import (
    WorkflowRunRequestRunMode,
    check_workflow_run_request_run_mode,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="WorkflowRunRequest")


@_attrs_define
class WorkflowRunRequest:
    """What to run.

    Attributes:
        config_id (str): Configuration to run (courier group, orchestration group or campaign id). Example:
            cg-123ABc4DE.
        range_from (datetime.datetime | Unset): Start of the data range to process (UTC). Example: 2026-10-01T00:00:00Z.
        range_to (datetime.datetime | Unset): End of the data range to process (UTC). Example: 2026-10-07T00:00:00Z.
        run_mode (WorkflowRunRequestRunMode | Unset): Override of the configured run mode; omit to keep it. Example:
            full.
    """

    config_id: str
    range_from: datetime.datetime | Unset = UNSET
    range_to: datetime.datetime | Unset = UNSET
    run_mode: WorkflowRunRequestRunMode | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        config_id = self.config_id

        range_from: str | Unset = UNSET
        if not isinstance(self.range_from, Unset):
            range_from = self.range_from.isoformat()

        range_to: str | Unset = UNSET
        if not isinstance(self.range_to, Unset):
            range_to = self.range_to.isoformat()

        run_mode: str | Unset = UNSET
        if not isinstance(self.run_mode, Unset):
            run_mode = self.run_mode

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "config_id": config_id,
            }
        )
        if range_from is not UNSET:
            field_dict["range_from"] = range_from
        if range_to is not UNSET:
            field_dict["range_to"] = range_to
        if run_mode is not UNSET:
            field_dict["run_mode"] = run_mode

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        config_id = src_dict["config_id"]

        _range_from = src_dict.get("range_from", UNSET)
        range_from: datetime.datetime | Unset
        if isinstance(_range_from, Unset):
            range_from = UNSET
        else:
            range_from = datetime.datetime.fromisoformat(_range_from)

        _range_to = src_dict.get("range_to", UNSET)
        range_to: datetime.datetime | Unset
        if isinstance(_range_to, Unset):
            range_to = UNSET
        else:
            range_to = datetime.datetime.fromisoformat(_range_to)

        _run_mode = src_dict.get("run_mode", UNSET)
        run_mode: WorkflowRunRequestRunMode | Unset
        if isinstance(_run_mode, Unset):
            run_mode = UNSET
        else:
            run_mode = check_workflow_run_request_run_mode(_run_mode)

        workflow_run_request = cls(
            config_id,
            range_from,
            range_to,
            run_mode,
        )

        if not _KNOWN_WORKFLOWRUNREQUEST.issuperset(src_dict):
            workflow_run_request.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_WORKFLOWRUNREQUEST
            }
        return workflow_run_request

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


_KNOWN_WORKFLOWRUNREQUEST = frozenset(
    (
        "config_id",
        "range_from",
        "range_to",
        "run_mode",
    )
)
