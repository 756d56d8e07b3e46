# generated from openapi.yaml, do not edit; run make generate
from typing import Literal

GetWorkflowView = Literal["overview", "verbose"]

GET_WORKFLOW_VIEW_VALUES: set[GetWorkflowView] = {
    "overview",
    "verbose",
}


def check_get_workflow_view(value: str) -> GetWorkflowView:
    if value in GET_WORKFLOW_VIEW_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {GET_WORKFLOW_VIEW_VALUES!r}"
    )
