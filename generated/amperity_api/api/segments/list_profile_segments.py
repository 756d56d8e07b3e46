# generated from openapi.yaml, do not edit; run make generate
from typing import Any
from urllib.parse import quote

import httpx

from ...models.error_body import ErrorBody
from ...models.profile_segments_envelope import ProfileSegmentsEnvelope
from ...types import UNSET, Unset


def build_request(
    collection_id: str,
    profile_id: str,
    *,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
) -> dict[str, Any]:
    """GET /profiles/{collection_id}/{profile_id}/segments: the keyword arguments of `httpx.Client.request`."""

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["next_token"] = next_token

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/profiles/{collection_id}/{profile_id}/segments".format(
            collection_id=quote(str(collection_id), safe=""),
            profile_id=quote(str(profile_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def parse_response(
    response: httpx.Response,
) -> ErrorBody | ProfileSegmentsEnvelope | None:
    """The documented answer for the response's status; None for a status not documented."""
    if response.status_code == 200:
        response_200 = ProfileSegmentsEnvelope.from_dict(response.json())

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
