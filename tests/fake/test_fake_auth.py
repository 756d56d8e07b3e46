"""Authentication, tenant and api-version checks, in the order the live API applies them."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from amperity_facade.testing import FakeAmperity

MakeClient = Callable[..., httpx.Client]


def exchange(
    fake: FakeAmperity,
    *,
    tenant: str | None = "",
    grant_type: str | None = "client_credentials",
    client_id: str | None = "",
    client_secret: str | None = "",
) -> httpx.Response:
    form = {
        "grant_type": grant_type,
        "client_id": fake.client_id if client_id == "" else client_id,
        "client_secret": fake.client_secret if client_secret == "" else client_secret,
    }
    headers = {} if tenant is None else {"X-Amperity-Tenant": tenant or fake.tenant}
    return httpx.post(
        f"{fake.base_url}/v0/oauth2/token",
        data={k: v for k, v in form.items() if v is not None},
        headers=headers,
    )


def status_and_message(response: httpx.Response) -> tuple[int, str]:
    body = response.json()
    assert body["status"] == response.status_code
    return response.status_code, body["message"]


def test_static_token_accepted(client: httpx.Client) -> None:
    assert client.get("/segments").status_code == 200


def test_missing_authorization(fake: FakeAmperity, make_client: MakeClient) -> None:
    status, message = status_and_message(make_client(fake, token=None).get("/segments"))
    assert (status, message) == (401, "missing Authorization header")


@pytest.mark.parametrize("value", ["Basic abc", "Bearer", "Token abc", "token-only"])
def test_non_bearer_authorization(fake: FakeAmperity, make_client: MakeClient, value: str) -> None:
    client = make_client(fake, token=None)
    response = client.get("/segments", headers={"Authorization": value})
    assert response.status_code == 401


def test_bearer_scheme_case_insensitive(fake: FakeAmperity, make_client: MakeClient) -> None:
    client = make_client(fake, token=None)
    response = client.get("/segments", headers={"authorization": f"bearer {fake.token}"})
    assert response.status_code == 200


def test_unknown_token(fake: FakeAmperity, make_client: MakeClient) -> None:
    response = make_client(fake, token="not-a-real-token").get("/segments")
    assert status_and_message(response) == (401, "invalid token")


def test_missing_tenant_header(fake: FakeAmperity, make_client: MakeClient) -> None:
    response = make_client(fake, tenant=None).get("/segments")
    assert status_and_message(response) == (400, "missing amperity-tenant header")


def test_other_tenant(fake: FakeAmperity, make_client: MakeClient) -> None:
    response = make_client(fake, tenant="globex").get("/segments")
    assert response.status_code == 401
    assert "globex" in response.json()["message"]


def test_headers_case_insensitive(fake: FakeAmperity) -> None:
    headers = {
        "AUTHORIZATION": f"Bearer {fake.token}",
        "Amperity-Tenant": fake.tenant,
        "API-Version": "2024-04-01",
    }
    assert httpx.get(f"{fake.base_url}/segments", headers=headers).status_code == 200


def test_missing_api_version(fake: FakeAmperity, make_client: MakeClient) -> None:
    response = make_client(fake, version=None).get("/segments")
    assert status_and_message(response) == (400, "missing api-version header")


def test_unsupported_api_version_is_named(fake: FakeAmperity, make_client: MakeClient) -> None:
    response = make_client(fake, version="2023-01-01").get("/segments")
    assert response.status_code == 400
    assert "2023-01-01" in response.json()["message"]


@pytest.mark.parametrize("version", ["2024-04-01", "unstable"])
def test_api_version_as_query_parameter(
    fake: FakeAmperity, make_client: MakeClient, version: str
) -> None:
    client = make_client(fake, version=None)
    assert client.get("/segments", params={"api_version": version}).status_code == 200


def test_check_order(fake: FakeAmperity, make_client: MakeClient) -> None:
    nothing = make_client(fake, token=None, tenant=None, version=None)
    assert nothing.get("/nowhere").status_code == 400  # tenant first
    no_token = make_client(fake, token=None, version=None)
    assert no_token.get("/nowhere").status_code == 401  # then token
    no_version = make_client(fake, version=None)
    assert no_version.get("/nowhere").status_code == 400  # then version
    complete = make_client(fake)
    assert complete.get("/nowhere").status_code == 404  # then route
    wrong_method = complete.delete("/segments")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "GET"
    assert complete.post("/workflow/runs/wf-1").status_code == 405


def test_campaign_drafts_only_under_unstable(fake: FakeAmperity, make_client: MakeClient) -> None:
    stable = make_client(fake).get("/campaign-drafts")
    assert stable.status_code == 404
    assert "unstable" in stable.json()["message"]
    unstable = make_client(fake, version="unstable").get("/campaign-drafts")
    assert unstable.status_code == 200
    assert len(unstable.json()["data"]) == 12


def test_oauth_token_works(fake: FakeAmperity, make_client: MakeClient) -> None:
    response = exchange(fake)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert fake.client_secret not in body["access_token"]
    assert make_client(fake, token=body["access_token"]).get("/segments").status_code == 200


def test_oauth_tokens_are_random(fake: FakeAmperity) -> None:
    tokens = {exchange(fake).json()["access_token"] for _ in range(3)}
    assert len(tokens) == 3
    assert fake.token not in tokens


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"client_secret": "wrong"}, 401),
        ({"client_id": "someone-else"}, 401),
        ({"grant_type": "password"}, 400),
        ({"grant_type": None}, 400),
        ({"client_id": None}, 400),
        ({"client_secret": None}, 400),
        ({"tenant": None}, 400),
        ({"tenant": "globex"}, 401),
    ],
)
def test_oauth_failures(fake: FakeAmperity, kwargs: dict[str, str | None], status: int) -> None:
    response = exchange(fake, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.json()["status"] == status


def test_oauth_needs_form_body(fake: FakeAmperity) -> None:
    response = httpx.post(
        f"{fake.base_url}/v0/oauth2/token",
        json={
            "grant_type": "client_credentials",
            "client_id": fake.client_id,
            "client_secret": fake.client_secret,
        },
        headers={"X-Amperity-Tenant": fake.tenant},
    )
    assert response.status_code == 400


def test_token_endpoint_only_post(fake: FakeAmperity) -> None:
    assert httpx.get(f"{fake.base_url}/v0/oauth2/token").status_code == 405


def test_oauth_token_really_expires(make_client: MakeClient) -> None:
    with FakeAmperity(segments=5, audit_events=5, token_ttl=0.3) as short:
        body = exchange(short).json()
        assert body["expires_in"] == 1
        client = make_client(short, token=body["access_token"])
        assert client.get("/segments").status_code == 200
        time.sleep(0.35)
        expired = client.get("/segments")
        assert status_and_message(expired) == (401, "token expired")
        assert make_client(short).get("/segments").status_code == 200


def test_expire_tokens(fake: FakeAmperity, make_client: MakeClient) -> None:
    old = make_client(fake, token=exchange(fake).json()["access_token"])
    assert old.get("/segments").status_code == 200
    fake.expire_tokens()
    assert old.get("/segments").status_code == 401
    assert make_client(fake).get("/segments").status_code == 200  # static token survives
    fresh = make_client(fake, token=exchange(fake).json()["access_token"])
    assert fresh.get("/segments").status_code == 200
