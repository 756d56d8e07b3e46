# generated from openapi.yaml, do not edit; run make generate
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.token_request_grant_type import (
    TokenRequestGrantType,
    check_token_request_grant_type,
)

T = TypeVar("T", bound="TokenRequest")


@_attrs_define
class TokenRequest:
    """Client-credentials form.

    Attributes:
        grant_type (TokenRequestGrantType): Always client_credentials.
        client_id (str): API client id.
        client_secret (str): API client secret.
    """

    grant_type: TokenRequestGrantType
    client_id: str
    client_secret: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        grant_type: str = self.grant_type

        client_id = self.client_id

        client_secret = self.client_secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "grant_type": grant_type,
                "client_id": client_id,
                "client_secret": client_secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        grant_type = check_token_request_grant_type(src_dict["grant_type"])

        client_id = src_dict["client_id"]

        client_secret = src_dict["client_secret"]

        token_request = cls(
            grant_type,
            client_id,
            client_secret,
        )

        if len(src_dict) > 3:  # every field is required
            token_request.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _KNOWN_TOKENREQUEST
            }
        return token_request

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


_KNOWN_TOKENREQUEST = frozenset(
    (
        "grant_type",
        "client_id",
        "client_secret",
    )
)
