# generated from openapi.yaml, do not edit; run make generate
from typing import Any
from urllib.parse import quote

import httpx

from ...models.error_response import ErrorResponse
from ...models.ingest_job_details import IngestJobDetails


def build_request(
    job_id: str,
) -> dict[str, Any]:
    """GET /ingest/jobs/{job_id}: the keyword arguments of `httpx.Client.request`."""

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/ingest/jobs/{job_id}".format(
            job_id=quote(str(job_id), safe=""),
        ),
    }

    return _kwargs


def parse_response(response: httpx.Response) -> ErrorResponse | IngestJobDetails | None:
    """The documented answer for the response's status; None for a status not documented."""
    if response.status_code == 200:
        response_200 = IngestJobDetails.from_dict(response.json())

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

    return None
