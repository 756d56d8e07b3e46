"""Shared test setup: give the run Python's usual Ctrl-C handling.

(The helper code in scripts/ is a package, importable as `scripts` because pyproject.toml puts
the repository root on pytest's path.)

A test runner started in the background (`make test &`, `nohup`, some CI agents) inherits
SIGINT ignored, and Python then installs no KeyboardInterrupt handler. The CLI rightly keeps
that choice (a command started with `&` should not die of Ctrl-C), so the tests of its signal
handling, in this process and in the commands it spawns (which inherit the disposition),
would test the background case instead of the terminal one. Restoring the handler here
makes every run test what a user at a terminal gets.
"""

from __future__ import annotations

import importlib.util
import signal

if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# tests/airflow needs Airflow, which only .venv-airflow has (make test-airflow runs them there):
# where Airflow cannot be imported, pytest does not even import that folder.
collect_ignore = [] if importlib.util.find_spec("airflow") else ["airflow"]
