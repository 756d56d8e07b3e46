"""Headers, pagination, ingest windows, errors, deprecation notices, forward compatibility."""

from __future__ import annotations

import logging
import warnings
from urllib.parse import parse_qs

import httpx
import pytest

from amperity_facade import Amperity, AmperityDeprecationWarning, errors

from .conftest import TOKEN, MockAPI, error, page, workflow

SEG = {"id": "seg-1", "name": "Returning", "status": "active"}


def seg(i: int) -> dict[str, str]:
    return {**SEG, "id": f"seg-{i}"}


def query(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.url.query.decode())


def test_every_request_carries_the_three_headers(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", page([SEG]))
    api.on("GET", "/workflow/runs/wf-1", httpx.Response(200, json=workflow()))
    list(client.segments.list())
    client.workflows.get("wf-1")
    for request in api.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["amperity-tenant"] == "acme"
        assert request.headers["api-version"] == "2024-04-01"


def test_version_override_per_call_and_unstable_for_drafts(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", page([SEG]))
    api.on("GET", "/campaign-drafts", page([{"id": "cd-1", "name": "Draft"}]))
    list(client.with_options(api_version="2025-07-31").segments.list())
    list(client.campaign_drafts.list())
    list(client.segments.list())
    versions = [r.headers["api-version"] for r in api.requests]
    assert versions == ["2025-07-31", "unstable", "2024-04-01"]


def test_list_sends_no_vendor_example_filters(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/campaigns", page([]))
    api.on("GET", "/audit-events", page([]))
    api.on("GET", "/workflow/runs", page([]))
    list(client.campaigns.list(destination_data_template_id=None))
    list(client.audit_events.list())
    list(client.workflows.list())
    for request in api.requests:
        assert set(query(request)) <= {"with_total"}, request.url


def test_pagination_walks_every_page_once(api: MockAPI, client: Amperity) -> None:
    api.on(
        "GET", "/segments", page([seg(1), seg(2)], "c1"), page([seg(3)], "c2"), page([seg(4)], "")
    )
    ids = [s.id for s in client.segments.list(limit=2)]
    assert ids == ["seg-1", "seg-2", "seg-3", "seg-4"]
    tokens = [query(r).get("next_token") for r in api.requests]
    assert tokens == [None, ["c1"], ["c2"]]
    assert all(query(r)["limit"] == ["2"] for r in api.requests)


def test_pages_expose_items_cursor_and_total(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/audit-events", page([], "t1", total=0), page([], None, total=0))
    pages = list(client.audit_events.list(with_total=True).pages())
    assert [(p.next_token, p.total) for p in pages] == [("t1", 0), (None, 0)]
    assert query(api.requests[0])["with_total"] == ["true"]


def test_resume_from_saved_cursor_and_max_items(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", page([seg(5), seg(6)], "c3"), page([seg(7)], "c4"))
    got = [s.id for s in client.segments.list(next_token="c2", max_items=3)]
    assert got == ["seg-5", "seg-6", "seg-7"]
    assert [query(r)["next_token"] for r in api.requests] == [["c2"], ["c3"]]
    assert [query(r)["limit"] for r in api.requests] == [["3"], ["1"]]  # never more than left


def test_server_sending_more_than_max_items_allows_raises(api: MockAPI, client: Amperity) -> None:
    """A cut page has no cursor that resumes after the cut: refusing beats skipping items."""
    api.on("GET", "/segments", page([seg(5), seg(6)], "c3"))
    with pytest.raises(errors.PaginationError, match="at most 1"):
        list(client.segments.list(max_items=1))


def test_repeated_cursor_raises_instead_of_looping(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", page([seg(1)], "same"), page([seg(2)], "same"))
    seen = []
    with pytest.raises(errors.PaginationError, match="second time"):
        for s in client.segments.list():
            seen.append(s.id)
    assert seen == ["seg-1", "seg-2"]
    assert len(api.requests) == 2


def test_ingest_range_split_into_seven_day_windows(api: MockAPI, client: Amperity) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        q = query(request)
        job = {"id": f"isj-{q['created_from'][0][:10]}", "workflow_id": "wf-1", "tables": []}
        if "next_token" not in q:
            return page([job], "more")
        return page([{**job, "id": job["id"] + "-b"}])

    api.on("GET", "/ingest/jobs", answer)
    jobs = list(
        client.ingest_jobs.list(created_from="2026-10-01", created_to="2026-10-20", limit=1)
    )
    assert [j.id for j in jobs] == [
        "isj-2026-10-01",
        "isj-2026-10-01-b",
        "isj-2026-10-08",
        "isj-2026-10-08-b",
        "isj-2026-10-15",
        "isj-2026-10-15-b",
    ]
    windows = [(query(r)["created_from"][0], query(r)["created_to"][0]) for r in api.requests[::2]]
    assert windows == [
        ("2026-10-01T00:00:00+00:00", "2026-10-08T00:00:00+00:00"),
        ("2026-10-08T00:00:00+00:00", "2026-10-15T00:00:00+00:00"),
        ("2026-10-15T00:00:00+00:00", "2026-10-20T00:00:00+00:00"),
    ]
    assert all(query(r)["limit"] == ["1"] for r in api.requests)


def test_ingest_window_arguments_are_required(client: Amperity) -> None:
    with pytest.raises(TypeError):
        client.ingest_jobs.list(created_from="2026-10-01")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (405, errors.MethodNotAllowedError),
        (409, errors.ConflictError),
        (429, errors.RateLimitError),
        (500, errors.InternalServerError),
        (503, errors.ServiceUnavailableError),
        (502, errors.InternalServerError),
        (418, errors.APIStatusError),
    ],
)
def test_status_maps_to_exception_class(
    api: MockAPI, client: Amperity, status: int, cls: type
) -> None:
    api.on(
        "GET", "/workflow/runs/wf-9", error(status, "broken", request_id="req-1", trace_id="tr-1")
    )
    with pytest.raises(cls) as info:
        client.with_options(max_retries=0).workflows.get("wf-9")
    exc = info.value
    assert isinstance(exc, errors.APIStatusError)
    assert (exc.status_code, exc.message, exc.request_id, exc.trace_id) == (
        status,
        "broken",
        "req-1",
        "tr-1",
    )
    assert str(exc) == f"{status} broken (request_id=req-1)"
    assert exc.response.status_code == status


def test_html_error_body_gives_short_excerpt(api: MockAPI, client: Amperity) -> None:
    html = "<html><body><h1>502 Bad Gateway</h1>" + "<p>nginx</p>" * 100 + "</body></html>"
    api.on(
        "GET", "/segments", httpx.Response(502, text=html, headers={"content-type": "text/html"})
    )
    with pytest.raises(errors.InternalServerError) as info:
        list(client.with_options(max_retries=0).segments.list())
    assert info.value.message.startswith("Bad Gateway nginx")  # the status is not repeated
    assert str(info.value).startswith("502 Bad Gateway nginx")
    assert len(info.value.message) <= 200 and "<" not in info.value.message
    titled = (
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
        "</h1></center><hr><center>nginx</center></body></html>"
    )
    api.on("GET", "/campaigns", httpx.Response(502, text=titled))
    with pytest.raises(errors.InternalServerError) as titled_info:
        list(client.with_options(max_retries=0).campaigns.list())
    assert str(titled_info.value) == "502 Bad Gateway"


def test_unreadable_success_body_is_read_again(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", httpx.Response(200, text='{"data": [{"id": "se'), page([SEG]))
    assert [s.id for s in client.segments.list()] == ["seg-1"]
    assert len(api.requests) == 2


def test_unreadable_body_raises_once_retries_run_out(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", httpx.Response(200, text="<html>proxy</html>"))
    with pytest.raises(errors.APIResponseValidationError, match="not the documented JSON") as info:
        list(client.segments.list())
    assert info.value.unreadable and len(api.requests) == 4


def test_wrong_shape_is_not_retried(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/segments", httpx.Response(200, json={"data": [{"id": "seg-1"}]}))
    with pytest.raises(errors.APIResponseValidationError) as info:
        list(client.segments.list())
    assert not info.value.unreadable and len(api.requests) == 1


def test_unreadable_run_answer_is_not_resent(api: MockAPI, client: Amperity) -> None:
    api.on("POST", "/workflow/runs", httpx.Response(201, text='{"id": "wf-'))
    with pytest.raises(errors.APIResponseValidationError):
        client.workflows.run("cg-1")
    assert len(api.requests) == 1


def test_unknown_fields_stay_reachable(api: MockAPI, client: Amperity) -> None:
    # A name the vendor will not declare, so the field stays unknown after spec updates.
    api.on("GET", "/segments", page([{**SEG, "zz_undeclared": 12, "status": "brand-new"}]))
    (segment,) = list(client.segments.list())
    assert segment.status == "brand-new"
    assert segment.additional_properties == {"zz_undeclared": 12}


def test_deprecation_warns_once_per_operation_and_version(
    api: MockAPI, client: Amperity, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {
        "Deprecation": "Tue, 01 Sep 2026 23:59:59 GMT",
        "Sunset": "Tue, 01 Dec 2026 23:59:59 GMT",
    }
    api.on("GET", "/segments", httpx.Response(200, json={"data": []}, headers=headers))
    api.on("GET", "/campaigns", httpx.Response(200, json={"data": []}, headers=headers))
    with (
        warnings.catch_warnings(record=True) as caught,
        caplog.at_level(logging.WARNING, "amperity_facade"),
    ):
        warnings.simplefilter("always")
        for _ in range(3):
            list(client.segments.list())
        list(client.campaigns.list())
        list(client.with_options(api_version="2025-01-01").segments.list())
    messages = [
        str(w.message) for w in caught if issubclass(w.category, AmperityDeprecationWarning)
    ]
    assert len(messages) == 3
    assert "list-segment" in messages[0] and "2024-04-01" in messages[0]
    assert "Tue, 01 Sep 2026" in messages[0] and "Tue, 01 Dec 2026" in messages[0]
    assert issubclass(AmperityDeprecationWarning, DeprecationWarning)
    assert sum("list-segment" in r.getMessage() for r in caplog.records) == 2


def test_path_ids_are_percent_encoded(api: MockAPI, client: Amperity) -> None:
    api.on("GET", "/workflow/runs/../segments", httpx.Response(200, json=workflow("x")))
    client.workflows.get("../segments")
    for hostile in ("a?b=1", "a#frag", "a/b"):
        with pytest.raises(errors.NotFoundError):
            client.with_options(max_retries=0).ingest_jobs.get(hostile)
    raw = [r.url.raw_path.decode() for r in api.requests]
    assert raw[0] == "/api/workflow/runs/..%2Fsegments"
    assert raw[1:] == [
        "/api/ingest/jobs/a%3Fb%3D1",
        "/api/ingest/jobs/a%23frag",
        "/api/ingest/jobs/a%2Fb",
    ]


def test_redirects_are_not_followed(api: MockAPI, client: Amperity) -> None:
    api.on(
        "GET", "/segments", httpx.Response(307, headers={"location": "https://evil.example.com/x"})
    )
    with pytest.raises(errors.APIStatusError) as info:
        list(client.segments.list())
    assert info.value.status_code == 307
    assert [r.url.host for r in api.requests] == ["acme.amperity.com"]
