# generated from openapi.yaml, do not edit; run make generate
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.token_request import TokenRequest
from ...models.token_response import TokenResponse
from ...types import Response


def _get_kwargs(
    *,
    body: TokenRequest,
    x_amperity_tenant: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["X-Amperity-Tenant"] = x_amperity_tenant

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v0/oauth2/token",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | TokenResponse | None:
    if response.status_code == 200:
        response_200 = TokenResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

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
) -> Response[ErrorResponse | TokenResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequest,
    x_amperity_tenant: str,
) -> Response[ErrorResponse | TokenResponse]:
    """POST /v0/oauth2/token

     Exchange client credentials for a short-lived bearer token. Not versioned; carries the tenant in
    X-Amperity-Tenant.

    Args:
        x_amperity_tenant (str):  Example: acme.
        body (TokenRequest): Client-credentials form.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TokenResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        x_amperity_tenant=x_amperity_tenant,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequest,
    x_amperity_tenant: str,
) -> ErrorResponse | TokenResponse | None:
    """POST /v0/oauth2/token

     Exchange client credentials for a short-lived bearer token. Not versioned; carries the tenant in
    X-Amperity-Tenant.

    Args:
        x_amperity_tenant (str):  Example: acme.
        body (TokenRequest): Client-credentials form.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TokenResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        x_amperity_tenant=x_amperity_tenant,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequest,
    x_amperity_tenant: str,
) -> Response[ErrorResponse | TokenResponse]:
    """POST /v0/oauth2/token

     Exchange client credentials for a short-lived bearer token. Not versioned; carries the tenant in
    X-Amperity-Tenant.

    Args:
        x_amperity_tenant (str):  Example: acme.
        body (TokenRequest): Client-credentials form.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TokenResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        x_amperity_tenant=x_amperity_tenant,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequest,
    x_amperity_tenant: str,
) -> ErrorResponse | TokenResponse | None:
    """POST /v0/oauth2/token

     Exchange client credentials for a short-lived bearer token. Not versioned; carries the tenant in
    X-Amperity-Tenant.

    Args:
        x_amperity_tenant (str):  Example: acme.
        body (TokenRequest): Client-credentials form.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TokenResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_amperity_tenant=x_amperity_tenant,
        )
    ).parsed
