# generated from openapi.yaml, do not edit; run make generate
import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.ingest_job_details_list import IngestJobDetailsList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    with_total: bool | Unset = False,
    created_from: datetime.datetime,
    created_to: datetime.datetime,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["with_total"] = with_total

    json_created_from = created_from.isoformat()
    params["created_from"] = json_created_from

    json_created_to = created_to.isoformat()
    params["created_to"] = json_created_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/ingest/jobs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | IngestJobDetailsList | None:
    if response.status_code == 200:
        response_200 = IngestJobDetailsList.from_dict(response.json())

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | IngestJobDetailsList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    with_total: bool | Unset = False,
    created_from: datetime.datetime,
    created_to: datetime.datetime,
) -> Response[ErrorResponse | IngestJobDetailsList]:
    """GET /ingest/jobs

     List ingest jobs started inside a window of at most seven days.

    Args:
        with_total (bool | Unset):  Default: False.
        created_from (datetime.datetime):  Example: 2026-10-01T00:00:00Z.
        created_to (datetime.datetime):  Example: 2026-10-07T00:00:00Z.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | IngestJobDetailsList]
    """

    kwargs = _get_kwargs(
        with_total=with_total,
        created_from=created_from,
        created_to=created_to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    with_total: bool | Unset = False,
    created_from: datetime.datetime,
    created_to: datetime.datetime,
) -> ErrorResponse | IngestJobDetailsList | None:
    """GET /ingest/jobs

     List ingest jobs started inside a window of at most seven days.

    Args:
        with_total (bool | Unset):  Default: False.
        created_from (datetime.datetime):  Example: 2026-10-01T00:00:00Z.
        created_to (datetime.datetime):  Example: 2026-10-07T00:00:00Z.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | IngestJobDetailsList
    """

    return sync_detailed(
        client=client,
        with_total=with_total,
        created_from=created_from,
        created_to=created_to,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    with_total: bool | Unset = False,
    created_from: datetime.datetime,
    created_to: datetime.datetime,
) -> Response[ErrorResponse | IngestJobDetailsList]:
    """GET /ingest/jobs

     List ingest jobs started inside a window of at most seven days.

    Args:
        with_total (bool | Unset):  Default: False.
        created_from (datetime.datetime):  Example: 2026-10-01T00:00:00Z.
        created_to (datetime.datetime):  Example: 2026-10-07T00:00:00Z.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | IngestJobDetailsList]
    """

    kwargs = _get_kwargs(
        with_total=with_total,
        created_from=created_from,
        created_to=created_to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    with_total: bool | Unset = False,
    created_from: datetime.datetime,
    created_to: datetime.datetime,
) -> ErrorResponse | IngestJobDetailsList | None:
    """GET /ingest/jobs

     List ingest jobs started inside a window of at most seven days.

    Args:
        with_total (bool | Unset):  Default: False.
        created_from (datetime.datetime):  Example: 2026-10-01T00:00:00Z.
        created_to (datetime.datetime):  Example: 2026-10-07T00:00:00Z.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | IngestJobDetailsList
    """

    return (
        await asyncio_detailed(
            client=client,
            with_total=with_total,
            created_from=created_from,
            created_to=created_to,
        )
    ).parsed
