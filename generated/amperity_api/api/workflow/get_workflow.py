# generated from openapi.yaml, do not edit; run make generate
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.get_workflow_view import GetWorkflowView
from ...models.workflow import Workflow
from ...types import UNSET, Response, Unset


def _get_kwargs(
    workflow_id: str,
    *,
    view: GetWorkflowView | Unset = "overview",
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_view: str | Unset = UNSET
    if not isinstance(view, Unset):
        json_view = view

    params["view"] = json_view

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/workflow/runs/{workflow_id}".format(
            workflow_id=quote(str(workflow_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | Workflow | None:
    if response.status_code == 200:
        response_200 = Workflow.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

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
) -> Response[ErrorResponse | Workflow]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    workflow_id: str,
    *,
    client: AuthenticatedClient | Client,
    view: GetWorkflowView | Unset = "overview",
) -> Response[ErrorResponse | Workflow]:
    """GET /workflow/runs/{workflow-id}

     Fetch one workflow run; verbose view adds its task instances.

    Args:
        workflow_id (str):  Example: wf-20240603-12345-MNabc.
        view (GetWorkflowView | Unset):  Default: 'overview'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Workflow]
    """

    kwargs = _get_kwargs(
        workflow_id=workflow_id,
        view=view,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    workflow_id: str,
    *,
    client: AuthenticatedClient | Client,
    view: GetWorkflowView | Unset = "overview",
) -> ErrorResponse | Workflow | None:
    """GET /workflow/runs/{workflow-id}

     Fetch one workflow run; verbose view adds its task instances.

    Args:
        workflow_id (str):  Example: wf-20240603-12345-MNabc.
        view (GetWorkflowView | Unset):  Default: 'overview'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Workflow
    """

    return sync_detailed(
        workflow_id=workflow_id,
        client=client,
        view=view,
    ).parsed


async def asyncio_detailed(
    workflow_id: str,
    *,
    client: AuthenticatedClient | Client,
    view: GetWorkflowView | Unset = "overview",
) -> Response[ErrorResponse | Workflow]:
    """GET /workflow/runs/{workflow-id}

     Fetch one workflow run; verbose view adds its task instances.

    Args:
        workflow_id (str):  Example: wf-20240603-12345-MNabc.
        view (GetWorkflowView | Unset):  Default: 'overview'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Workflow]
    """

    kwargs = _get_kwargs(
        workflow_id=workflow_id,
        view=view,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    workflow_id: str,
    *,
    client: AuthenticatedClient | Client,
    view: GetWorkflowView | Unset = "overview",
) -> ErrorResponse | Workflow | None:
    """GET /workflow/runs/{workflow-id}

     Fetch one workflow run; verbose view adds its task instances.

    Args:
        workflow_id (str):  Example: wf-20240603-12345-MNabc.
        view (GetWorkflowView | Unset):  Default: 'overview'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Workflow
    """

    return (
        await asyncio_detailed(
            workflow_id=workflow_id,
            client=client,
            view=view,
        )
    ).parsed
