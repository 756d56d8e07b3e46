# generated from openapi.yaml, do not edit; run make generate
from typing import Any
from urllib.parse import quote

import httpx

from ...models.post_stream_data_json_body import PostStreamDataJsonBody
from ...types import UNSET, Unset


def build_request(
    stream_id: str,
    *,
    body: PostStreamDataJsonBody,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    """POST /data/{stream_id}: the keyword arguments of `httpx.Client.request`."""
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/data/{stream_id}".format(
            stream_id=quote(str(stream_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def parse_response(response: httpx.Response) -> Any | None:
    """The documented answer for the response's status; None for a status not documented."""
    if response.status_code == 202:
        return None

    if response.status_code == 400:
        return None

    if response.status_code == 401:
        return None

    if response.status_code == 403:
        return None

    if response.status_code == 405:
        return None

    if response.status_code == 411:
        return None

    if response.status_code == 413:
        return None

    if response.status_code == 429:
        return None

    if response.status_code == 500:
        return None

    if response.status_code == 503:
        return None

    if response.status_code == 504:
        return None

    return None
