# generated from openapi.yaml, do not edit; run make generate
from typing import Any

import httpx

from ...models.error_response import ErrorResponse
from ...models.segment_list import SegmentList
from ...types import UNSET, Unset


def build_request(
    *,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    with_total: bool | Unset = False,
) -> dict[str, Any]:
    """GET /segments: the keyword arguments of `httpx.Client.request`."""

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["next_token"] = next_token

    params["with_total"] = with_total

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/segments",
        "params": params,
    }

    return _kwargs


def parse_response(response: httpx.Response) -> ErrorResponse | SegmentList | None:
    """The documented answer for the response's status; None for a status not documented."""
    if response.status_code == 200:
        response_200 = SegmentList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 405:
        response_405 = ErrorResponse.from_dict(response.json())

        return response_405

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorResponse.from_dict(response.json())

        return response_503

    return None
