"""Issue 10, hostile review B: the fake-server launchers.

Settings the fake cannot honour are refused by both launchers' options (before anything
is served), and a closed terminal (SIGHUP) stops the server and removes its credentials
like Ctrl-C and SIGTERM do.
"""

from __future__ import annotations

import argparse
import signal
import sys

import pytest

from amperity_facade._cli._fake_server import add_arguments
from amperity_facade._cli._parser import build_parser

from .test_cli_fake_server import LAUNCHERS, serving


def module_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m amperity_facade.testing")
    add_arguments(parser)
    return parser


@pytest.mark.parametrize(
    "option",
    [
        ("--step-seconds", "inf"),
        ("--step-seconds", "nan"),
        ("--step-seconds", "-1"),
        ("--step-seconds", "1e300"),
        ("--rate-limit", "0"),
        ("--rate-limit", "-3"),
    ],
)
def test_review_issue10_both_launchers_refuse_settings_the_fake_cannot_honour(
    option: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    for parse in (
        lambda: build_parser().parse_args(["fake-server", *option]),
        lambda: module_parser().parse_args(list(option)),
    ):
        with pytest.raises(SystemExit) as exit:
            parse()
        assert exit.value.code == 2
        assert f"argument {option[0]}:" in capsys.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="no SIGHUP")
@pytest.mark.parametrize("launcher", sorted(LAUNCHERS))
def test_review_issue10_sighup_stops_the_server_and_removes_the_secrets(launcher: str) -> None:
    with serving(LAUNCHERS[launcher]) as served:
        folder = served.token_file.parent
        assert folder.exists()
        code, rest = served.stop(signal.SIGHUP)
    assert code == 0
    assert "Stopped." in rest
    assert not folder.exists()
