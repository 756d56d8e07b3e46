"""`make cassettes` / `make record-real`: (re)record the cassettes under tests/cassettes/.

Default: every scenario of cassette_scenarios.py against a fresh FakeAmperity on loopback
(deterministic: re-recording an unchanged API gives no diff).

--real: the read-only scenarios against the tenant named by AMPERITY_TENANT with the
credentials in AMPERITY_TOKEN or AMPERITY_CLIENT_ID/AMPERITY_CLIENT_SECRET, written to
tests/cassettes_real/ through the same scrubbers. Never run in CI. Review the files before
committing them: scrubbing covers tokens, secrets, e-mails and the known personal fields,
but a tenant's own data (segment and campaign names) is written as it is.
"""

from __future__ import annotations

import argparse
import os
import sys

from amperity_facade import Amperity

from .cassette_scenarios import CLIENT_SECRET, SCENARIOS, STATIC_TOKEN, client_for, fake_tenant
from .cassettes import CASSETTES, REAL_CASSETTES, Scrubber, make_vcr, use_cassette

READ_ONLY = (
    "list_segments",
    "list_campaigns",
    "list_campaign_drafts",
    "list_audit_events",
    "list_ingest_jobs",
    "get_ingest_job",
    "list_workflows",
)


def record_fake() -> int:
    CASSETTES.mkdir(parents=True, exist_ok=True)
    for scenario in SCENARIOS:
        path = CASSETTES / f"{scenario.name}.yaml"
        path.unlink(missing_ok=True)
        with fake_tenant() as fake:
            scenario.setup(fake)
            with (
                use_cassette(make_vcr("all"), path),
                client_for(
                    scenario, fake.base_url, secret=CLIENT_SECRET, token=STATIC_TOKEN
                ) as client,
            ):
                result = scenario.execute(client)
        scenario.check(result)
        print(f"recorded {path.relative_to(CASSETTES.parent.parent)}")
    return 0


def record_real() -> int:
    tenant = os.environ.get("AMPERITY_TENANT")
    has_credentials = os.environ.get("AMPERITY_TOKEN") or (
        os.environ.get("AMPERITY_CLIENT_ID") and os.environ.get("AMPERITY_CLIENT_SECRET")
    )
    if not tenant or not has_credentials:
        print(
            "record-real needs AMPERITY_TENANT and AMPERITY_TOKEN (or AMPERITY_CLIENT_ID and "
            "AMPERITY_CLIENT_SECRET) in the environment",
            file=sys.stderr,
        )
        return 2
    REAL_CASSETTES.mkdir(parents=True, exist_ok=True)
    for scenario in (s for s in SCENARIOS if s.name in READ_ONLY):
        path = REAL_CASSETTES / f"{scenario.name}.yaml"
        path.unlink(missing_ok=True)
        with use_cassette(make_vcr("all"), path, Scrubber(tenant=tenant)), Amperity() as client:
            result = scenario.execute(client)
        print(f"recorded {path} ({type(result).__name__})")
    print("Review these files before committing them; see README.", file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--real", action="store_true", help="record read-only calls from a real tenant"
    )
    args = parser.parse_args(argv)
    return record_real() if args.real else record_fake()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
