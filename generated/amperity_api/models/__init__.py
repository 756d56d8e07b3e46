# generated from openapi.yaml, do not edit; run make generate
"""Contains all the data models used in inputs/outputs"""

from .audit_event import AuditEvent
from .audit_event_list import AuditEventList
from .campaign import Campaign
from .campaign_draft import CampaignDraft
from .campaign_draft_list import CampaignDraftList
from .campaign_list import CampaignList
from .error_body import ErrorBody
from .error_response import ErrorResponse
from .get_workflow_view import GetWorkflowView
from .index import Index
from .ingest_feed_details import IngestFeedDetails
from .ingest_file_details import IngestFileDetails
from .ingest_job_details import IngestJobDetails
from .ingest_job_details_list import IngestJobDetailsList
from .keychain_lookup import KeychainLookup
from .keychain_lookup_keys import KeychainLookupKeys
from .list_indexes_response import ListIndexesResponse
from .list_profiles_response import ListProfilesResponse
from .post_event_body import PostEventBody
from .post_stream_data_json_body import PostStreamDataJsonBody
from .profile import Profile
from .profile_attributes import ProfileAttributes
from .profile_links import ProfileLinks
from .profile_response import ProfileResponse
from .profile_response_attributes import ProfileResponseAttributes
from .profile_segment import ProfileSegment
from .profile_segments_envelope import ProfileSegmentsEnvelope
from .segment import Segment
from .segment_list import SegmentList
from .segment_member import SegmentMember
from .segment_members_envelope import SegmentMembersEnvelope
from .token_request import TokenRequest
from .token_request_grant_type import TokenRequestGrantType
from .token_response import TokenResponse
from .workflow import Workflow
from .workflow_error import WorkflowError
from .workflow_list import WorkflowList
from .workflow_run_request import WorkflowRunRequest
from .workflow_run_request_run_mode import WorkflowRunRequestRunMode
from .workflow_task_instance import WorkflowTaskInstance

__all__ = (
    "AuditEvent",
    "AuditEventList",
    "Campaign",
    "CampaignDraft",
    "CampaignDraftList",
    "CampaignList",
    "ErrorBody",
    "ErrorResponse",
    "GetWorkflowView",
    "Index",
    "IngestFeedDetails",
    "IngestFileDetails",
    "IngestJobDetails",
    "IngestJobDetailsList",
    "KeychainLookup",
    "KeychainLookupKeys",
    "ListIndexesResponse",
    "ListProfilesResponse",
    "PostEventBody",
    "PostStreamDataJsonBody",
    "Profile",
    "ProfileAttributes",
    "ProfileLinks",
    "ProfileResponse",
    "ProfileResponseAttributes",
    "ProfileSegment",
    "ProfileSegmentsEnvelope",
    "Segment",
    "SegmentList",
    "SegmentMember",
    "SegmentMembersEnvelope",
    "TokenRequest",
    "TokenRequestGrantType",
    "TokenResponse",
    "Workflow",
    "WorkflowError",
    "WorkflowList",
    "WorkflowRunRequest",
    "WorkflowRunRequestRunMode",
    "WorkflowTaskInstance",
)
