# generated from openapi.yaml, do not edit; run make generate
from typing import Literal

WorkflowRunRequestRunMode = Literal["full", "refresh", "source"]

WORKFLOW_RUN_REQUEST_RUN_MODE_VALUES: set[WorkflowRunRequestRunMode] = {
    "full",
    "refresh",
    "source",
}


def check_workflow_run_request_run_mode(value: str) -> WorkflowRunRequestRunMode:
    if value in WORKFLOW_RUN_REQUEST_RUN_MODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WORKFLOW_RUN_REQUEST_RUN_MODE_VALUES!r}"
    )
