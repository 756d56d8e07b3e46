# generated from openapi.yaml, do not edit; run make generate
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.segment_list import SegmentList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    with_total: bool | Unset = False,
) -> dict[str, Any]:

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


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | SegmentList | None:
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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | SegmentList]:
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
) -> Response[ErrorResponse | SegmentList]:
    """GET /segments

     List segments.

    Args:
        limit (int | Unset):
        next_token (str | Unset):  Example: ZVEy1iwsKBs9a6H.
        with_total (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SegmentList]
    """

    kwargs = _get_kwargs(
        limit=limit,
        next_token=next_token,
        with_total=with_total,
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
) -> ErrorResponse | SegmentList | None:
    """GET /segments

     List segments.

    Args:
        limit (int | Unset):
        next_token (str | Unset):  Example: ZVEy1iwsKBs9a6H.
        with_total (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SegmentList
    """

    return sync_detailed(
        client=client,
        limit=limit,
        next_token=next_token,
        with_total=with_total,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    with_total: bool | Unset = False,
) -> Response[ErrorResponse | SegmentList]:
    """GET /segments

     List segments.

    Args:
        limit (int | Unset):
        next_token (str | Unset):  Example: ZVEy1iwsKBs9a6H.
        with_total (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SegmentList]
    """

    kwargs = _get_kwargs(
        limit=limit,
        next_token=next_token,
        with_total=with_total,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    with_total: bool | Unset = False,
) -> ErrorResponse | SegmentList | None:
    """GET /segments

     List segments.

    Args:
        limit (int | Unset):
        next_token (str | Unset):  Example: ZVEy1iwsKBs9a6H.
        with_total (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SegmentList
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            next_token=next_token,
            with_total=with_total,
        )
    ).parsed
