"""Write the synchronous code from the asyncio code, or check that it matches.

The client, its transport wrapper and the paginator are written once, for asyncio, in
`amperity_facade/_async/`; every module there has a twin in `amperity_facade/_sync/` made by
the substitutions below (httpcore's approach), then sorted and formatted by the project's
ruff so the result is what `make lint` expects. Edit the async module, run `make generate`.

Every rule must be used by some file (a rule nothing needs any more is a rule nobody reads),
and no asynchronous name may survive in the sync code's tokens: `--check` says so, and
writing refuses too. Prose is translated like code, since docstrings name the classes and
calls of their own flavour ("call `await aclose()`" becomes "call `close()`"): in English
text, write "wait for" rather than "await".

Usage (from the repository root):
  python -m scripts.unasync            write amperity_facade/_sync/
  python -m scripts.unasync --check    exit 1 naming each file that is not what it should be
"""

from __future__ import annotations

import argparse
import difflib
import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "amperity_facade" / "_async"
TARGET = REPO / "amperity_facade" / "_sync"

# (pattern, replacement), applied in order to each line; a pattern matches whole words only.
# The grammar of asyncio code: every rule must be used by some file (see --check).
RULES: list[tuple[str, str]] = [
    (r"import asyncio\n", ""),
    (r"asyncio\.sleep", "time.sleep"),
    # Awaitable[X] is X, for X nested up to three brackets deep (Page[dict[str, Any]]).
    (r"Awaitable\[((?:[^\[\]]|\[(?:[^\[\]]|\[[^\[\]]*\])*\])*)\]", r"\1"),
    (r"Async([A-Z]\w*)", r"\1"),
    (r"async def", "def"),
    (r"async with", "with"),
    (r"async for", "for"),
    (r"await ", ""),
    (r"aclose", "close"),
    (r"__aenter__", "__enter__"),
    (r"__aexit__", "__exit__"),
    (r"__aiter__", "__iter__"),
]
# Names whose sync twin is not what the rules above would make of them, or that the rules
# do not reach; applied first, and allowed to go unused (a vocabulary, not a grammar).
NAMES: list[tuple[str, str]] = [
    ("AsyncByteStream", "SyncByteStream"),  # httpx.ByteStream is another class
    ("handle_async_request", "handle_request"),
    ("acquire_async", "acquire"),
    ("release_async", "release"),
    ("cancel_async", "cancel"),
    ("after_state_async", "after_state"),
    ("send_all_async", "send_all"),
    ("aiter_bytes", "iter_bytes"),
    ("aiter_text", "iter_text"),
    ("aiter_lines", "iter_lines"),
    ("aiter_raw", "iter_raw"),
    ("aread", "read"),
    ("anext", "next"),
]
SUBS = NAMES + RULES
COMPILED = [
    (re.compile(rf"(?<!\w){pattern}" + ("" if pattern.endswith((" ", "\n")) else r"(?!\w)")), repl)
    for pattern, repl in SUBS
]
# What must never survive in the sync code: a name the tables above do not translate.
LEFTOVER = re.compile(r"async|await|asyncio|Async\w*|a(?:iter|read|next|close|enter|exit)\w*")


def leftovers(code: str) -> list[str]:
    """Lines of the sync code that still name something asynchronous (strings and comments,
    where prose may say "asyncio", are not looked at)."""
    found = []
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    for token in tokens:
        if token.type == tokenize.NAME and LEFTOVER.fullmatch(token.string):
            found.append(f"line {token.start[0]}: {token.string!r} in {token.line.strip()!r}")
    return found


def _shown(path: Path) -> str:
    return path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)


def header(source: Path) -> str:
    rel = (SOURCE / source.name).relative_to(REPO).as_posix()
    return (
        f"# Generated from {rel} by scripts/unasync.py; edit that file, then run make generate.\n"
    )


def unasync_text(text: str, used: set[int]) -> str:
    out = []
    for line in text.splitlines(keepends=True):
        for index, (pattern, repl) in enumerate(COMPILED):
            line, count = pattern.subn(repl, line)
            if count:
                used.add(index)
        out.append(line)
    return "".join(out)


def _ruff(args: list[str], text: str, filename: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--stdin-filename", str(filename), "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    if proc.returncode != 0:
        raise SystemExit(
            f"ruff {args[0]} failed on the sync twin of {filename.name}:\n{proc.stderr}"
        )
    return proc.stdout


def expected(source: Path, used: set[int]) -> str:
    """What the sync twin of `source` must contain, byte for byte."""
    target = TARGET / source.name  # where ruff looks for the project's settings
    text = header(source) + unasync_text(source.read_text(encoding="utf-8"), used)
    # Substitution can unsort imports, leave one unused (asyncio's Awaitable), turn an async
    # generator's loop into one `yield from` says better (UP028: safe here, nothing is ever
    # sent into these generators) or make a wrapped call fit on one line: the project's own
    # ruff settles all four.
    fixes = ["--fix-only", "--unsafe-fixes", "--quiet", "--select", "I,F401,UP028"]
    text = _ruff(["check", *fixes], text, target)
    return _ruff(["format", "--quiet"], text, target)


def run(*, check: bool, source_dir: Path = SOURCE, target_dir: Path = TARGET) -> int:
    used: set[int] = set()
    problems: list[str] = []
    sources = sorted(source_dir.glob("*.py"))
    for source in sources:
        target = target_dir / source.name
        want = expected(source, used)
        untranslated = leftovers(want)
        if untranslated:  # never written: it would be async code in the sync client
            problems += [f"  {source.name}, {line}: no sync twin known" for line in untranslated]
            continue
        have = target.read_text(encoding="utf-8") if target.exists() else None
        if have == want:
            continue
        rel = _shown(target)
        if not check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(want, encoding="utf-8")
            print(f"wrote {rel}")
            continue
        if have is None:
            problems.append(f"  missing: {rel}")
            continue
        diff = difflib.unified_diff(
            want.splitlines(keepends=True), have.splitlines(keepends=True), "expected", rel, n=1
        )
        problems.append(f"  differs: {rel}\n" + "".join(list(diff)[:40]))
    names = {source.name for source in sources}
    for stray in sorted(target_dir.glob("*.py")):
        if stray.name not in names:
            rel = _shown(stray)
            if check:
                problems.append(f"  no async source for: {rel}")
            else:
                stray.unlink()
                print(f"removed {rel}")
    unused = [SUBS[i][0] for i in range(len(NAMES), len(SUBS)) if i not in used]
    if unused:
        problems.append("  rules no file uses (remove them): " + ", ".join(unused))
    if problems:
        print(
            "amperity_facade/_sync/ is not what scripts/unasync.py makes of amperity_facade/_async/;"
            " edit the async file, then run make generate.",
            file=sys.stderr,
        )
        print("\n".join(problems), file=sys.stderr)
        return 1
    # Said in both modes: make generate otherwise says nothing when nothing changed.
    print("amperity_facade/_sync/ is in sync with amperity_facade/_async/")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when _sync/ is stale")
    return run(check=parser.parse_args(argv).check)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
