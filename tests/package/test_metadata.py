"""The package says what it is: licence file matching the declared licence, URLs, classifiers."""

from __future__ import annotations

import logging
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def project() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        table: dict[str, object] = tomllib.load(handle)["project"]
    return table


def test_licence_file_matches_the_declared_licence() -> None:
    meta = project()
    assert meta["license"] == "MIT"
    assert meta["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "WITHOUT WARRANTY OF ANY KIND" in text


def test_metadata_has_urls_and_classifiers() -> None:
    meta = project()
    urls = meta["urls"]
    assert isinstance(urls, dict) and urls
    assert all(str(url).startswith("https://") for url in urls.values())
    classifiers = meta["classifiers"]
    assert isinstance(classifiers, list)
    assert "Typing :: Typed" in classifiers
    assert not any("License ::" in c for c in classifiers)  # the SPDX expression says it
    assert (ROOT / "amperity_facade" / "py.typed").exists()


def test_library_logger_has_a_null_handler() -> None:
    import amperity_facade

    handlers = logging.getLogger(amperity_facade.__name__).handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


def test_retry_warnings_do_not_reach_stderr_of_an_app_without_logging() -> None:
    """Logging's last resort prints warnings of handler-less loggers to stderr."""
    program = (
        "import logging\n"
        "logging.getLogger('amperity_facade').warning('retrying GET /x after status 503')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", "import amperity_facade\n" + program],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stderr == ""
    bare = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    assert "retrying" in bare.stderr  # the check above would have seen a leak
