"""The `amperity` command line grammar.

Connection options are accepted both before and after the subcommand (`amperity --tenant
acme segments list` and `amperity segments list --tenant acme`), because people put them
in either place. There is deliberately no option that takes a token: command lines end up
in shell history and process listings; tokens come from the environment or --token-file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import typing
from collections.abc import Callable, Sequence
from typing import Any

from .. import __version__
from .._dates import to_datetime  # value rules shared with the library (see test_layers)
from ..errors import ConfigurationError
from ..types import WorkflowRunRequestRunMode
from . import _commands, _demo, _fake_server, _family_commands
from ._output import FORMATS

EPILOG = """\
credentials:
  Taken from the environment: AMPERITY_TOKEN, or AMPERITY_CLIENT_ID and
  AMPERITY_CLIENT_SECRET (OAuth client credentials); or from a file with --token-file.
  A token is never accepted as an argument. AMPERITY_TENANT, AMPERITY_BASE_URL and
  AMPERITY_API_VERSION supply the defaults of --tenant, --base-url and --api-version.

times:
  ISO-8601 dates or date-times. Without an offset they are UTC: 2026-10-01 means
  2026-10-01T00:00:00Z. Windows are [from, to): from after to is a usage error.

output:
  --format defaults to table on a terminal, otherwise to the --output file's extension
  (.csv, .json, .jsonl) or jsonl. Exports stream page by page in constant memory, 1000
  items a page unless --limit says otherwise; on a terminal, stderr shows a progress line.
  An --output file appears only once complete (a failed export leaves none behind) and
  keeps the permissions of the file it replaces. CSV: nested objects become dotted
  columns (error.type), lists (an ingest job's tables) one column of JSON; text starting
  with = + - @ tab or CR gets a leading ' so spreadsheets do not run it (--csv-raw keeps
  it). Characters the output cannot encode (a lone surrogate) are written as \\uXXXX.

resuming:
  A failed or interrupted export ends its error line with what it wrote and, where that
  was kept, the cursor to continue from: on stdout, or with --append to a file. Run the
  same command with --next-token TOKEN (and --append) to continue where it stopped.

exit codes:
  0    success
  1    the API or a workflow failed: error status, connection failure, a workflow that
       failed, was stopped or did not finish within --timeout
  2    usage or configuration error: bad arguments, missing tenant or credentials,
       unreadable token file or output path, a time window that ends before it starts
  130  interrupted by Ctrl-C (SIGINT)
  143  terminated by SIGTERM (kill, timeout, a container stopping)

Try it without an account: `amperity demo`, or `amperity fake-server` and follow what
it prints. The command needs only amperity-facade's own dependencies: no extra to install.
"""

Handler = Callable[[argparse.Namespace], int]


def _positive_int(text: str) -> int:
    value = _number(text, int)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return int(value)


def _count(text: str) -> int:
    value = _number(text, int)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return int(value)


def _seconds(text: str) -> float:
    # Checked here, not only by the library: `workflows run --wait --timeout inf` would
    # otherwise start the workflow before the wait refused the timeout.
    value = _number(text, float)
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(
            f"must be a positive, finite number of seconds, got {text}"
        )
    return float(value)


def _number(text: str, kind: Callable[[str], Any]) -> Any:
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _time(text: str) -> dt.datetime:
    """An aware UTC datetime, parsed here so errors name the option the user typed, by the
    rules of the client's own time arguments (one implementation: `_dates`)."""
    try:
        return to_datetime(text, "TIME")
    except ConfigurationError as exc:
        reason = str(exc).removeprefix(f"TIME={text!r} ")
        if "ISO-8601" in reason:
            reason += " (e.g. 2026-10-01 or 2026-10-01T12:00:00Z)"
        raise argparse.ArgumentTypeError(f"{text!r} {reason}") from None


def run_modes() -> tuple[str, ...]:
    """The run modes openapi.yaml declares, read from the generated type: a value the vendor
    adds reaches users with `make spec`, not with a second list to keep in step."""
    return tuple(sorted(typing.get_args(WorkflowRunRequestRunMode)))


def _token(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


TIME_HELP = "ISO-8601 date or date-time; UTC unless it has an offset"


def _connection(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Below the top level the defaults are SUPPRESS, so an option given before the
    # subcommand is not reset to None by the subparser.
    default: Any = None if top else argparse.SUPPRESS
    group = parser.add_argument_group("connection")
    group.add_argument("--tenant", default=default, help="tenant id (default: $AMPERITY_TENANT)")
    group.add_argument("--base-url", default=default, help="API base URL ($AMPERITY_BASE_URL)")
    group.add_argument("--api-version", default=default, help="e.g. 2024-04-01 or unstable")
    group.add_argument(
        "--token-file", default=default, metavar="PATH", help="file holding the API token"
    )


SECRET_OPTIONS = {
    "--token": "$AMPERITY_TOKEN or --token-file",
    "--client-secret": "$AMPERITY_CLIENT_SECRET",
    "--client-id": "$AMPERITY_CLIENT_ID",
}


def refused_secret(argv: Sequence[str], parser: argparse.ArgumentParser) -> str | None:
    """The error line for a credential given as an option, if one is: checked before argparse,
    which would echo the value back (as an unknown argument, or as an invalid choice when
    the option sits between a command and its action). Any spelling that is not one of our
    options and starts like a credential option counts (`--tok`, `--client-sec=...`)."""
    known = _option_names(parser)
    for arg in argv:
        if arg == "--":
            return None
        name = arg.split("=", 1)[0]
        if not name.startswith("--") or name in known:
            continue
        for option, source in SECRET_OPTIONS.items():
            if (option.startswith(name) and len(name) > 3) or name.startswith(option):
                return (
                    f"{name}: credentials are not taken from the command line, where shell "
                    f"history and process listings keep them: use {source} (the value "
                    "given is not shown)"
                )
    return None


def _option_names(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of the parser and its subcommands (argparse keeps no public list)."""
    names: set[str] = set()
    for action in parser._actions:
        names.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                names |= _option_names(sub)
    return names


def _verbosity(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=default,
        help="say more on stderr (retries and deprecations always show; -v: other notices, -vv: each request)",
    )


def _output(
    parser: argparse.ArgumentParser, *, listing: bool, page_size: str = str(_commands.MAX_PAGE)
) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("--format", choices=FORMATS, help="default: table on a terminal, else jsonl")
    group.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    group.add_argument(
        "--csv-raw", action="store_true", help="CSV: keep cells starting with = + - @ as they are"
    )
    if not listing:
        return
    group.add_argument("--max-items", type=_count, metavar="N", help="stop after N items")
    group.add_argument(
        "--limit", type=_positive_int, metavar="N", help=f"page size (default: {page_size})"
    )
    group.add_argument(
        "--next-token",
        type=_token,
        metavar="TOKEN",
        help="start from this cursor, as printed by a failed or interrupted export",
    )
    group.add_argument(
        "--append",
        action="store_true",
        help="add to the --output file (csv, jsonl) instead of replacing it; kept on failure",
    )


class _Builder:
    def __init__(self, subparsers: Any) -> None:
        self._subparsers = subparsers

    def group(self, name: str, help: str) -> Any:
        parser = self._subparsers.add_parser(name, help=help, description=help, allow_abbrev=False)
        inner = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        return _Builder(inner)

    def command(self, name: str, help: str, handler: Handler, **defaults: Any) -> Any:
        parser = self.bare_command(name, help, handler, **defaults)
        _connection(parser, top=False)
        _verbosity(parser, argparse.SUPPRESS)
        return parser

    def bare_command(self, name: str, help: str, handler: Handler, **defaults: Any) -> Any:
        """A command that talks to no tenant, so without the connection options."""
        parser = self._subparsers.add_parser(name, help=help, description=help, allow_abbrev=False)
        parser.set_defaults(handler=handler, **defaults)
        return parser

    def listing(
        self,
        name: str,
        resource: str,
        help: str,
        page_size: str = str(_commands.MAX_PAGE),
        listing: _commands.Listing | None = None,
    ) -> argparse.ArgumentParser:
        parser = self.command(name, help, _commands.list_items, resource=resource, listing=listing)
        _output(parser, listing=True, page_size=page_size)
        return parser  # type: ignore[no-any-return]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amperity",
        allow_abbrev=False,  # no --token read as --token-file
        description="Read and drive an Amperity tenant from the shell.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _connection(parser, top=True)
    _verbosity(parser, None)
    root = _Builder(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))

    parser.add_argument("--version", action="version", version=f"amperity {__version__}")
    root.group("segments", "list segments").listing("list", "segments", "list segments")
    for name in ("campaigns", "campaign-drafts"):
        listing = root.group(name, f"list {name.replace('-', ' ')}").listing(
            "list", name, f"list {name}"
        )
        listing.add_argument("--destination-data-template-id", metavar="ID")

    events = root.group("audit-events", "list or export audit events")
    audit = events.listing("list", "audit-events", "list audit events in [--from, --to)")
    _window(audit)

    ingest = root.group("ingest-jobs", "list ingest jobs or show one")
    jobs = ingest.listing(
        "list", "ingest-jobs", "list ingest jobs created in [--from, --to)", "the server's"
    )
    _window(jobs)
    get_job = ingest.command("get", "show one ingest job", _commands.get_ingest_job)
    get_job.add_argument("id", metavar="ID")
    _output(get_job, listing=False)

    workflows = root.group("workflows", "list, show, run and stop workflow runs")
    listing = workflows.listing("list", "workflows", "list workflow runs")
    listing.add_argument("--state", help="e.g. running, succeeded, failed")
    listing.add_argument("--type", help="e.g. courier.group/run")
    for name in ("created-from", "created-to", "ended-from", "ended-to"):
        listing.add_argument(f"--{name}", type=_time, metavar="TIME", help=TIME_HELP)

    get = workflows.command("get", "show one workflow run", _commands.get_workflow)
    get.add_argument("id", metavar="ID")
    get.add_argument(
        "--tasks", action="store_true", help="include its task instances (view=verbose)"
    )
    _output(get, listing=False)

    run = workflows.command("run", "start a workflow run", _commands.run_workflow)
    run.add_argument("config_id", metavar="CONFIG_ID", help="e.g. cg-..., og-..., cc-...")
    run.add_argument("--range-from", type=_time, metavar="TIME", help=TIME_HELP)
    run.add_argument("--range-to", type=_time, metavar="TIME", help=TIME_HELP)
    run.add_argument("--run-mode", choices=run_modes())  # what openapi.yaml declares
    run.add_argument("--wait", action="store_true", help="follow it until it ends")
    run.add_argument("--timeout", type=_seconds, metavar="SECONDS", help="with --wait (3600)")
    run.add_argument("--poll-interval", type=_seconds, metavar="SECONDS", help="longest pause (10)")
    _output(run, listing=False)

    stop = workflows.command("stop", "stop a workflow run", _commands.stop_workflow)
    stop.add_argument("id", metavar="ID")
    _output(stop, listing=False)

    _family_commands.add(root, _output, _positive_int, _count)

    fake = root.bare_command(
        "fake-server",
        _fake_server.DESCRIPTION + " The same as python -m amperity_facade.testing.",
        _fake_server.cli_serve,
    )
    _fake_server.add_arguments(fake, tenant_from_parent=True)

    demo = root.command("demo", "tour the library against a built-in fake tenant", _demo.demo)
    demo.add_argument("--out", default="./amperity-demo-out", metavar="DIR")
    demo.add_argument(
        "--fake", action="store_true", help="use the fake even if credentials are set"
    )
    return parser


def _window(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="from_",
        type=_time,
        required=True,
        metavar="TIME",
        help=f"inclusive; {TIME_HELP}",
    )
    parser.add_argument(
        "--to", type=_time, required=True, metavar="TIME", help=f"exclusive; {TIME_HELP}"
    )
