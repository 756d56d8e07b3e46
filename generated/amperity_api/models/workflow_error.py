# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="WorkflowError")


@_attrs_define
class WorkflowError:
    """Why a workflow or task failed.

    Attributes:
        type_ (str): Kind of workflow or error. Example: amperity.workflow.task.stitch/table.
        message (str): Human-readable explanation. Example: Found table in an invalid state..
        attribution (str | Unset): Who is likely at fault. Example: customer.
        data (Any | Unset): Free-form details of the failure.
    """

    type_: str
    message: str
    attribution: str | Unset = UNSET
    data: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        message = self.message

        attribution = self.attribution

        data = self.data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "message": message,
            }
        )
        if attribution is not UNSET:
            field_dict["attribution"] = attribution
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        type_ = src_dict["type"]

        message = src_dict["message"]

        attribution = src_dict.get("attribution", UNSET)

        data = src_dict.get("data", UNSET)

        workflow_error = cls(
            type_,
            message,
            attribution,
            data,
        )

        if not _KNOWN_WORKFLOWERROR.issuperset(src_dict):
            workflow_error.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_WORKFLOWERROR
            }
        return workflow_error

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


_KNOWN_WORKFLOWERROR = frozenset(
    (
        "type",
        "message",
        "attribution",
        "data",
    )
)
