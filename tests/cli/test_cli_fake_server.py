"""`amperity fake-server` and `python -m amperity_facade.testing`: one launcher, run for real.

Both are started as processes with the same options; each must serve the tenant asked
for, keep every secret off the terminal (in 0600 files in a 0700 folder), accept a
static token and OAuth client credentials, and stop cleanly on SIGTERM.
"""

from __future__ import annotations

import re
import shlex
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from amperity_facade.testing.__main__ import main as module_main

from .conftest import REPO, Run, process_env

LAUNCHERS = {
    "amperity fake-server": [sys.executable, "-m", "amperity_facade", "fake-server"],
    "python -m amperity_facade.testing": [sys.executable, "-m", "amperity_facade.testing"],
}


@dataclass
class Served:
    process: subprocess.Popen[str]
    banner: str
    base_url: str
    token_file: Path
    oauth_file: Path

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        self.process.send_signal(signum)
        rest, _ = self.process.communicate(timeout=10)
        return self.process.returncode, rest


@contextmanager
def serving(command: list[str], *options: str) -> Iterator[Served]:
    process = subprocess.Popen(
        [*command, "--port", "0", *options],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=process_env(),
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        for line in process.stdout:  # ends early if the process dies
            lines.append(line)
            if line.startswith("Serving"):
                break
        banner = "".join(lines)
        token = re.search(r"static token in (\S+)", banner)
        oauth = re.search(r"OAuth client id and secret in (\S+)", banner)
        assert token and oauth, banner
        base_url = lines[0].split()[-1]
        yield Served(process, banner, base_url, Path(token[1]), Path(oauth[1]))
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


def oauth_settings(path: Path) -> dict[str, str]:
    settings = {}
    for line in path.read_text().splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["export"]:
            name, _, value = words[1].partition("=")
            settings[name] = value
    return settings


def amperity(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "amperity_facade", *argv],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=process_env(**env),
        timeout=30,
    )


@pytest.mark.parametrize("launcher", sorted(LAUNCHERS))
def test_launcher_serves_with_secrets_in_private_files(launcher: str) -> None:
    options = ("--tenant", "zeta", "--seed", "3", "--rate-limit", "3", "--step-seconds", "0.5")
    with serving(LAUNCHERS[launcher], *options) as served:
        assert served.base_url.startswith("http://127.0.0.1:")
        assert "tenant zeta, seed 3" in served.banner and "3 requests per second" in served.banner
        folder = served.token_file.parent
        assert served.oauth_file.parent == folder
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for path in (served.token_file, served.oauth_file):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        token = served.token_file.read_text().strip()
        oauth = oauth_settings(served.oauth_file)
        assert oauth["AMPERITY_TENANT"] == "zeta"
        assert oauth["AMPERITY_BASE_URL"] == served.base_url
        secrets = (token, oauth["AMPERITY_CLIENT_ID"], oauth["AMPERITY_CLIENT_SECRET"])
        assert all(secret and secret not in served.banner for secret in secrets)

        connection = ("--tenant", "zeta", "--base-url", served.base_url)
        token_file = ("--token-file", str(served.token_file))
        with_token = amperity(*connection, *token_file, "segments", "list", "--max-items", "2")
        assert with_token.returncode == 0, with_token.stderr
        assert len(with_token.stdout.splitlines()) == 2
        with_oauth = amperity("segments", "list", "--max-items", "2", **oauth)
        assert with_oauth.returncode == 0, with_oauth.stderr
        assert with_oauth.stdout == with_token.stdout
        assert not any(s in with_token.stderr + with_oauth.stderr for s in secrets)

        headers = {
            "authorization": f"Bearer {token}",
            "amperity-tenant": "zeta",
            "api-version": "2024-04-01",
        }
        statuses = [
            httpx.get(f"{served.base_url}/segments", headers=headers).status_code for _ in range(6)
        ]
        assert 429 in statuses  # --rate-limit reached the fake

        code, rest = served.stop(signal.SIGTERM)
    assert code == 0
    assert "Stopped." in rest
    assert not folder.exists()


def test_both_launchers_take_the_same_options(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    cli_help = run("fake-server", "--help").out
    with pytest.raises(SystemExit) as exit:
        module_main(["--help"])
    assert exit.value.code == 0
    module_help = capsys.readouterr().out

    def options(text: str) -> set[str]:
        return set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", text))

    assert options(cli_help) == options(module_help)
    assert options(cli_help) >= {"--host", "--port", "--tenant", "--seed", "--rate-limit"}


def test_fake_server_refuses_options_that_do_nothing() -> None:
    # as processes: a launcher that wrongly accepted them would serve forever
    for option, value in (("--base-url", "http://x/api"), ("--token-file", "t"), ("-v", "")):
        result = amperity(*filter(None, (option, value)), "fake-server", "--port", "0")
        assert result.returncode == 2
        shown = "--verbose" if option == "-v" else option
        assert result.stderr == f"error: {shown} does nothing with fake-server; leave it out\n"


def test_a_busy_port_is_one_error_line() -> None:
    with serving(LAUNCHERS["python -m amperity_facade.testing"]) as served:
        port = served.base_url.split(":")[2].split("/")[0]
        errors = []
        for command in LAUNCHERS.values():
            result = subprocess.run(
                [*command, "--port", port],
                capture_output=True,
                text=True,
                cwd=REPO,
                env=process_env(),
                timeout=30,
            )
            assert result.returncode == 1
            errors.append(result.stderr)
        served.stop()
    assert errors == [f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"] * 2
