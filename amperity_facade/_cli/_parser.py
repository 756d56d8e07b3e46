"""The `amperity` command line grammar.

Connection options are accepted both before and after the subcommand (`amperity --tenant
acme segments list` and `amperity segments list --tenant acme`), because people put them
in either place. There is deliberately no option that takes a token: command lines end up
in shell history and process listings; tokens come from the environment or --token-file.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from . import _commands, _demo
from ._output import FORMATS

EPILOG = """\
credentials:
  Taken from the environment: AMPERITY_TOKEN, or AMPERITY_CLIENT_ID and
  AMPERITY_CLIENT_SECRET (OAuth client credentials); or from a file with --token-file.
  A token is never accepted as an argument. AMPERITY_TENANT, AMPERITY_BASE_URL and
  AMPERITY_API_VERSION supply the defaults of --tenant, --base-url and --api-version.

output:
  --format defaults to table on a terminal, otherwise to the --output file's extension
  (.csv, .json, .jsonl) or jsonl. Exports stream page by page in constant memory; on a
  terminal, stderr shows a progress line.

exit codes:
  0    success
  1    the API or a workflow failed: error status, connection failure, a workflow that
       failed, was stopped or did not finish within --timeout
  2    usage or configuration error: bad arguments, missing tenant or credentials,
       unreadable token file or output path
  130  interrupted (Ctrl-C)

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
    value = _number(text, float)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return float(value)


def _number(text: str, kind: Callable[[str], Any]) -> Any:
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


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


def _output(parser: argparse.ArgumentParser, *, listing: bool) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("--format", choices=FORMATS, help="default: table on a terminal, else jsonl")
    group.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    if listing:
        group.add_argument("--max-items", type=_count, metavar="N", help="stop after N items")
        group.add_argument("--limit", type=_positive_int, metavar="N", help="page size")


class _Builder:
    def __init__(self, subparsers: Any) -> None:
        self._subparsers = subparsers

    def group(self, name: str, help: str) -> Any:
        parser = self._subparsers.add_parser(name, help=help, description=help)
        inner = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        return _Builder(inner)

    def command(self, name: str, help: str, handler: Handler, **defaults: Any) -> Any:
        parser = self._subparsers.add_parser(name, help=help, description=help)
        _connection(parser, top=False)
        parser.set_defaults(handler=handler, **defaults)
        return parser

    def listing(self, name: str, resource: str, help: str) -> argparse.ArgumentParser:
        parser = self.command(name, help, _commands.list_items, resource=resource)
        _output(parser, listing=True)
        return parser  # type: ignore[no-any-return]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amperity",
        description="Read and drive an Amperity tenant from the shell.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _connection(parser, top=True)
    root = _Builder(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))

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
    _window(ingest.listing("list", "ingest-jobs", "list ingest jobs created in [--from, --to)"))
    get_job = ingest.command("get", "show one ingest job", _commands.get_ingest_job)
    get_job.add_argument("id", metavar="ID")
    _output(get_job, listing=False)

    workflows = root.group("workflows", "list, show, run and stop workflow runs")
    listing = workflows.listing("list", "workflows", "list workflow runs")
    listing.add_argument("--state", help="e.g. running, succeeded, failed")
    listing.add_argument("--type", help="e.g. courier.group/run")
    for name in ("created-from", "created-to", "ended-from", "ended-to"):
        listing.add_argument(f"--{name}", metavar="TIME", help="ISO-8601 date or date-time")

    get = workflows.command("get", "show one workflow run", _commands.get_workflow)
    get.add_argument("id", metavar="ID")
    get.add_argument("--verbose", action="store_true", help="include its task instances")
    _output(get, listing=False)

    run = workflows.command("run", "start a workflow run", _commands.run_workflow)
    run.add_argument("config_id", metavar="CONFIG_ID", help="e.g. cg-..., og-..., cc-...")
    run.add_argument("--range-from", metavar="TIME")
    run.add_argument("--range-to", metavar="TIME")
    run.add_argument("--run-mode", choices=("source", "refresh", "full"))
    run.add_argument("--wait", action="store_true", help="follow it until it ends")
    run.add_argument("--timeout", type=_seconds, metavar="SECONDS", help="with --wait (3600)")
    run.add_argument("--poll-interval", type=_seconds, metavar="SECONDS", help="longest pause (10)")
    _output(run, listing=False)

    stop = workflows.command("stop", "stop a workflow run", _commands.stop_workflow)
    stop.add_argument("id", metavar="ID")
    _output(stop, listing=False)

    fake = root.command("fake-server", "serve a fake tenant locally until Ctrl-C", _demo.serve)
    fake.add_argument("--port", type=int, default=8080)
    fake.add_argument("--host", default="127.0.0.1")
    fake.add_argument("--seed", type=int, default=7)
    fake.add_argument("--step-seconds", type=_seconds, default=1.0, help="workflow state pace")

    demo = root.command("demo", "tour the library against a built-in fake tenant", _demo.demo)
    demo.add_argument("--out", default="./amperity-demo-out", metavar="DIR")
    demo.add_argument(
        "--fake", action="store_true", help="use the fake even if credentials are set"
    )
    return parser


def _window(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="from_", required=True, metavar="TIME", help="inclusive")
    parser.add_argument("--to", required=True, metavar="TIME", help="exclusive")
