# generated from openapi.yaml, do not edit; run make generate
import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.workflow_list import WorkflowList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    with_total: bool | Unset = False,
    created_from: datetime.datetime | Unset = UNSET,
    created_to: datetime.datetime | Unset = UNSET,
    ended_from: datetime.datetime | Unset = UNSET,
    ended_to: datetime.datetime | Unset = UNSET,
    state: str | Unset = UNSET,
    type_: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["next_token"] = next_token

    params["with_total"] = with_total

    json_created_from: str | Unset = UNSET
    if not isinstance(created_from, Unset):
        json_created_from = created_from.isoformat()
    params["created_from"] = json_created_from

    json_created_to: str | Unset = UNSET
    if not isinstance(created_to, Unset):
        json_created_to = created_to.isoformat()
    params["created_to"] = json_created_to

    json_ended_from: str | Unset = UNSET
    if not isinstance(ended_from, Unset):
        json_ended_from = ended_from.isoformat()
    params["ended_from"] = json_ended_from

    json_ended_to: str | Unset = UNSET
    if not isinstance(ended_to, Unset):
        json_ended_to = ended_to.isoformat()
    params["ended_to"] = json_ended_to

    params["state"] = state

    params["type"] = type_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/workflow/runs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | WorkflowList | None:
    if response.status_code == 200:
        response_200 = WorkflowList.from_dict(response.json())

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
) -> Response[ErrorResponse | WorkflowList]:
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
    created_from: datetime.datetime | Unset = UNSET,
    created_to: datetime.datetime | Unset = UNSET,
    ended_from: datetime.datetime | Unset = UNSET,
    ended_to: datetime.datetime | Unset = UNSET,
    state: str | Unset = UNSET,
    type_: str | Unset = UNSET,
) -> Response[ErrorResponse | WorkflowList]:
    """GET /workflow/runs

     List workflow runs, filtered by creation or end window, state or type.

    Args:
        limit (int | Unset):
        next_token (str | Unset):  Example: ZVEy1iwsKBs9a6H.
        with_total (bool | Unset):  Default: False.
        created_from (datetime.datetime | Unset):  Example: 2026-04-01T00:00:00Z.
        created_to (datetime.datetime | Unset):  Example: 2026-04-30T00:00:00Z.
        ended_from (datetime.datetime | Unset):  Example: 2026-04-01T00:00:00Z.
        ended_to (datetime.datetime | Unset):  Example: 2026-04-30T00:00:00Z.
        state (str | Unset):  Example: succeeded.
        type_ (str | Unset):  Example: courier.group/run.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WorkflowList]
    """

    kwargs = _get_kwargs(
        limit=limit,
        next_token=next_token,
        with_total=with_total,
        created_from=created_from,
        created_to=created_to,
        ended_from=ended_from,
        ended_to=ended_to,
        state=state,
        type_=type_,
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
    created_from: datetime.datetime | Unset = UNSET,
    created_to: datetime.datetime | Unset = UNSET,
    ended_from: datetime.datetime | Unset = UNSET,
    ended_to: datetime.datetime | Unset = UNSET,
    state: str | Unset = UNSET,
    type_: str | Unset = UNSET,
) -> ErrorResponse | WorkflowList | None:
    """GET /workflow/runs

     List workflow runs, filtered by creation or end window, state or type.

    Args:
        limit (int | Unset):
        next_token (str | Unset):  Example: ZVEy1iwsKBs9a6H.
        with_total (bool | Unset):  Default: False.
        created_from (datetime.datetime | Unset):  Example: 2026-04-01T00:00:00Z.
        created_to (datetime.datetime | Unset):  Example: 2026-04-30T00:00:00Z.
        ended_from (datetime.datetime | Unset):  Example: 2026-04-01T00:00:00Z.
        ended_to (datetime.datetime | Unset):  Example: 2026-04-30T00:00:00Z.
        state (str | Unset):  Example: succeeded.
        type_ (str | Unset):  Example: courier.group/run.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WorkflowList
    """

    return sync_detailed(
        client=client,
        limit=limit,
        next_token=next_token,
        with_total=with_total,
        created_from=created_from,
        created_to=created_to,
        ended_from=ended_from,
        ended_to=ended_to,
        state=state,
        type_=type_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    with_total: bool | Unset = False,
    created_from: datetime.datetime | Unset = UNSET,
    created_to: datetime.datetime | Unset = UNSET,
    ended_from: datetime.datetime | Unset = UNSET,
    ended_to: datetime.datetime | Unset = UNSET,
    state: str | Unset = UNSET,
    type_: str | Unset = UNSET,
) -> Response[ErrorResponse | WorkflowList]:
    """GET /workflow/runs

     List workflow runs, filtered by creation or end window, state or type.

    Args:
        limit (int | Unset):
        next_token (str | Unset):  Example: ZVEy1iwsKBs9a6H.
        with_total (bool | Unset):  Default: False.
        created_from (datetime.datetime | Unset):  Example: 2026-04-01T00:00:00Z.
        created_to (datetime.datetime | Unset):  Example: 2026-04-30T00:00:00Z.
        ended_from (datetime.datetime | Unset):  Example: 2026-04-01T00:00:00Z.
        ended_to (datetime.datetime | Unset):  Example: 2026-04-30T00:00:00Z.
        state (str | Unset):  Example: succeeded.
        type_ (str | Unset):  Example: courier.group/run.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WorkflowList]
    """

    kwargs = _get_kwargs(
        limit=limit,
        next_token=next_token,
        with_total=with_total,
        created_from=created_from,
        created_to=created_to,
        ended_from=ended_from,
        ended_to=ended_to,
        state=state,
        type_=type_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    with_total: bool | Unset = False,
    created_from: datetime.datetime | Unset = UNSET,
    created_to: datetime.datetime | Unset = UNSET,
    ended_from: datetime.datetime | Unset = UNSET,
    ended_to: datetime.datetime | Unset = UNSET,
    state: str | Unset = UNSET,
    type_: str | Unset = UNSET,
) -> ErrorResponse | WorkflowList | None:
    """GET /workflow/runs

     List workflow runs, filtered by creation or end window, state or type.

    Args:
        limit (int | Unset):
        next_token (str | Unset):  Example: ZVEy1iwsKBs9a6H.
        with_total (bool | Unset):  Default: False.
        created_from (datetime.datetime | Unset):  Example: 2026-04-01T00:00:00Z.
        created_to (datetime.datetime | Unset):  Example: 2026-04-30T00:00:00Z.
        ended_from (datetime.datetime | Unset):  Example: 2026-04-01T00:00:00Z.
        ended_to (datetime.datetime | Unset):  Example: 2026-04-30T00:00:00Z.
        state (str | Unset):  Example: succeeded.
        type_ (str | Unset):  Example: courier.group/run.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WorkflowList
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            next_token=next_token,
            with_total=with_total,
            created_from=created_from,
            created_to=created_to,
            ended_from=ended_from,
            ended_to=ended_to,
            state=state,
            type_=type_,
        )
    ).parsed
