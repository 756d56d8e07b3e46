"""Airflow finds the provider through its entry point: connection type, hook, version."""

from __future__ import annotations

import json
from importlib.metadata import entry_points, version
from pathlib import Path

import airflow
import jsonschema

from amperity_facade import __version__
from amperity_facade.airflow.provider_info import get_provider_info


def test_the_entry_point_names_get_provider_info() -> None:
    [point] = [
        p for p in entry_points(group="apache_airflow_provider") if p.dist.name == "amperity-facade"
    ]
    assert point.load() is get_provider_info


def test_the_provider_info_passes_airflows_schema() -> None:
    schema = json.loads((Path(airflow.__file__).parent / "provider_info.schema.json").read_text())
    jsonschema.validate(get_provider_info(), schema)
    assert get_provider_info()["versions"] == [__version__] == [version("amperity-facade")]


def test_airflow_lists_the_provider_the_connection_type_and_its_form() -> None:
    from airflow.providers_manager import ProvidersManager
    from airflow.sdk.providers_manager_runtime import ProvidersManagerTaskRuntime

    manager = ProvidersManager()  # what the API server and the UI's connection form use
    assert manager.providers["amperity-facade"].version == __version__
    runtime = ProvidersManagerTaskRuntime()  # what tasks use to find a connection's hook
    assert runtime.providers["amperity-facade"].version == __version__
    hook = runtime.hooks["amperity"]
    assert hook is not None
    assert hook.hook_class_name == "amperity_facade.airflow.hooks.AmperityHook"
    assert hook.connection_id_attribute_name == "amperity_conn_id"
    assert hook.hook_name == "Amperity" and hook.connection_testable
    behaviour = manager.field_behaviours["amperity"]
    assert behaviour["relabeling"]["login"] == "Tenant"
    assert "extra__amperity__client_id" in behaviour["placeholders"]
    widgets = manager.connection_form_widgets
    assert widgets["extra__amperity__client_secret"].is_sensitive
    assert not widgets["extra__amperity__client_id"].is_sensitive
