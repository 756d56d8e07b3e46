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
    from ..models.workflow_task_instance import WorkflowTaskInstance


T = TypeVar("T", bound="Workflow")


@_attrs_define
class Workflow:
    """A workflow run.

    Attributes:
        id (str): Identifier. Example: wf-20240619-14418-6UhqSe.
        state (str): Current state (open set of values). Example: succeeded.
        type_ (str): Kind of workflow or error. Example: campaign.send.
        name (str): Display name. Example: Customer Attribute Daily.
        tenant (str): Tenant the record belongs to. Example: <tenant-id>.
        created_at (datetime.datetime): Creation time (UTC). Example: 2026-06-19T04:00:18.764Z.
        ended_at (datetime.datetime | Unset): End time (UTC). Example: 2026-06-19T04:03:10.119Z.
        principal_id (str | Unset): Identity that acted. Example: google-apps|operator@example.com.
        principal_name (str | Unset): Display name of who acted. Example: Example Operator.
        principal_email (str | Unset): E-mail of who acted. Example: operator@example.com.
        launched_version (str | Unset): Configuration version that was launched. Example: etv-20240210-12345-6AbCDE.
        current_version (str | Unset): Current configuration version. Example: etv-20240210-12345-6AbCDE.
        warn_after_ms (int | Unset): Warn when running longer than this (ms). Example: 86400000.
        task_instances (list[WorkflowTaskInstance] | Unset): Tasks of this run (verbose view only).
        error (WorkflowError | Unset): Why a workflow or task failed.
    """

    id: str
    state: str
    type_: str
    name: str
    tenant: str
    created_at: datetime.datetime
    ended_at: datetime.datetime | Unset = UNSET
    principal_id: str | Unset = UNSET
    principal_name: str | Unset = UNSET
    principal_email: str | Unset = UNSET
    launched_version: str | Unset = UNSET
    current_version: str | Unset = UNSET
    warn_after_ms: int | Unset = UNSET
    task_instances: list[WorkflowTaskInstance] | Unset = UNSET
    error: WorkflowError | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        state = self.state

        type_ = self.type_

        name = self.name

        tenant = self.tenant

        created_at = self.created_at.isoformat()

        ended_at: str | Unset = UNSET
        if not isinstance(self.ended_at, Unset):
            ended_at = self.ended_at.isoformat()

        principal_id = self.principal_id

        principal_name = self.principal_name

        principal_email = self.principal_email

        launched_version = self.launched_version

        current_version = self.current_version

        warn_after_ms = self.warn_after_ms

        task_instances: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.task_instances, Unset):
            task_instances = []
            for task_instances_item_data in self.task_instances:
                task_instances_item = task_instances_item_data.to_dict()
                task_instances.append(task_instances_item)

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "state": state,
                "type": type_,
                "name": name,
                "tenant": tenant,
                "created_at": created_at,
            }
        )
        if ended_at is not UNSET:
            field_dict["ended_at"] = ended_at
        if principal_id is not UNSET:
            field_dict["principal_id"] = principal_id
        if principal_name is not UNSET:
            field_dict["principal_name"] = principal_name
        if principal_email is not UNSET:
            field_dict["principal_email"] = principal_email
        if launched_version is not UNSET:
            field_dict["launched_version"] = launched_version
        if current_version is not UNSET:
            field_dict["current_version"] = current_version
        if warn_after_ms is not UNSET:
            field_dict["warn_after_ms"] = warn_after_ms
        if task_instances is not UNSET:
            field_dict["task_instances"] = task_instances
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.workflow_error import WorkflowError  # noqa: PLC0415
        from ..models.workflow_task_instance import WorkflowTaskInstance  # noqa: PLC0415

        id = src_dict["id"]

        state = src_dict["state"]

        type_ = src_dict["type"]

        name = src_dict["name"]

        tenant = src_dict["tenant"]

        created_at = datetime.datetime.fromisoformat(src_dict["created_at"])

        _ended_at = src_dict.get("ended_at", UNSET)
        ended_at: datetime.datetime | Unset
        if isinstance(_ended_at, Unset):
            ended_at = UNSET
        else:
            ended_at = datetime.datetime.fromisoformat(_ended_at)

        principal_id = src_dict.get("principal_id", UNSET)

        principal_name = src_dict.get("principal_name", UNSET)

        principal_email = src_dict.get("principal_email", UNSET)

        launched_version = src_dict.get("launched_version", UNSET)

        current_version = src_dict.get("current_version", UNSET)

        warn_after_ms = src_dict.get("warn_after_ms", UNSET)

        _task_instances = src_dict.get("task_instances", UNSET)
        task_instances: list[WorkflowTaskInstance] | Unset = UNSET
        if _task_instances is not UNSET:
            task_instances = list(map(WorkflowTaskInstance.from_dict, _task_instances))

        _error = src_dict.get("error", UNSET)
        error: WorkflowError | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = WorkflowError.from_dict(_error)

        workflow = cls(
            id,
            state,
            type_,
            name,
            tenant,
            created_at,
            ended_at,
            principal_id,
            principal_name,
            principal_email,
            launched_version,
            current_version,
            warn_after_ms,
            task_instances,
            error,
        )

        if not _KNOWN_WORKFLOW.issuperset(src_dict):
            workflow.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_WORKFLOW
            }
        return workflow

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


_KNOWN_WORKFLOW = frozenset(
    (
        "id",
        "state",
        "type",
        "name",
        "tenant",
        "created_at",
        "ended_at",
        "principal_id",
        "principal_name",
        "principal_email",
        "launched_version",
        "current_version",
        "warn_after_ms",
        "task_instances",
        "error",
    )
)
