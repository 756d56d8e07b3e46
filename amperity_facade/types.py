"""The types the client takes and returns, importable from the facade itself.

    from amperity_facade.types import Segment, Workflow, UNSET

These are the generated models of `amperity_api.models` (and its `Unset` sentinel) under a
public name that does not depend on the generated package's layout. Importing this module
imports the generated models; `import amperity_facade` alone does not.
"""

from amperity_api.models import (
    AuditEvent,
    AuditEventList,
    Campaign,
    CampaignDraft,
    CampaignDraftList,
    CampaignList,
    ErrorResponse,
    GetWorkflowView,
    IngestFeedDetails,
    IngestFileDetails,
    IngestJobDetails,
    IngestJobDetailsList,
    Segment,
    SegmentList,
    TokenRequest,
    TokenRequestGrantType,
    TokenResponse,
    Workflow,
    WorkflowError,
    WorkflowList,
    WorkflowRunRequest,
    WorkflowRunRequestRunMode,
    WorkflowTaskInstance,
)
from amperity_api.types import UNSET, Unset

__all__ = [
    "UNSET",
    "AuditEvent",
    "AuditEventList",
    "Campaign",
    "CampaignDraft",
    "CampaignDraftList",
    "CampaignList",
    "ErrorResponse",
    "GetWorkflowView",
    "IngestFeedDetails",
    "IngestFileDetails",
    "IngestJobDetails",
    "IngestJobDetailsList",
    "Segment",
    "SegmentList",
    "TokenRequest",
    "TokenRequestGrantType",
    "TokenResponse",
    "Unset",
    "Workflow",
    "WorkflowError",
    "WorkflowList",
    "WorkflowRunRequest",
    "WorkflowRunRequestRunMode",
    "WorkflowTaskInstance",
]
