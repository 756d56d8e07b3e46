"""Review: what scripts/unasync.py makes of plausible future async lines.

Code-level leftovers (an `asyncio.` name, an `aread` never awaited) are refused by the script
itself (`leftovers`); the cases below were once outputs that passed lint and types and were
still wrong.
"""

from __future__ import annotations

import pytest

from scripts.unasync import leftovers, unasync_text


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


def test_async_byte_stream_becomes_sync_byte_stream() -> None:
    out = sync("        if isinstance(response.stream, httpx.AsyncByteStream):")
    assert out == "        if isinstance(response.stream, httpx.SyncByteStream):"


def test_prose_is_translated_like_code() -> None:
    """Docstrings name the calls of their own flavour; English should say "wait for"."""
    line = '    """Use with `async with`, or call `await aclose()`."""'
    assert sync(line) == '    """Use with `with`, or call `close()`."""'


@pytest.mark.parametrize(
    "line",
    [
        "        lock = asyncio.Lock()",
        "        parts = await asyncio.gather(*calls)",
        "        it = response.aiter_chunks()",
    ],
)
def test_async_names_without_a_sync_twin_are_refused(line: str) -> None:
    code = sync(line)
    assert leftovers(code + "\n"), code


def test_prose_may_say_asyncio() -> None:
    assert leftovers('"""Written once for asyncio; async code."""\n# await nothing\n') == []


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


def test_awaitable_of_nested_generics_is_unwrapped() -> None:
    out = sync("    def __call__(self, call: Call[R], /) -> Awaitable[Page[dict[str, Any]]]: ...")
    assert out == "    def __call__(self, call: Call[R], /) -> Page[dict[str, Any]]: ..."
