# generated from openapi.yaml, do not edit; run make generate
from typing import Any, cast

import httpx

from ...models.error_response import ErrorResponse
from ...models.list_indexes_response import ListIndexesResponse
from ...types import UNSET, Unset


def build_request(
    *,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    with_total: bool | Unset = UNSET,
) -> dict[str, Any]:
    """GET /indexes: the keyword arguments of `httpx.Client.request`."""

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["next_token"] = next_token

    params["with_total"] = with_total

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/indexes",
        "params": params,
    }

    return _kwargs


def parse_response(
    response: httpx.Response,
) -> Any | ErrorResponse | ListIndexesResponse | None:
    """The documented answer for the response's status; None for a status not documented."""
    if response.status_code == 200:
        response_200 = ListIndexesResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = cast(Any, None)
        return response_400

    if response.status_code == 401:
        response_401 = cast(Any, None)
        return response_401

    if response.status_code == 403:
        response_403 = cast(Any, None)
        return response_403

    if response.status_code == 404:
        response_404 = cast(Any, None)
        return response_404

    if response.status_code == 405:
        response_405 = cast(Any, None)
        return response_405

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = cast(Any, None)
        return response_500

    if response.status_code == 503:
        response_503 = cast(Any, None)
        return response_503

    return None
