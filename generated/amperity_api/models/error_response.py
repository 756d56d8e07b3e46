# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorResponse")


@_attrs_define
class ErrorResponse:
    """Error envelope.

    Attributes:
        status (int): HTTP status repeated in the body. Example: 400.
        message (str): What went wrong. Example: An unexpected error occurred..
        request_id (str | Unset): Request id to quote to support. Example: req-0f3c9a.
        trace_id (str | Unset): Trace id of the failing request. Example: tr-7b2d41.
    """

    status: int
    message: str
    request_id: str | Unset = UNSET
    trace_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        message = self.message

        request_id = self.request_id

        trace_id = self.trace_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "message": message,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if trace_id is not UNSET:
            field_dict["trace_id"] = trace_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        status = src_dict["status"]

        message = src_dict["message"]

        request_id = src_dict.get("request_id", UNSET)

        trace_id = src_dict.get("trace_id", UNSET)

        error_response = cls(
            status,
            message,
            request_id,
            trace_id,
        )

        if not _KNOWN_ERRORRESPONSE.issuperset(src_dict):
            error_response.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_ERRORRESPONSE
            }
        return error_response

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


_KNOWN_ERRORRESPONSE = frozenset(
    (
        "status",
        "message",
        "request_id",
        "trace_id",
    )
)
