# generated from openapi.yaml, do not edit; run make generate
import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_event_list import AuditEventList
from ...models.error_response import ErrorResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    with_total: bool | Unset = False,
    happened_from: datetime.datetime | Unset = UNSET,
    happened_to: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["next_token"] = next_token

    params["with_total"] = with_total

    json_happened_from: str | Unset = UNSET
    if not isinstance(happened_from, Unset):
        json_happened_from = happened_from.isoformat()
    params["happened_from"] = json_happened_from

    json_happened_to: str | Unset = UNSET
    if not isinstance(happened_to, Unset):
        json_happened_to = happened_to.isoformat()
    params["happened_to"] = json_happened_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/audit-events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuditEventList | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = AuditEventList.from_dict(response.json())

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
) -> Response[AuditEventList | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    with_total: bool | Unset = False,
    happened_from: datetime.datetime | Unset = UNSET,
    happened_to: datetime.datetime | Unset = UNSET,
) -> Response[AuditEventList | ErrorResponse]:
    """GET /audit-events

     List audit events, optionally within a time window.

    Args:
        limit (int | Unset):
        next_token (str | Unset):  Example: ZVEy1iwsKBs9a6H.
        with_total (bool | Unset):  Default: False.
        happened_from (datetime.datetime | Unset):  Example: 2026-04-01T11:11:11Z.
        happened_to (datetime.datetime | Unset):  Example: 2026-04-10T11:11:11Z.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditEventList | ErrorResponse]
    """

    kwargs = _get_kwargs(
        limit=limit,
        next_token=next_token,
        with_total=with_total,
        happened_from=happened_from,
        happened_to=happened_to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    with_total: bool | Unset = False,
    happened_from: datetime.datetime | Unset = UNSET,
    happened_to: datetime.datetime | Unset = UNSET,
) -> AuditEventList | ErrorResponse | None:
    """GET /audit-events

     List audit events, optionally within a time window.

    Args:
        limit (int | Unset):
        next_token (str | Unset):  Example: ZVEy1iwsKBs9a6H.
        with_total (bool | Unset):  Default: False.
        happened_from (datetime.datetime | Unset):  Example: 2026-04-01T11:11:11Z.
        happened_to (datetime.datetime | Unset):  Example: 2026-04-10T11:11:11Z.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditEventList | ErrorResponse
    """

    return sync_detailed(
        client=client,
        limit=limit,
        next_token=next_token,
        with_total=with_total,
        happened_from=happened_from,
        happened_to=happened_to,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    with_total: bool | Unset = False,
    happened_from: datetime.datetime | Unset = UNSET,
    happened_to: datetime.datetime | Unset = UNSET,
) -> Response[AuditEventList | ErrorResponse]:
    """GET /audit-events

     List audit events, optionally within a time window.

    Args:
        limit (int | Unset):
        next_token (str | Unset):  Example: ZVEy1iwsKBs9a6H.
        with_total (bool | Unset):  Default: False.
        happened_from (datetime.datetime | Unset):  Example: 2026-04-01T11:11:11Z.
        happened_to (datetime.datetime | Unset):  Example: 2026-04-10T11:11:11Z.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditEventList | ErrorResponse]
    """

    kwargs = _get_kwargs(
        limit=limit,
        next_token=next_token,
        with_total=with_total,
        happened_from=happened_from,
        happened_to=happened_to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    with_total: bool | Unset = False,
    happened_from: datetime.datetime | Unset = UNSET,
    happened_to: datetime.datetime | Unset = UNSET,
) -> AuditEventList | ErrorResponse | None:
    """GET /audit-events

     List audit events, optionally within a time window.

    Args:
        limit (int | Unset):
        next_token (str | Unset):  Example: ZVEy1iwsKBs9a6H.
        with_total (bool | Unset):  Default: False.
        happened_from (datetime.datetime | Unset):  Example: 2026-04-01T11:11:11Z.
        happened_to (datetime.datetime | Unset):  Example: 2026-04-10T11:11:11Z.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditEventList | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            next_token=next_token,
            with_total=with_total,
            happened_from=happened_from,
            happened_to=happened_to,
        )
    ).parsed
