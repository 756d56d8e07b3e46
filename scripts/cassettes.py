"""Cassettes: scenarios, scrubbers and the replay matcher, shared by recording and tests.

`make cassettes` records each scenario from FakeAmperity (`scripts/record_cassettes.py`);
`make test` replays the same scenarios with record mode "none". Everything written to a
cassette passes through `Scrubber` first: tokens and secrets become REDACTED, the host
becomes one placeholder, personal fields get stable fake values, and the per-request random
ids become a per-cassette sequence, so re-recording an unchanged API gives no diff.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, unquote_plus, urlsplit

import vcr

REPO = Path(__file__).resolve().parent.parent
CASSETTES = REPO / "tests" / "cassettes"
REAL_CASSETTES = REPO / "tests" / "cassettes_real"
PLACEHOLDER_ORIGIN = "https://acme.amperity.com"
PLACEHOLDER_BASE_URL = PLACEHOLDER_ORIGIN + "/api"
PLACEHOLDER_TENANT = "acme"
REDACTED = "REDACTED"
MATCHED_HEADERS = ("api-version", "amperity-tenant", "x-amperity-tenant")

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
DROP_RESPONSE_HEADERS = ("date", "server")
SECRET_KEYS = ("access_token", "client_secret", "refresh_token", "id_token")
# A profile filter's value in a query string (filter%5Bname%5D=value): personal data too.
FILTER = re.compile(r"((?:^|[?&])filter%5B([^&=]*?)%5D=)([^&]*)")
# Requests whose whole body is someone's data: streamed records and behavioural events.
WRITES = ("/stream/v0/data/", "/prof/events/")
# Objects whose every text value is personal: profile attributes, and lookup keys.
PROFILE_DATA = frozenset({"attributes", "keys"})
PERSONAL = {
    "principal_email": "person-{n}@example.com",
    "principal_name": "Example Person {n}",
    "origin_ip": "192.0.2.{n}",
    "user_agent": "ExampleAgent/{n}.0",
}


@dataclass
class Scrubber:
    """Rewrites one cassette's requests and answers; its maps make values stable per cassette."""

    tenant: str = PLACEHOLDER_TENANT
    _seen: dict[tuple[str, str], str] = field(default_factory=dict)

    def _stable(self, kind: str, value: str, template: str) -> str:
        key = (kind, value)
        if key not in self._seen:
            n = sum(1 for k in self._seen if k[0] == kind) + 1
            self._seen[key] = template.format(n=n)
        return self._seen[key]

    def text(self, text: str) -> str:
        def mail(match: re.Match[str]) -> str:
            address = match.group(0)
            if address.lower().endswith("@example.com"):
                return address
            return self._stable("email", address, "person-{n}@example.com")

        if self.tenant != PLACEHOLDER_TENANT:
            text = text.replace(self.tenant, PLACEHOLDER_TENANT)
        return EMAIL.sub(mail, text)

    def value(self, key: str, value: Any) -> Any:
        if isinstance(value, dict):
            if key in PROFILE_DATA:  # a person's attributes, or the keys to find one
                return {k: self._attribute(k, v) for k, v in value.items()}
            return {k: self.value(k, v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(key, v) for v in value]
        if not isinstance(value, str):
            return value
        if key in SECRET_KEYS:
            return REDACTED
        if key in PERSONAL:
            kind = "email" if key == "principal_email" else key  # one numbering for all e-mails
            return self._stable(kind, value, PERSONAL[key])
        if key == "request_id":
            return self._stable("request_id", value, "req-{n:04d}")
        if key == "trace_id":
            return self._stable("trace_id", value, "trace-{n:04d}")
        return self.text(value)

    def _attribute(self, key: str, value: Any) -> Any:
        """A profile attribute or identity key: any text becomes a stable placeholder named
        after its attribute, since a tenant's attributes are whatever it collects (names,
        phones, addresses); numbers and flags stay, as do nested shapes."""
        if isinstance(value, dict | list):
            return self.value(key, value)
        if isinstance(value, str):
            return self._stable(f"attribute:{key}", value, f"{key}-{{n}}")
        return value

    def _filter(self, match: re.Match[str]) -> str:
        name = unquote(match.group(2))
        value = unquote_plus(match.group(3))
        return f"{match.group(1)}{quote(self._stable(f'attribute:{name}', value, name + '-{n}'))}"

    def request(self, request: Any) -> Any:
        request.uri = re.sub(r"^https?://[^/]+", PLACEHOLDER_ORIGIN, request.uri)
        request.uri = FILTER.sub(self._filter, self.text(request.uri))
        for name in list(request.headers):
            lowered = name.lower()
            if lowered == "authorization":
                request.headers[name] = f"Bearer {REDACTED}"
            elif lowered in ("amperity-tenant", "x-amperity-tenant"):
                request.headers[name] = PLACEHOLDER_TENANT
            elif lowered == "host":
                request.headers[name] = PLACEHOLDER_ORIGIN.split("//")[1]
            elif lowered == "x-request-id":  # random per record: numbered like the answers'
                value = request.headers[name]
                request.headers[name] = self._stable("request_id", value, "req-{n:04d}")
        if request.body:
            body = request.body.decode() if isinstance(request.body, bytes) else request.body
            body = re.sub(r"(client_secret=)[^&]*", rf"\g<1>{REDACTED}", body)
            try:
                parsed = json.loads(body)
            except ValueError:
                body = self.text(body)
            else:  # a lookup's identity keys, like any profile data; a record, whole
                whole = any(part in request.uri for part in WRITES)
                scrubbed = self.value("attributes" if whole else "", parsed)
                body = json.dumps(scrubbed, separators=(",", ":"))
            request.body = body.encode()
            for name in list(request.headers):
                if name.lower() == "content-length":
                    request.headers[name] = str(len(request.body))
        return request

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        headers = {
            k: v for k, v in response["headers"].items() if k.lower() not in DROP_RESPONSE_HEADERS
        }
        for name in list(headers):
            if name.lower() == "x-request-id":
                headers[name] = [
                    self._stable("request_id", v, "req-{n:04d}") for v in headers[name]
                ]
        raw = response["body"]["string"]
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        try:
            body = json.loads(text)
        except ValueError:
            new_text = self.text(text)
        else:
            new_text = json.dumps(self.value("", body), separators=(",", ":"))
        data = new_text.encode()
        for name in list(headers):
            if name.lower() == "content-length":
                headers[name] = [str(len(data))]
        response["headers"] = headers
        response["body"] = {"string": data}
        return response


def amperity_headers(r1: Any, r2: Any) -> None:
    """Replay matcher: the version and tenant headers must be what was recorded."""
    for name in MATCHED_HEADERS:
        a = _header(r1, name)
        b = _header(r2, name)
        if a != b:
            raise AssertionError(f"header {name}: {a!r} != {b!r}")


def _header(request: Any, name: str) -> str | None:
    for key, value in request.headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return None


def query_but_filter_values(r1: Any, r2: Any) -> None:
    """Replay matcher: the query as recorded, except the values of profile filters, which
    the scrubber replaced (they are personal data); their names must still match."""
    a, b = (FILTER.sub(r"\1*", urlsplit(r.uri).query) for r in (r1, r2))
    if sorted(a.split("&")) != sorted(b.split("&")):
        raise AssertionError(f"query {a!r} != {b!r}")


def make_vcr(record_mode: str) -> vcr.VCR:
    recorder = vcr.VCR(
        record_mode=record_mode,
        match_on=("method", "path", "query_but_filter_values", "amperity_headers"),
        decode_compressed_response=True,
    )
    recorder.register_matcher("amperity_headers", amperity_headers)
    recorder.register_matcher("query_but_filter_values", query_but_filter_values)
    return recorder


def use_cassette(recorder: vcr.VCR, path: Path, scrubber: Scrubber | None = None) -> Any:
    scrubber = scrubber or Scrubber()
    return recorder.use_cassette(
        str(path),
        before_record_request=scrubber.request,
        before_record_response=scrubber.response,
    )


Check = Callable[[Any], None]


# -- the leak scan ------------------------------------------------------------------------------
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
BEARER = re.compile(r"Bearer\s+(?!REDACTED\b)\S+", re.IGNORECASE)
SECRET_FIELD = re.compile(
    r"""(access_token|client_secret|refresh_token|id_token)["']?\s*[:=]\s*["']?(?!REDACTED\b)([^"'&,\s}]+)"""
)
IPV4 = re.compile(r"\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b")
DOC_NETS = ("192.0.2.", "198.51.100.", "203.0.113.")
KNOWN_SECRETS = ("fake-static-token-for-recording", "fake-client-secret-for-recording")


def scan_text(text: str) -> list[str]:
    """Everything in a cassette's text that looks like a secret or personal data."""
    found = [f"JWT-like token {m.group(0)[:16]}..." for m in JWT.finditer(text)]
    found += [f"unredacted bearer token {m.group(0)[:16]}..." for m in BEARER.finditer(text)]
    found += [f"unredacted {m.group(1)}" for m in SECRET_FIELD.finditer(text)]
    found += [f"known secret {s[:12]}..." for s in KNOWN_SECRETS if s in text]
    found += [
        f"e-mail outside example.com: {m.group(0)}"
        for m in EMAIL.finditer(text)
        if not m.group(0).lower().endswith("@example.com")
    ]
    found += [
        f"IP address {m.group(0)}"
        for m in IPV4.finditer(text)
        if not m.group(0).startswith(DOC_NETS)
    ]
    return found
