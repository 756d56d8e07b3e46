"""Serve a FakeAmperity in its own process and answer control commands on stdin.

Run as `python fake_process.py '<json FakeAmperity kwargs>'`. Prints one JSON line with
base_url, tenant, token, client_id and client_secret, then reads JSON commands, one a line,
answering each with one JSON line:

    {"op": "count"}                     -> {"total": n, "429": n, "503": n, "401": n, "token": n}
    {"op": "inject", "fault": {...}}    -> {"ok": true}     (Fault keyword arguments)
    {"op": "expire"}                    -> {"ok": true}     (expire issued OAuth tokens)

End of stdin stops the server. The fake counts what it answered, so a test asserts on what
the server saw, from a process whose clock does not share the GIL with the client threads.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from amperity_facade.testing import FakeAmperity, Fault


def counts(fake: FakeAmperity) -> dict[str, int]:
    requests = fake.requests
    return {
        "total": len(requests),
        "429": sum(r.status == 429 for r in requests),
        "503": sum(r.status == 503 for r in requests),
        "401": sum(r.status == 401 for r in requests),
        "token": sum(r.operation == "create-token" for r in requests),
    }


def main() -> int:
    settings: dict[str, Any] = json.loads(sys.argv[1])
    with FakeAmperity(**settings) as fake:
        hello = {
            "base_url": fake.base_url,
            "tenant": fake.tenant,
            "token": fake.token,
            "client_id": fake.client_id,
            "client_secret": fake.client_secret,
        }
        print(json.dumps(hello), flush=True)
        for line in sys.stdin:
            command = json.loads(line)
            op = command["op"]
            if op == "count":
                answer: dict[str, Any] = counts(fake)
            elif op == "inject":
                fake.inject(Fault(**command["fault"]))
                answer = {"ok": True}
            elif op == "expire":
                fake.expire_tokens()
                answer = {"ok": True}
            else:
                answer = {"error": f"unknown op {op!r}"}
            print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
