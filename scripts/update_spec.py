"""`make spec` and `make spec-check`: take a new vendor OpenAPI document into openapi.yaml.

Steps: fetch (URL or local path) -> parse -> convert a Swagger 2.0 document to OpenAPI 3
(scripts/swagger2.py, said in the report's first line) -> validate as OpenAPI 3 -> compare its
api-version with ours -> classify the vendor's changes against the vendor part of the
current openapi.yaml -> print the report -> refuse a different api-version (unless
`--api-version` asks for it) and breaking changes (unless `--allow-breaking`) -> merge
(spec_merge) -> validate the result -> write openapi.yaml atomically. `make spec` then
regenerates. `--check` (`make spec-check`) runs every step but the write, so its report is
the one `make spec` would print, and exits 1 when anything is breaking or the version
differs.

openapi.yaml holds several API families, each published as its own vendor document:
`--family` (`make spec FAMILY=profile`) names the one being taken, and only that family's
part of openapi.yaml is compared, merged and rewritten (scripts/spec_family.py).

Every step runs inside one error handler: a failure ends with one line on stderr naming
the step and the problem, exit 2, and openapi.yaml untouched (the new text goes to a
temporary file that replaces it only once complete). Nobody running `make spec` should
have to read a traceback to learn that the vendor's URL moved.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from . import spec_diff, spec_family, spec_report, specio, swagger2
from .spec_merge import NAME_MAPS, marked, merge_documents, renamed_paths, strip_additions

__all__ = ["DEFAULT_URL", "NAME_MAPS", "main", "marked", "merge_documents", "strip_additions"]

DOWNLOADS = "https://docs.amperity.com/downloads/openapi/"
# Where each family's vendor document is published (one source per family).
SOURCES = {
    "control-plane": DOWNLOADS + "control-plane-2024-04-01-openapi.json",
    "profile": DOWNLOADS + "profile-2025-07-31-openapi.json",
    "realtime": DOWNLOADS + "real-time-2026-09-03-openapi.json",
    "streaming": DOWNLOADS + "streaming-v0-openapi.json",
}
DEFAULT_URL = SOURCES["control-plane"]
MAX_DETAIL = 240


def fetch(source: str) -> str:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=60) as answer:
            return str(answer.read().decode("utf-8"))
    return Path(source).read_text(encoding="utf-8")


def validate(doc: dict[str, Any], label: str) -> None:
    from openapi_spec_validator import validate as _validate

    spec_diff.check_openapi3(doc, label)
    _validate(doc)


def one_line(exc: BaseException) -> str:
    """An exception as one short line: validators put whole documents in their messages."""
    if isinstance(exc, RecursionError):  # its own message says nothing about the input
        return f"the document is nested too deeply to process ({type(exc).__name__})"
    ref = getattr(exc, "ref", None)  # referencing.Unresolvable: name the ref, not the doc
    if isinstance(ref, str):
        text = f"unresolvable $ref {'#' if ref.startswith('/') else ''}{ref}"
    else:
        text = str(exc)
    first = text.strip().splitlines()[0] if text.strip() else "(no message)"
    if len(first) > MAX_DETAIL:
        first = first[: MAX_DETAIL - 3] + "..."
    path = getattr(exc, "json_path", None)
    where = f" at {path}" if isinstance(path, str) and path != "$" else ""
    return f"{type(exc).__name__}: {first}{where}"


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` in one rename, so no reader ever sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Update openapi.yaml from the vendor document.")
    parser.add_argument(
        "--family",
        default=spec_family.DEFAULT_FAMILY,
        choices=sorted(SOURCES),
        help="the API family the vendor document describes",
    )
    parser.add_argument("--url", help="URL or local path of the vendor doc (default: the family's)")
    parser.add_argument("--spec", type=Path, default=specio.SPEC, help="document to update")
    parser.add_argument("--allow-breaking", action="store_true", help="take breaking changes")
    parser.add_argument(
        "--api-version", metavar="VERSION", help="take a document for this api-version"
    )
    parser.add_argument("--check", action="store_true", help="report only; write nothing")
    args = parser.parse_args(argv)
    args.url = args.url or SOURCES[args.family]
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    name = "make spec-check" if args.check else "make spec"
    step = f"cannot use {args.url}"
    try:
        vendor = specio.parse(fetch(args.url))
        source = args.url
        if swagger2.is_swagger2(vendor):  # the control plane until 2026-04, Real-Time still
            vendor = swagger2.convert(vendor)
            source = f"{args.url} (converted from Swagger 2.0)"
        validate(vendor, "vendor document")
        step = f"cannot read {args.spec}"
        whole = specio.load(args.spec)
        step = f"cannot find the {args.family} part of {args.spec}"
        ours = spec_family.view(whole, args.family)
        step = f"cannot compare {args.url} with {args.spec}"
        baseline = spec_report.at_version(strip_additions(ours), vendor)
        changes = spec_diff.compare(baseline, vendor)
        verdict = spec_report.Verdict(
            spec_report.Version.of(vendor), spec_report.Version.of(ours), args.api_version
        )
        report = spec_report.render(source, changes, vendor, ours, verdict, args.allow_breaking)
        step = "cannot merge the vendor document into ours"
        merged, notes = merge_documents(vendor, ours, renamed_paths(changes))
        step = "the merged document does not validate (openapi.yaml left as it was)"
        validate(merged, "merged document")
        step = "the merged document does not fit back into openapi.yaml (left as it was)"
        text = specio.dump(spec_family.embed(whole, args.family, merged))
        validate(specio.parse(text), "merged document")
        step = f"cannot write {args.spec}"
        return _finish(args, name, report, changes, verdict, merged, notes, text)
    except Exception as exc:  # every failure ends here, as one line
        print(f"{name}: {step}: {one_line(exc)}", file=sys.stderr)
        return 2


def _finish(
    args: argparse.Namespace,
    name: str,
    report: str,
    changes: list[spec_diff.Change],
    verdict: spec_report.Verdict,
    merged: dict[str, Any],
    notes: list[str],
    text: str,
) -> int:
    sys.stdout.write(report)
    breaking = [c for c in changes if c.breaking]
    if args.check:
        return 1 if breaking or verdict.differs else 0
    refusals = []
    if (refusal := verdict.refusal()) is not None:
        refusals.append(f"{name}: refusing: {refusal}")
    if breaking and not args.allow_breaking:
        refusals.append(
            f"{name}: refusing {len(breaking)} breaking change(s); "
            "rerun with ALLOW_BREAKING=1 to accept them."
        )
    if refusals:
        print("\n".join(refusals), file=sys.stderr)
        return 1
    for note in notes:
        print(f"note: {note}")
    additions = sorted(set(marked(merged)))
    print(f"Our additions kept ({len(additions)}): " + ", ".join(additions))
    if args.spec.read_text(encoding="utf-8") == text:
        print(f"{args.spec} unchanged")
    else:
        write_atomic(args.spec, text)
        print(f"wrote {args.spec}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
