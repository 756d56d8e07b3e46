"""Workflow runs as small state machines, so clients can test polling, stopping and failure.

In "polls" mode a run moves one state per GET of that run, which makes client tests exact
without sleeping; in "time" mode it moves every step_seconds, which exercises real waiting.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from .._control_plane import run_modes
from ._data import SEEDED_FAILURE, Item, WorkflowSeed, dated_id, token
from ._errors import ApiError
from ._times import iso_ms, parse_time

NEXT_STATE = {"scheduled": "running", "stopping": "canceled"}
TERMINAL = frozenset({"succeeded", "failed", "canceled"})
CONFIG_TYPES = {
    "cg-": ("courier.group/run", "Courier group"),
    "og-": ("orchestration.group/run", "Orchestration group"),
    "cc-": ("campaign.send", "Campaign send"),
}
RUN_FIELDS = frozenset({"config_id", "range_from", "range_to", "run_mode"})
API_PRINCIPAL = {
    "principal_id": "api-client|fake-client",
    "principal_name": "API Client",
    "principal_email": "api-client@example.com",
}
TASK_SHAPES = (
    ("spark-sql", "Preparing {name}", "prepare"),
    ("destination", "Sending {name} to destination - S3", "send"),
)


class WorkflowRun:
    def __init__(self, seed: WorkflowSeed, failure: Item, rng: random.Random, born: float) -> None:
        self.base = seed.base
        self.state = seed.state
        self.created_ms = seed.created_ms
        self.ended_ms = seed.ended_ms
        self.outcome = seed.outcome
        self.error = seed.error
        self.failure = failure
        self.last_change = born
        wf_id = self.base["id"]
        self.tasks = [
            {
                "id": dated_id(rng, "wft", seed.created_ms),
                "tenant": self.base["tenant"],
                "created_at": self.base["created_at"],
                "execution_type": execution,
                "label": label.format(name=self.base["name"]),
                "run_id": f"orb-{iso_ms(seed.created_ms)[:10].replace('-', '')}-{token(rng, 11)}",
                "task_definition_id": f"{verb}/{wf_id}",
                "task_definition_type": self.base["type"],
                "timeout_ms": 172_800_000,
                "workflow_id": wf_id,
            }
            for execution, label, verb in TASK_SHAPES
        ]

    def advance(self, now_ms: int, at: float) -> None:
        if self.state in TERMINAL:
            return
        self.state = NEXT_STATE.get(self.state, self.outcome)
        self.last_change = at
        if self.state in TERMINAL:
            self.ended_ms = now_ms
            if self.state == "failed":
                self.error = dict(self.failure)

    def catch_up(self, step: float, now_ms: int, at: float) -> None:
        while self.state not in TERMINAL and at - self.last_change >= step:
            elapsed_ms = int((at - self.last_change - step) * 1000)
            self.advance(now_ms - elapsed_ms, self.last_change + step)

    def task_states(self) -> list[tuple[str, Item | None]]:
        if self.state == "scheduled":
            return [("pending", None), ("pending", None)]
        if self.state in ("running", "stopping"):
            return [("running", None), ("pending", None)]
        if self.state == "failed":
            return [("succeeded", None), ("failed", self.error)]
        return [(self.state, None), (self.state, None)]

    def render(self, verbose: bool) -> Item:
        out: Item = {"id": self.base["id"], "state": self.state, **self.base}
        if self.ended_ms is not None:
            out["ended_at"] = iso_ms(self.ended_ms)
        if self.error is not None and self.state == "failed":
            out["error"] = self.error
        if verbose:
            out["task_instances"] = [
                self.render_task(task, state, error)
                for task, (state, error) in zip(self.tasks, self.task_states(), strict=True)
            ]
        return out

    def render_task(self, task: Item, state: str, error: Item | None) -> Item:
        out: Item = {**task, "state": state}
        changed = self.ended_ms if self.ended_ms is not None and state in TERMINAL else None
        if changed is not None:
            out["ended_at"] = iso_ms(changed)
        out["state_changed_at"] = iso_ms(changed if changed is not None else self.created_ms)
        if error is not None:
            out["error"] = error
        return out


class WorkflowBook:
    """All runs, seeded and created; one lock because polls mutate state."""

    def __init__(
        self,
        seeds: Iterable[WorkflowSeed],
        *,
        seed: int,
        tenant: str,
        lifecycle: str,
        step_seconds: float,
        failing_configs: Iterable[str],
        now_ms: Callable[[], int],
    ) -> None:
        self.tenant = tenant
        self.polls = lifecycle == "polls"
        self.step = step_seconds
        self.failing = frozenset(failing_configs)
        self.now_ms = now_ms
        self.lock = threading.Lock()
        self.rng = random.Random(f"{seed}:runs")
        born = time.monotonic()
        task_rng = random.Random(f"{seed}:tasks")
        self.runs = [WorkflowRun(s, s.error or SEEDED_FAILURE, task_rng, born) for s in seeds]
        self.by_id = {r.base["id"]: r for r in self.runs}
        self.live = [r for r in self.runs if r.state not in TERMINAL]

    def sync(self) -> None:
        """Time mode: bring every unfinished run up to date before anyone looks at it."""
        if self.polls or not self.live:
            return
        at, now = time.monotonic(), self.now_ms()
        for run in self.live:
            run.catch_up(self.step, now, at)
        self.live = [r for r in self.live if r.state not in TERMINAL]

    def find(self, workflow_id: str) -> WorkflowRun:
        run = self.by_id.get(workflow_id)
        if run is None:
            raise ApiError(404, f"workflow {workflow_id!r} not found")
        return run

    def get(self, workflow_id: str, verbose: bool) -> Item:
        with self.lock:
            run = self.find(workflow_id)
            if self.polls:
                run.advance(self.now_ms(), time.monotonic())
            else:
                self.sync()
            return run.render(verbose)

    def stop(self, workflow_id: str) -> Item:
        with self.lock:
            self.sync()
            run = self.find(workflow_id)
            if run.state in TERMINAL:
                raise ApiError(409, f"workflow {workflow_id} already {run.state}; cannot stop it")
            if run.state != "stopping":
                run.state = "stopping"
                run.last_change = time.monotonic()
            return run.render(False)

    def select(
        self,
        created: tuple[int | None, int | None],
        ended: tuple[int | None, int | None],
        state: str | None,
        kind: str | None,
    ) -> list[Item]:
        wanted_state = state.lower() if state is not None else None
        with self.lock:
            self.sync()
            out = []
            for run in self.runs:
                if not within(run.created_ms, created):
                    continue
                if (ended[0] is not None or ended[1] is not None) and (
                    run.ended_ms is None or not within(run.ended_ms, ended)
                ):
                    continue
                if wanted_state is not None and run.state != wanted_state:
                    continue
                if kind is not None and run.base["type"] != kind:
                    continue
                out.append(run.render(False))
            return out

    def start(self, body: Any) -> Item:
        config_id = check_run_request(body)
        kind, label = CONFIG_TYPES[config_id[:3]]
        with self.lock:
            now = self.now_ms()
            version = dated_id(self.rng, "etv", now)
            seed = WorkflowSeed(
                base={
                    "id": dated_id(self.rng, "wf", now),
                    "type": kind,
                    "name": f"{label} {config_id}",
                    "tenant": self.tenant,
                    "created_at": iso_ms(now),
                    **API_PRINCIPAL,
                    "launched_version": version,
                    "current_version": version,
                    "warn_after_ms": 86_400_000,
                },
                state="scheduled",
                created_ms=now,
                ended_ms=None,
                outcome="failed" if config_id in self.failing else "succeeded",
                error=None,
            )
            failure = {
                "type": f"amperity.workflow.task.{kind}",
                "message": f"Configuration {config_id} failed: destination rejected the upload.",
            }
            run = WorkflowRun(seed, failure, self.rng, time.monotonic())
            self.runs.append(run)
            self.by_id[seed.base["id"]] = run
            self.live.append(run)
            return run.render(False)


def within(ms: int, window: tuple[int | None, int | None]) -> bool:
    low, high = window
    return (low is None or ms >= low) and (high is None or ms < high)


def check_run_request(body: Any) -> str:
    """Validate like the live API would, so client bugs surface as 400s in tests."""
    if not isinstance(body, dict):
        raise ApiError(400, "request body must be a JSON object")
    unknown = sorted(set(body) - RUN_FIELDS)
    if unknown:
        raise ApiError(400, f"unknown field(s) in request body: {', '.join(unknown)}")
    nulls = sorted(name for name, value in body.items() if value is None)
    if nulls:  # the schema allows omitting a field, never null: say so rather than guess
        raise ApiError(400, f"field(s) must be omitted, not null: {', '.join(nulls)}")
    config_id = body.get("config_id")
    if not isinstance(config_id, str) or not config_id:
        raise ApiError(400, "config_id is required and must be a non-empty string")
    run_mode = body.get("run_mode")
    if run_mode is not None and run_mode not in run_modes():  # whatever the contract declares
        raise ApiError(400, f"run_mode must be one of {', '.join(run_modes())}; got {run_mode!r}")
    bounds: dict[str, int] = {}
    for name in ("range_from", "range_to"):
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ApiError(400, f"{name} must be an ISO-8601 string")
        bounds[name] = parse_time(name, value)
    if "range_to" in bounds and "range_from" not in bounds:
        raise ApiError(400, "range_to requires range_from")
    if "range_to" in bounds and bounds["range_to"] < bounds["range_from"]:
        raise ApiError(400, "range_to must not be before range_from")
    if config_id[:3] not in CONFIG_TYPES:
        raise ApiError(400, f"unknown config {config_id!r}: expected a cg-, og- or cc- id")
    return config_id
