"""Airflow provider tests: run only in .venv-airflow (make test-airflow), never in the main suite.

Airflow reads its settings when first imported, so this module sets them before anything
imports it: an AIRFLOW_HOME of its own in a temporary directory (a SQLite metadata database,
a dags folder the tests write DAG files into, no example DAGs), removed at the end. The
connection `amperity_default` comes from AIRFLOW_CONN_AMPERITY_DEFAULT, as JSON, pointing at a
FakeAmperity each test gets on a loopback port.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="amperity-airflow-"))
atexit.register(shutil.rmtree, HOME, ignore_errors=True)  # whatever ends the session
DAGS = HOME / "dags"
DAGS.mkdir()
for name in [n for n in os.environ if n.startswith(("AIRFLOW", "AMPERITY_"))]:
    del os.environ[name]  # nothing from the developer's shell (settings, connections) leaks in
os.environ.update(
    {
        "AIRFLOW_HOME": str(HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{HOME / 'airflow.db'}",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE": "False",
    }
)
import importlib.util  # noqa: E402
import json  # noqa: E402
import textwrap  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from amperity_facade.testing import FakeAmperity  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def airflow_db() -> Iterator[None]:
    """A fresh metadata database for the session (a few seconds)."""
    from airflow.utils import db

    db.resetdb()
    yield


def connection_json(fake: FakeAmperity) -> str:
    return json.dumps(
        {
            "conn_type": "amperity",
            "login": fake.tenant,
            "password": fake.token,
            "host": fake.base_url,
        }
    )


@pytest.fixture(scope="session")
def session_fake() -> Iterator[FakeAmperity]:
    """Workflows move one state per poll: scheduled, running, then succeeded (or failed, for
    config cg-fail), so waits end after two polls without sleeping on a clock."""
    with FakeAmperity(lifecycle="polls", failing_configs=("cg-fail",)) as fake:
        yield fake


@pytest.fixture
def fake(session_fake: FakeAmperity, monkeypatch: pytest.MonkeyPatch) -> FakeAmperity:
    session_fake.reset()
    monkeypatch.setenv("AIRFLOW_CONN_AMPERITY_DEFAULT", connection_json(session_fake))
    return session_fake


@pytest.fixture
def slow_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAmperity]:
    """Workflows that stay `scheduled` for an hour: for timeouts and stopping."""
    with FakeAmperity(lifecycle="time", step_seconds=3600) as fake:
        monkeypatch.setenv("AIRFLOW_CONN_AMPERITY_DEFAULT", connection_json(fake))
        yield fake


class TaskInstanceStub:
    """What the operators use of context["ti"] when a test calls execute() itself."""

    def __init__(self) -> None:
        self.xcoms: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.xcoms[key] = value


def context(**more: Any) -> dict[str, Any]:
    return {"ti": TaskInstanceStub(), **more}


def load_dag(dag_id: str, body: str, schedule: str = "None") -> Any:
    """Write a DAG file into the dags folder (dag.test() syncs that folder to the database,
    as the DAG processor would) and return its DAG, imported from the file."""
    source = (
        "from datetime import datetime\n"
        "from airflow.sdk import DAG, CronDataIntervalTimetable\n"
        "from amperity_facade.airflow.operators import AmperityRunWorkflowOperator\n"
        "from amperity_facade.airflow.sensors import AmperityWorkflowSensor\n\n"
        f"with DAG({dag_id!r}, schedule={schedule}, start_date=datetime(2026, 1, 1), "
        "catchup=False) as dag:\n" + textwrap.indent(textwrap.dedent(body).strip() + "\n", "    ")
    )
    path = DAGS / f"{dag_id}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"amperity_dag_{dag_id}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dag


@dataclass
class Deferral:
    task_id: str
    trigger: Any
    method_name: str
    requests_before: list[Any] = field(default_factory=list)


@pytest.fixture
def deferrals(monkeypatch: pytest.MonkeyPatch, fake: FakeAmperity) -> list[Deferral]:
    """Every defer() of the provider's operator and sensor, with the requests the fake had
    received by then (to show the task polled nothing itself before handing the wait over)."""
    from amperity_facade.airflow.operators import AmperityRunWorkflowOperator
    from amperity_facade.airflow.sensors import AmperityWorkflowSensor

    seen: list[Deferral] = []
    for cls in (AmperityRunWorkflowOperator, AmperityWorkflowSensor):
        original = cls.defer

        def spy(
            self: Any, *, trigger: Any, method_name: str, _original: Any = original, **kw: Any
        ) -> Any:
            seen.append(Deferral(self.task_id, trigger, method_name, fake.requests))
            return _original(self, trigger=trigger, method_name=method_name, **kw)

        monkeypatch.setattr(cls, "defer", spy)
    return seen


@dataclass
class Raised:
    task_id: str
    error: BaseException


@pytest.fixture
def raised(monkeypatch: pytest.MonkeyPatch) -> list[Raised]:
    """The exceptions the provider's tasks raised (dag.test() logs them and marks the task
    failed; this keeps them for the assertions)."""
    from amperity_facade.airflow.operators import AmperityRunWorkflowOperator
    from amperity_facade.airflow.sensors import AmperityWorkflowSensor

    seen: list[Raised] = []
    for cls in (AmperityRunWorkflowOperator, AmperityWorkflowSensor):
        for name in ("execute", "execute_complete"):
            original = getattr(cls, name)

            def spy(self: Any, *args: Any, _original: Any = original, **kw: Any) -> Any:
                try:
                    return _original(self, *args, **kw)
                except Exception as exc:
                    seen.append(Raised(self.task_id, exc))
                    raise

            monkeypatch.setattr(cls, name, spy)
    return seen


def task_states(dr: Any) -> dict[str, str]:
    from airflow.utils.session import create_session

    with create_session() as session:
        return {ti.task_id: str(ti.state) for ti in dr.get_task_instances(session=session)}


def xcoms(dr: Any) -> dict[tuple[str, str], Any]:
    """(task id, key) -> value of the run's XComs, as Airflow stored them."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.scalars(XComModel.get_many(run_id=dr.run_id, dag_ids=dr.dag_id)).all()
        return {(row.task_id, row.key): XComModel.deserialize_value(row) for row in rows}


def workflow_gets(requests: list[Any], workflow_id: str) -> int:
    """How many of these requests read that workflow."""
    return sum(1 for r in requests if r.operation == "get-workflow" and workflow_id in r.path)
