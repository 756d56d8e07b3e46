# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuditEvent")


@_attrs_define
class AuditEvent:
    """One recorded user action.

    Attributes:
        event_id (str): Event id. Example: ae-Ab1cDeFg.
        event_type (str): Kind of action recorded. Example: :amperity.alert.audience/created.
        tenant (str): Tenant the record belongs to. Example: socktown-sb.
        tenant_family (str): Production tenant that owns this tenant and its sandboxes. Example: socktown.
        happened_at (datetime.datetime): When the action happened (UTC). Example: 2026-04-09T17:21:06.747Z.
        principal_id (str): Identity that acted. Example: google-apps|analyst@example.com.
        principal_name (str): Display name of who acted. Example: Example Analyst.
        principal_email (str): E-mail of who acted. Example: analyst@example.com.
        object_id (str): Id of the object acted on. Example: seg-35GMWpn6Y.
        origin_ip (str): Address the request came from. Example: 192.0.2.10.
        user_agent (str): Client software of the actor. Example: Mac OS X 4.5.6.
        session_id (str): Session the action belongs to. Example: Ab1cDeFgHijkLMN2Op3QrStUvWxYZ0123.
        object_name (str | Unset): Name of the object acted on. Example: Socktown Returning Customers.
    """

    event_id: str
    event_type: str
    tenant: str
    tenant_family: str
    happened_at: datetime.datetime
    principal_id: str
    principal_name: str
    principal_email: str
    object_id: str
    origin_ip: str
    user_agent: str
    session_id: str
    object_name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id = self.event_id

        event_type = self.event_type

        tenant = self.tenant

        tenant_family = self.tenant_family

        happened_at = self.happened_at.isoformat()

        principal_id = self.principal_id

        principal_name = self.principal_name

        principal_email = self.principal_email

        object_id = self.object_id

        origin_ip = self.origin_ip

        user_agent = self.user_agent

        session_id = self.session_id

        object_name = self.object_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_id": event_id,
                "event_type": event_type,
                "tenant": tenant,
                "tenant_family": tenant_family,
                "happened_at": happened_at,
                "principal_id": principal_id,
                "principal_name": principal_name,
                "principal_email": principal_email,
                "object_id": object_id,
                "origin_ip": origin_ip,
                "user_agent": user_agent,
                "session_id": session_id,
            }
        )
        if object_name is not UNSET:
            field_dict["object_name"] = object_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        event_id = src_dict["event_id"]

        event_type = src_dict["event_type"]

        tenant = src_dict["tenant"]

        tenant_family = src_dict["tenant_family"]

        happened_at = datetime.datetime.fromisoformat(src_dict["happened_at"])

        principal_id = src_dict["principal_id"]

        principal_name = src_dict["principal_name"]

        principal_email = src_dict["principal_email"]

        object_id = src_dict["object_id"]

        origin_ip = src_dict["origin_ip"]

        user_agent = src_dict["user_agent"]

        session_id = src_dict["session_id"]

        object_name = src_dict.get("object_name", UNSET)

        audit_event = cls(
            event_id,
            event_type,
            tenant,
            tenant_family,
            happened_at,
            principal_id,
            principal_name,
            principal_email,
            object_id,
            origin_ip,
            user_agent,
            session_id,
            object_name,
        )

        if not _KNOWN_AUDITEVENT.issuperset(src_dict):
            audit_event.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_AUDITEVENT
            }
        return audit_event

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


_KNOWN_AUDITEVENT = frozenset(
    (
        "event_id",
        "event_type",
        "tenant",
        "tenant_family",
        "happened_at",
        "principal_id",
        "principal_name",
        "principal_email",
        "object_id",
        "origin_ip",
        "user_agent",
        "session_id",
        "object_name",
    )
)
