"""Shared test setup: make scripts/ importable (the scripts are plain files, not a package),
and give the run Python's usual Ctrl-C handling.

A test runner started in the background (`make test &`, `nohup`, some CI agents) inherits
SIGINT ignored, and Python then installs no KeyboardInterrupt handler. The CLI rightly keeps
that choice (a command started with `&` should not die of Ctrl-C), so the tests of its signal
handling, in this process and in the commands it spawns (which inherit the disposition),
would test the background case instead of the terminal one. Restoring the handler here
makes every run test what a user at a terminal gets.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
