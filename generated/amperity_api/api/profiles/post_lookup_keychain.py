# generated from openapi.yaml, do not edit; run make generate
from typing import Any
from urllib.parse import quote

import httpx

from ...models.error_body import ErrorBody
from ...models.keychain_lookup import KeychainLookup
from ...models.profile import Profile


def build_request(
    collection_id: str,
    *,
    body: KeychainLookup,
) -> dict[str, Any]:
    """POST /lookup/{collection_id}/keychain: the keyword arguments of `httpx.Client.request`."""
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/lookup/{collection_id}/keychain".format(
            collection_id=quote(str(collection_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def parse_response(response: httpx.Response) -> ErrorBody | Profile | None:
    """The documented answer for the response's status; None for a status not documented."""
    if response.status_code == 200:
        response_200 = Profile.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    return None
