"""Review: what scripts/unasync.py makes of plausible future async lines.

Code-level mistakes (an `asyncio.` name left behind, a coroutine left unawaited) are caught
afterwards by `make lint` (ruff F821, mypy --strict over amperity_facade/_sync); the xfails
below are outputs that pass both and are still wrong.
"""

from __future__ import annotations

import pytest

from scripts.unasync import unasync_text


def sync(line: str) -> str:
    return unasync_text(line + "\n", set()).rstrip("\n")


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("    async def send(self) -> None:", "    def send(self) -> None:"),
        ("        async with self._lock:", "        with self._lock:"),
        (
            "        async for chunk in response.aiter_bytes():",
            "        for chunk in response.iter_bytes():",
        ),
        ("        return [x async for x in it]", "        return [x for x in it]"),
        ("        page = await self._execute(call)", "        page = self._execute(call)"),
        ("        await self._pool.aclose()", "        self._pool.close()"),
        ("        await asyncio.sleep(delay)", "        time.sleep(delay)"),
        (
            "    execute: Callable[[Call[T]], Awaitable[Page[T]]]",
            "    execute: Callable[[Call[T]], Page[T]]",
        ),
        ("    transport: httpx.AsyncBaseTransport", "    transport: httpx.BaseTransport"),
        (
            "    async def __aiter__(self) -> AsyncIterator[T]:",
            "    def __iter__(self) -> Iterator[T]:",
        ),
        (
            "    async def __aexit__(self, *exc: object) -> None:",
            "    def __exit__(self, *exc: object) -> None:",
        ),
        # Words that merely contain the patterns are left alone.
        (
            "    # Asynchronous iteration: awaiting is fine",
            "    # Asynchronous iteration: awaiting is fine",
        ),
        ("        self.aclose_all()", "        self.aclose_all()"),
        ("        self._awaited = True", "        self._awaited = True"),
        ("        x = my_async_for(y)", "        x = my_async_for(y)"),
    ],
)
def test_substitutions_on_plausible_lines(line: str, want: str) -> None:
    assert sync(line) == want


@pytest.mark.xfail(
    strict=True,
    reason="Async([A-Z]\\w*) turns httpx.AsyncByteStream into httpx.ByteStream, a real but "
    "different class (the sync twin is httpx.SyncByteStream): an isinstance check or "
    "annotation stays type-correct for mypy and is silently wrong at run time",
)
def test_async_byte_stream_becomes_sync_byte_stream() -> None:
    out = sync("        if isinstance(response.stream, httpx.AsyncByteStream):")
    assert out == "        if isinstance(response.stream, httpx.SyncByteStream):"


@pytest.mark.xfail(
    strict=True,
    reason="'await ' is removed inside docstrings, comments and string literals too: prose and "
    "log/error messages of the sync client lose a word (no lint or type check notices)",
)
@pytest.mark.parametrize(
    "line",
    [
        '    """Each caller may await the token; one refreshes it."""',
        '        log.warning("retrying: await the next slot")',
        "        # we await the limiter before choosing the token",
    ],
)
def test_await_in_prose_is_kept(line: str) -> None:
    assert "await " in sync(line)


@pytest.mark.xfail(
    strict=True,
    reason="httpx's other async body readers have no substitution: `await response.aread()` "
    "becomes `response.aread()` (a coroutine, never awaited); aiter_lines/aiter_text/aiter_raw "
    "stay async iterators (only mypy, not unasync --check, notices)",
)
@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("        body = await response.aread()", "        body = response.read()"),
        (
            "        async for line in response.aiter_lines():",
            "        for line in response.iter_lines():",
        ),
        (
            "        async for raw in response.aiter_raw():",
            "        for raw in response.iter_raw():",
        ),
        ("        nxt = await anext(pages)", "        nxt = next(pages)"),
    ],
)
def test_other_async_readers_are_mapped(line: str, want: str) -> None:
    assert sync(line) == want


@pytest.mark.xfail(
    strict=True,
    reason="Awaitable[...] is only unwrapped for one level of simple generics: "
    "Awaitable[dict[str, Any]] and Awaitable[Page[dict[str, Any]]] stay Awaitable in the sync code",
)
def test_awaitable_of_nested_generics_is_unwrapped() -> None:
    out = sync("    def __call__(self, call: Call[R], /) -> Awaitable[Page[dict[str, Any]]]: ...")
    assert out == "    def __call__(self, call: Call[R], /) -> Page[dict[str, Any]]: ..."
