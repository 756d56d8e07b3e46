"""Credentials typed as options are refused without being shown (a new user tried
`--token`, which argparse used to read as an abbreviation of --token-file)."""

from __future__ import annotations

import pytest

from .conftest import Run

SECRET = "sk-REALSECRET-4711"


@pytest.mark.parametrize(
    "argv",
    [
        ("--token", SECRET, "segments", "list"),
        ("segments", "list", "--token", SECRET),
        ("segments", "list", f"--token={SECRET}"),
        ("--client-secret", SECRET, "segments", "list"),
        ("workflows", "get", "wf-1", "--client-id", SECRET),
    ],
)
def test_credentials_on_the_command_line_are_refused_unseen(
    run: Run, argv: tuple[str, ...]
) -> None:
    result = run(*argv)
    assert result.code == 2
    assert SECRET not in result.out + result.err
    assert "not taken from the command line" in result.err


def test_options_are_not_abbreviated(run: Run) -> None:
    # --token-f would have been --token-file; now only whole option names are read.
    result = run("segments", "list", "--token-f", "/nonexistent")
    assert result.code == 2
    assert "cannot read token file" not in result.err
