"""No cassette holds a live-looking token, a secret or personal data; the scan itself is
tested with planted leaks so a scan that finds nothing means something."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.cassettes import Scrubber, scan_text

from .conftest import cassette_files


def test_there_are_cassettes_to_scan() -> None:
    assert len(cassette_files()) >= 18


@pytest.mark.parametrize("path", cassette_files(), ids=lambda p: p.name)
def test_cassette_has_no_secret_or_pii(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert scan_text(text) == []
    assert "127.0.0.1" not in text and "localhost" not in text


@pytest.mark.parametrize(
    ("planted", "finding"),
    [
        ("authorization:\n      - Bearer abc.def-live-token", "unredacted bearer token"),
        ('{"access_token":"9f8e7d6c5b4a"}', "unredacted access_token"),
        (
            "grant_type=client_credentials&client_id=x&client_secret=hunter22",
            "unredacted client_secret",
        ),
        ("token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig", "JWT-like token"),
        ('"principal_email":"jane.doe@corp.example.org"', "e-mail outside example.com"),
        ('"origin_ip":"81.2.69.160"', "IP address 81.2.69.160"),
        ("fake-client-secret-for-recording", "known secret"),
    ],
)
def test_scan_catches_planted_leaks(planted: str, finding: str, tmp_path: Path) -> None:
    cassette = tmp_path / "planted.yaml"
    cassette.write_text(f"interactions:\n- body: {planted!r}\n", encoding="utf-8")
    assert any(finding in f for f in scan_text(cassette.read_text()))


def test_scan_accepts_scrubbed_values() -> None:
    ok = 'Bearer REDACTED {"access_token":"REDACTED"} client_secret=REDACTED person-1@example.com 192.0.2.7'
    assert scan_text(ok) == []


def test_scrubber_replaces_personal_fields_stably() -> None:
    scrub = Scrubber(tenant="socktown")
    body = (
        b'{"data":[{"principal_email":"a@socktown.com","principal_name":"Jo","origin_ip":"81.2.69.160",'
        b'"user_agent":"Mac","note":"mail b@corp.io","tenant":"socktown-sb","request_id":"r-x"},'
        b'{"principal_email":"a@socktown.com"}],"access_token":"live"}'
    )
    response = {"headers": {"Content-Length": ["1"], "Date": ["now"]}, "body": {"string": body}}
    out = scrub.response(response)
    text = out["body"]["string"].decode()
    assert scan_text(text) == []
    assert text.count("person-1@example.com") == 2 and "person-2@example.com" in text
    assert '"tenant":"acme-sb"' in text and '"request_id":"req-0001"' in text
    assert '"access_token":"REDACTED"' in text
    assert out["headers"] == {"Content-Length": [str(len(out["body"]["string"]))]}
