# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.workflow_error import WorkflowError


T = TypeVar("T", bound="WorkflowTaskInstance")


@_attrs_define
class WorkflowTaskInstance:
    """One task of a workflow run.

    Attributes:
        id (str): Identifier. Example: wft-20240619-14574-6kyYdY.
        state (str): Current state (open set of values). Example: failed.
        tenant (str): Tenant the record belongs to. Example: <tenant-id>.
        created_at (datetime.datetime | Unset): Creation time (UTC). Example: 2026-06-19T04:02:54.433Z.
        ended_at (datetime.datetime | Unset): End time (UTC). Example: 2026-06-19T04:03:10.094Z.
        execution_type (str | Unset): Engine that ran the task. Example: spark-sql.
        label (str | Unset): Task label. Example: Sending treatment customer_attribute_group to destination - S3.
        run_id (str | Unset): Run id of the task. Example: orb-20240619-EDnCxzmhrLN.
        state_changed_at (datetime.datetime | Unset): Time of the last state change (UTC). Example:
            2026-06-19T04:03:10.094Z.
        task_definition_id (str | Unset): Task definition id. Example: send/ct-2yrcnb2Hn/ptg-2XsDnXwEu/pd-2ycaK3gfh.
        task_definition_type (str | Unset): Task definition type. Example: campaign.send.
        timeout_ms (int | Unset): Task timeout in milliseconds. Example: 172800000.
        workflow_id (str | Unset): Workflow run id. Example: wf-20240619-14418-6UhqSe.
        error (WorkflowError | Unset): Why a workflow or task failed.
    """

    id: str
    state: str
    tenant: str
    created_at: datetime.datetime | Unset = UNSET
    ended_at: datetime.datetime | Unset = UNSET
    execution_type: str | Unset = UNSET
    label: str | Unset = UNSET
    run_id: str | Unset = UNSET
    state_changed_at: datetime.datetime | Unset = UNSET
    task_definition_id: str | Unset = UNSET
    task_definition_type: str | Unset = UNSET
    timeout_ms: int | Unset = UNSET
    workflow_id: str | Unset = UNSET
    error: WorkflowError | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        state = self.state

        tenant = self.tenant

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        ended_at: str | Unset = UNSET
        if not isinstance(self.ended_at, Unset):
            ended_at = self.ended_at.isoformat()

        execution_type = self.execution_type

        label = self.label

        run_id = self.run_id

        state_changed_at: str | Unset = UNSET
        if not isinstance(self.state_changed_at, Unset):
            state_changed_at = self.state_changed_at.isoformat()

        task_definition_id = self.task_definition_id

        task_definition_type = self.task_definition_type

        timeout_ms = self.timeout_ms

        workflow_id = self.workflow_id

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "state": state,
                "tenant": tenant,
            }
        )
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if ended_at is not UNSET:
            field_dict["ended_at"] = ended_at
        if execution_type is not UNSET:
            field_dict["execution_type"] = execution_type
        if label is not UNSET:
            field_dict["label"] = label
        if run_id is not UNSET:
            field_dict["run_id"] = run_id
        if state_changed_at is not UNSET:
            field_dict["state_changed_at"] = state_changed_at
        if task_definition_id is not UNSET:
            field_dict["task_definition_id"] = task_definition_id
        if task_definition_type is not UNSET:
            field_dict["task_definition_type"] = task_definition_type
        if timeout_ms is not UNSET:
            field_dict["timeout_ms"] = timeout_ms
        if workflow_id is not UNSET:
            field_dict["workflow_id"] = workflow_id
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.workflow_error import WorkflowError  # noqa: PLC0415

        id = src_dict["id"]

        state = src_dict["state"]

        tenant = src_dict["tenant"]

        _created_at = src_dict.get("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        _ended_at = src_dict.get("ended_at", UNSET)
        ended_at: datetime.datetime | Unset
        if isinstance(_ended_at, Unset):
            ended_at = UNSET
        else:
            ended_at = datetime.datetime.fromisoformat(_ended_at)

        execution_type = src_dict.get("execution_type", UNSET)

        label = src_dict.get("label", UNSET)

        run_id = src_dict.get("run_id", UNSET)

        _state_changed_at = src_dict.get("state_changed_at", UNSET)
        state_changed_at: datetime.datetime | Unset
        if isinstance(_state_changed_at, Unset):
            state_changed_at = UNSET
        else:
            state_changed_at = datetime.datetime.fromisoformat(_state_changed_at)

        task_definition_id = src_dict.get("task_definition_id", UNSET)

        task_definition_type = src_dict.get("task_definition_type", UNSET)

        timeout_ms = src_dict.get("timeout_ms", UNSET)

        workflow_id = src_dict.get("workflow_id", UNSET)

        _error = src_dict.get("error", UNSET)
        error: WorkflowError | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = WorkflowError.from_dict(_error)

        workflow_task_instance = cls(
            id,
            state,
            tenant,
            created_at,
            ended_at,
            execution_type,
            label,
            run_id,
            state_changed_at,
            task_definition_id,
            task_definition_type,
            timeout_ms,
            workflow_id,
            error,
        )

        if not _KNOWN_WORKFLOWTASKINSTANCE.issuperset(src_dict):
            workflow_task_instance.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_WORKFLOWTASKINSTANCE
            }
        return workflow_task_instance

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


_KNOWN_WORKFLOWTASKINSTANCE = frozenset(
    (
        "id",
        "state",
        "tenant",
        "created_at",
        "ended_at",
        "execution_type",
        "label",
        "run_id",
        "state_changed_at",
        "task_definition_id",
        "task_definition_type",
        "timeout_ms",
        "workflow_id",
        "error",
    )
)
