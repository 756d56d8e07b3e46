"""What Airflow's providers manager reads through the `apache_airflow_provider` entry point.

Pure data, no Airflow import: Airflow calls get_provider_info() while it discovers providers.
The connection form is declared here (Airflow 3.2+ reads `conn-fields` and
`ui-field-behaviour` from it without importing the hook); AmperityHook still answers the older
`get_ui_field_behaviour()` / `get_connection_form_widgets()` calls for Airflow 3.1.
"""

from __future__ import annotations

from typing import Any

from .. import __version__

CONN_TYPE = "amperity"
HOOK_CLASS = "amperity_facade.airflow.hooks.AmperityHook"

# The connection form: Host holds the whole base URL, Login the tenant, Password the token.
UI_FIELD_BEHAVIOUR: dict[str, Any] = {
    "hidden_fields": ["schema", "port"],
    "relabeling": {
        "host": "Base URL",
        "login": "Tenant",
        "password": "Token (or OAuth client secret)",
    },
    "placeholders": {
        "host": "https://acme.amperity.com/api (default: https://{tenant}.amperity.com/api)",
        "login": "acme",
        "password": "static API token, or the OAuth client secret when Client ID is set",
        "client_id": "OAuth client id (leave empty for a static token)",
        "client_secret": "OAuth client secret (or put it in Password)",
        "api_version": "2024-04-01",
        "timeout": "30",
        "max_retries": "3",
        "rate_limit": "10",
    },
}

# Extra fields, stored in the connection's extra JSON under these names.
CONN_FIELDS: dict[str, dict[str, Any]] = {
    "client_id": {
        "label": "Client ID",
        "description": "OAuth2 client id; with it, Password (or Client secret) is the secret.",
        "schema": {"type": ["string", "null"]},
    },
    "client_secret": {
        "label": "Client secret",
        "description": "OAuth2 client secret, if not given as Password.",
        "schema": {"type": ["string", "null"], "format": "password"},
    },
    "api_version": {
        "label": "API version",
        "description": "api-version header for the control plane (library default if empty).",
        "schema": {"type": ["string", "null"]},
    },
    "timeout": {
        "label": "Timeout (s)",
        "description": "Seconds for each network step of a request (default 30).",
        "schema": {"type": ["number", "null"]},
    },
    "max_retries": {
        "label": "Max retries",
        "description": "Retries of a failed request (default 3).",
        "schema": {"type": ["integer", "null"]},
    },
    "rate_limit": {
        "label": "Rate limit (requests/s)",
        "description": "Control-plane requests per second for this client (default 10).",
        "schema": {"type": ["number", "null"]},
    },
}


def _kebab(behaviour: dict[str, Any]) -> dict[str, Any]:
    return {key.replace("_", "-"): value for key, value in behaviour.items()}


def get_provider_info() -> dict[str, Any]:
    module = "amperity_facade.airflow"
    return {
        "package-name": "amperity-facade",
        "name": "Amperity",
        "description": "Run and wait for Amperity workflows (courier groups, orchestrations) "
        "from Airflow, with deferrable waits: https://docs.amperity.com/api/",
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": "Amperity",
                "external-doc-url": "https://docs.amperity.com/api/",
                "tags": ["service"],
            }
        ],
        "operators": [{"integration-name": "Amperity", "python-modules": [f"{module}.operators"]}],
        "sensors": [{"integration-name": "Amperity", "python-modules": [f"{module}.sensors"]}],
        "hooks": [{"integration-name": "Amperity", "python-modules": [f"{module}.hooks"]}],
        "triggers": [{"integration-name": "Amperity", "python-modules": [f"{module}.triggers"]}],
        "connection-types": [
            {
                "connection-type": CONN_TYPE,
                "hook-class-name": HOOK_CLASS,
                "hook-name": "Amperity",
                "ui-field-behaviour": _kebab(UI_FIELD_BEHAVIOUR),
                "conn-fields": CONN_FIELDS,
            }
        ],
    }
