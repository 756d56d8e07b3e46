"""One rate budget shared by many processes and machines, kept in Redis.

Each process has its own in-process limiter by default (`_ratelimit.RateLimiter`); N workers
against one tenant then send N times its limit and draw 429s. A `RedisRateLimiter` keeps
each budget in Redis instead, so every process that names the same Redis, prefix, tenant and
API family draws on one budget.

The rule is the in-process limiter's, which is correct by construction: a slot is held from
just before a request is sent until one window after its *answer* arrived, and a request in
flight keeps its slot. The tenant admitted the request before it answered, so when the slot
frees the tenant's window for that request has closed too, whatever the clocks, the network
or a stalled process did in between. Across processes this needs two more things: the
moments must come from one clock, and a process that dies holding a slot must not hold it
forever.

The design:

- One sorted set per budget, key `{prefix}:{tenant}:{family}`; each member is a slot (a
  random id), its score the time the slot frees, in seconds on the Redis server's clock.
- Acquire is one Lua script, atomic on the server (`ACQUIRE`): it reads the server's clock
  (`TIME`), drops the members whose time has passed, and if fewer than `capacity` remain,
  adds the new slot with score now + `lease` (in flight) and answers 0; otherwise it answers
  how long until the earliest member frees, or one window if every slot is in flight (none
  can free sooner than a window after its answer). The caller sleeps that long, outside
  Redis, and asks again.
- Release (`RELEASE`, also a script, for the server's clock) sets the slot's score to now +
  window: the answer arrived, the slot frees one window later. It is a plain ZADD, not ZADD
  XX: if the request outlived its lease and the member was dropped, the answer is recorded
  all the same. That can leave more members than `capacity` for a window, which only makes
  others wait, never lets one more through.
- Cancel (a slot taken but not used: the OAuth flow found its token stale) is ZREM.
- The lease (`lease=`, 300 s by default, far longer than any answer under the client's
  timeouts) bounds how long a crashed process can hold a slot: its member frees when the
  lease ends. Every write keeps the key alive until its last member's time has passed,
  so an idle budget leaves nothing behind.
- Rates are the client's, per family, rounded as in process (`_ratelimit.budget`): whole
  slots per one-second window (9.5 a second: 9), and below one a second a stretched window.

Because the server's clock stamps both ends, the processes' clocks never meet; because
every check-and-add is one script, no two processes can both take the last slot. The cost:
two Redis round trips per request (acquire, release), and waiting is polling (a waiter asks
again when the earliest slot should free).

Libraries weighed: pyrate-limiter's Redis bucket (and `limits`' moving window) counts a
request when it is admitted, stamping the time it was allowed. A request admitted at the end
of one second can leave late, land in the tenant's next second with those admitted after it,
and draw a 429: across processes the delays are larger, not smaller. Counting from the
answer needs a release step those buckets do not have, hence this script.

When Redis cannot be reached: `on_unavailable="raise"` (the default) raises
`errors.RateLimiterUnavailableError` naming the limiter and its URL (never its password),
before the request is sent; `"local"` falls back to an in-process limiter at the same rates
with one WARNING log line, asks Redis again every `recheck` seconds (30), and logs at INFO
when it answers again. Never unlimited. A failed release is logged (once per outage) and
left to the lease.

Async clients use `redis.asyncio`, one connection pool per event loop, so waiting and
releasing never block the loop; a release is shielded from cancellation, so a cancelled task
still frees its slot. The `redis` package is imported only when a `RedisRateLimiter` is made
(`pip install 'amperity-facade[redis]'`).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from ._families import Family
from ._numbers import finite, shown
from ._ratelimit import RateLimiter, Slot
from .errors import ConfigurationError, RateLimiterUnavailableError

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Awaitable, Callable

    import redis
    import redis.asyncio
    from redis.commands.core import AsyncScript, Script

log = logging.getLogger("amperity_facade")

OnUnavailable = Literal["raise", "local"]
DEFAULT_PREFIX = "amperity"
DEFAULT_LEASE = 300.0
MIN_LEASE = 1.0
MAX_LEASE = 24 * 3600.0
RECHECK = 30.0  # seconds on the in-process limiters before Redis is asked again
CONNECT_TIMEOUT = 2.0  # an unreachable Redis is reported in seconds, not minutes
COMMAND_TIMEOUT = 5.0
SCHEMES = ("redis", "rediss", "unix")
_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
_PREFIX = re.compile(r"[\x21-\x7e]{1,200}")

# KEYS[1]: the budget. ARGV: capacity, lease (s), window (s), slot id.
# Answers 0 when the slot is held, else the microseconds to wait before asking again.
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local capacity = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then
  return 0
end
if redis.call('ZCARD', KEYS[1]) < capacity then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[4])
  local keep = math.ceil(math.max(lease, window) * 1000) + 1000
  if redis.call('PTTL', KEYS[1]) < keep then
    redis.call('PEXPIRE', KEYS[1], keep)
  end
  return 0
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = math.min(tonumber(first[2]) - now, window)
return math.max(1, math.ceil(wait * 1000000))
"""

# KEYS[1]: the budget. ARGV: window (s), slot id, lease (s). The slot frees a window from now.
RELEASE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], now + window, ARGV[2])
local keep = math.ceil(math.max(tonumber(ARGV[3]), window) * 1000) + 1000
if redis.call('PTTL', KEYS[1]) < keep then
  redis.call('PEXPIRE', KEYS[1], keep)
end
return 0
"""


def shown_url(url: str) -> str:
    """`url` as it may be shown: no user name or password, no query (which can carry one).

    A URL too broken to parse (`redis:/:pw@h`, `[::1` unclosed) is shown only up to where
    credentials could start, since nothing tells where they end."""
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or not parts.scheme or not (parts.netloc or parts.scheme == "unix"):
        head = url.split("@")[-1] if "@" in url else ""
        return f"<unparsable URL>{('...@' + head[:60]) if head else ''}"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rpartition("@")[2]
    return f"{parts.scheme}://{netloc}{parts.path}"


def check_url(url: object) -> str:
    if not isinstance(url, str) or not url:
        raise ConfigurationError(
            "the Redis rate limiter needs a URL such as redis://host:6379/0, "
            f"got {type(url).__name__}"
        )
    if _CONTROL.search(url):
        raise ConfigurationError(
            "the Redis rate limiter's URL contains whitespace or control characters"
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigurationError(
            f"the Redis rate limiter's URL {shown_url(url)} is malformed (a bad port?)"
        ) from None
    if parts.scheme not in SCHEMES:
        raise ConfigurationError(
            f"the Redis rate limiter's URL {shown_url(url)} must start with redis://, "
            "rediss:// (TLS) or unix://"
        )
    if parts.scheme == "unix" and not parts.path:
        raise ConfigurationError(
            f"the Redis rate limiter's URL {shown_url(url)} names no socket path"
        )
    if parts.scheme != "unix" and (not parts.hostname or port == 0):
        raise ConfigurationError(
            f"the Redis rate limiter's URL {shown_url(url)} needs a host (and a port above 0)"
        )
    if parts.scheme != "unix" and parts.path not in ("", "/") and not parts.path[1:].isdigit():
        raise ConfigurationError(
            f"the Redis rate limiter's URL {shown_url(url)}: the path is the database "
            "number (redis://host:6379/0)"
        )
    return url


def check_prefix(prefix: object) -> str:
    if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
        raise ConfigurationError(
            "prefix must be 1 to 200 visible ASCII characters (no spaces), "
            f"got {shown(prefix) if not isinstance(prefix, str) else repr(prefix[:60])}"
        )
    return prefix


def check_lease(lease: object) -> float:
    number = finite(lease)
    if number is None or not MIN_LEASE <= number <= MAX_LEASE:
        raise ConfigurationError(
            f"lease must be a number of seconds from {MIN_LEASE:g} to {MAX_LEASE:g} (a day), "
            f"longer than any request takes to be answered; got {shown(lease)}"
        )
    return number


def check_on_unavailable(value: object) -> OnUnavailable:
    if value == "raise" or value == "local":
        return value
    raise ConfigurationError(f"on_unavailable must be 'raise' or 'local', got {value!r}")


def _new_slot() -> str:
    return uuid.uuid4().hex


class _AsyncClient:
    """The redis.asyncio client and scripts of one event loop (connections belong to it)."""

    __slots__ = ("acquire", "client", "release", "tasks")

    def __init__(self, client: redis.asyncio.Redis) -> None:
        self.client = client
        self.acquire: AsyncScript = client.register_script(ACQUIRE)
        self.release: AsyncScript = client.register_script(RELEASE)
        self.tasks: set[asyncio.Task[None]] = set()  # releases running shielded


class RedisRateLimiter:
    """A rate budget shared through Redis by every process and machine that uses the same
    `url` and `prefix`: pass it as `Amperity(..., rate_limiter=RedisRateLimiter(url))` (or
    set AMPERITY_RATE_LIMIT_URL). One serves every API family of a client, each at that
    family's rate, keyed `{prefix}:{tenant}:{family}`; one may serve many clients.

    `on_unavailable`: "raise" (the default) raises `errors.RateLimiterUnavailableError`
    when Redis cannot be reached, before the request is sent; "local" falls back to
    in-process limiters (per-process budgets: with N processes, up to N times the rate
    while Redis is down) with one WARNING log line. `lease`: how long a slot taken by a
    process that then died stays taken (seconds; longer than any request takes to be
    answered). See `amperity_facade._redis` for the design. `close()` / `await aclose()`
    drop its connections (they reopen if it is used again).
    """

    recheck = RECHECK

    def __init__(
        self,
        url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        on_unavailable: OnUnavailable = "raise",
        lease: float = DEFAULT_LEASE,
    ) -> None:
        self._url = check_url(url)
        self.url = shown_url(url)
        self.prefix = check_prefix(prefix)
        self.on_unavailable = check_on_unavailable(on_unavailable)
        self.lease = check_lease(lease)
        try:
            import redis
        except ImportError:
            raise ConfigurationError(
                "RedisRateLimiter needs the redis package: pip install 'amperity-facade[redis]'"
            ) from None
        try:
            redis.connection.parse_url(url)  # type: ignore[no-untyped-call]
        except ValueError:
            raise ConfigurationError(
                f"the Redis rate limiter's URL {self.url} is not one redis-py accepts"
            ) from None
        self._password = urlsplit(url).password or ""
        self._errors: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, OSError)
        self._lock = threading.Lock()
        self._sync: tuple[redis.Redis, Script, Script] | None = None
        self._async: dict[asyncio.AbstractEventLoop, _AsyncClient] = {}
        self._local_until: float | None = None  # on the local limiters until then
        self._release_warned = False

    def __repr__(self) -> str:
        return (
            f"RedisRateLimiter(url={self.url!r}, prefix={self.prefix!r}, "
            f"on_unavailable={self.on_unavailable!r}, lease={self.lease:g})"
        )

    def limiter(self, tenant: str, family: Family, per_second: float) -> RedisLimiter:
        """The limiter of one budget: `tenant`'s `family`, at `per_second`."""
        return RedisLimiter(self, f"{self.prefix}:{tenant}:{family}", per_second)

    # -- connections ---------------------------------------------------------------------------
    def _options(self) -> dict[str, Any]:
        return {"socket_connect_timeout": CONNECT_TIMEOUT, "socket_timeout": COMMAND_TIMEOUT}

    def _sync_client(self) -> tuple[redis.Redis, Script, Script]:
        made = self._sync  # made once: the lock is for making it, not for every request
        if made is not None:
            return made
        with self._lock:
            if self._sync is None:
                import redis
                from redis.retry import Retry

                client = redis.Redis.from_url(self._url, retry=_retry(Retry), **self._options())
                acquire = client.register_script(ACQUIRE)
                self._sync = (client, acquire, client.register_script(RELEASE))
            return self._sync

    def _async_client(self) -> _AsyncClient:
        import asyncio

        loop = asyncio.get_running_loop()
        found = self._async.get(loop)  # made once per loop, as above
        if found is not None:
            return found
        with self._lock:
            found = self._async.get(loop)
            if found is None:
                import redis.asyncio
                from redis.asyncio.retry import Retry

                # Loops that ended leave their clients behind: their connections died with them.
                for ended in [other for other in self._async if other.is_closed()]:
                    del self._async[ended]
                client = redis.asyncio.Redis.from_url(
                    self._url, retry=_retry(Retry), **self._options()
                )
                found = self._async[loop] = _AsyncClient(client)
            return found

    def close(self) -> None:
        """Drop the connections of sync clients (made again if the limiter is used again)."""
        with self._lock:
            sync, self._sync = self._sync, None
        if sync is not None:
            sync[0].close()

    async def aclose(self) -> None:
        """Drop the connections of the running event loop, once its releases are done."""
        import asyncio

        with self._lock:
            found = self._async.pop(asyncio.get_running_loop(), None)
        if found is not None:
            if found.tasks:
                await asyncio.gather(*found.tasks, return_exceptions=True)
            await found.client.connection_pool.disconnect()  # aclose() is redis>=5.0.1

    # -- one round trip each -----------------------------------------------------------------
    def _args(self, capacity: int, window: float, slot: str) -> list[Any]:
        return [capacity, repr(self.lease), repr(window), slot]

    def try_acquire(self, key: str, capacity: int, window: float, slot: str) -> float | None:
        """Take `slot` in `key` (None), or the seconds to wait before asking again."""
        _, acquire, _ = self._sync_client()
        wait = int(acquire(keys=[key], args=self._args(capacity, window, slot)))
        return None if wait == 0 else wait / 1e6

    async def try_acquire_async(
        self, key: str, capacity: int, window: float, slot: str
    ) -> float | None:
        scripts = self._async_client()
        wait = int(await scripts.acquire(keys=[key], args=self._args(capacity, window, slot)))
        return None if wait == 0 else wait / 1e6

    def _release_args(self, window: float, slot: str) -> list[Any]:
        return [repr(window), slot, repr(self.lease)]

    def release(self, key: str, window: float, slot: str) -> None:
        try:
            _, _, release = self._sync_client()
            release(keys=[key], args=self._release_args(window, slot))
        except self._errors as exc:
            self._release_failed(exc)

    def cancel(self, key: str, slot: str) -> None:
        try:
            self._sync_client()[0].zrem(key, slot)
        except self._errors as exc:
            self._release_failed(exc)

    async def release_async(self, key: str, window: float, slot: str) -> None:
        async def release(scripts: _AsyncClient) -> None:
            await scripts.release(keys=[key], args=self._release_args(window, slot))

        await self._shielded(release)

    async def cancel_async(self, key: str, slot: str) -> None:
        async def cancel(scripts: _AsyncClient) -> None:
            await scripts.client.zrem(key, slot)

        await self._shielded(cancel)

    async def _shielded(self, step: Callable[[_AsyncClient], Awaitable[None]]) -> None:
        """Run `step` to its end even if the caller is cancelled meanwhile: a slot left
        taken would only free when its lease ends."""
        import asyncio

        scripts = self._async_client()

        async def run() -> None:
            try:
                await step(scripts)
            except self._errors as exc:
                self._release_failed(exc)

        task = asyncio.ensure_future(run())
        scripts.tasks.add(task)
        task.add_done_callback(scripts.tasks.discard)
        await asyncio.shield(task)

    # -- when Redis cannot be reached ----------------------------------------------------------
    def _detail(self, exc: BaseException) -> str:
        text = str(exc)[:200]
        if self._password:
            text = text.replace(self._password, "***")
        return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

    def local(self) -> bool:
        """Whether to use the in-process limiters now (Redis failed less than `recheck` ago)."""
        until = self._local_until
        return until is not None and time.monotonic() < until

    def unavailable(self, exc: BaseException) -> None:
        """Redis failed a call that takes a slot: raise, or switch to the local limiters."""
        detail = self._detail(exc)
        if self.on_unavailable == "raise":
            raise RateLimiterUnavailableError(
                f"the shared rate limiter (Redis at {self.url}) is unavailable ({detail}); "
                "no request was sent. Start or reach Redis, or make the limiter with "
                "on_unavailable='local' to fall back to a per-process limit"
            )
        with self._lock:
            first = self._local_until is None
            self._local_until = time.monotonic() + self.recheck
        if first:
            log.warning(
                "the shared rate limiter (Redis at %s) is unavailable (%s): falling back to "
                "this process's own limiter, so each process keeps the rate by itself until "
                "Redis answers again",
                self.url,
                detail,
            )

    def available(self) -> None:
        """Redis answered: leave the local limiters, if they were in use."""
        if self._local_until is None and not self._release_warned:
            return
        with self._lock:
            was_local = self._local_until is not None
            self._local_until = None
            self._release_warned = False
        if was_local:
            log.info("the shared rate limiter (Redis at %s) answers again", self.url)

    def _release_failed(self, exc: BaseException) -> None:
        with self._lock:
            first = not self._release_warned
            self._release_warned = True
        if first:
            log.warning(
                "the shared rate limiter (Redis at %s) could not free a slot (%s): it frees "
                "when its lease ends, in at most %g s",
                self.url,
                self._detail(exc),
                self.lease,
            )


def _retry(kind: Any) -> Any:
    """One quick retry of a command, for the sync or the async client's `Retry` class."""
    from redis.backoff import ExponentialBackoff

    return kind(ExponentialBackoff(cap=0.2, base=0.02), 1)


class RedisLimiter:
    """One budget kept in Redis (see the module's docstring): a `_ratelimit.Limiter`."""

    def __init__(self, store: RedisRateLimiter, key: str, per_second: float) -> None:
        self.key = key
        self._store = store
        self._local = RateLimiter(per_second)  # while Redis is unreachable, with "local"
        self.capacity, self.window = self._local.capacity, self._local.window  # one budget

    def __repr__(self) -> str:
        return (
            f"RedisLimiter(key={self.key!r}, capacity={self.capacity}, "
            f"window={self.window:.3f}s, store={self._store!r})"
        )

    def acquire(self) -> Slot:
        """Block the calling thread until a slot is taken; its id, or None for a local one."""
        store = self._store
        slot = _new_slot()
        while True:
            if store.local():
                return self._local.acquire()
            failure = None
            try:
                wait = store.try_acquire(self.key, self.capacity, self.window, slot)
            except store._errors as exc:
                failure = exc
            except BaseException:  # interrupted mid-call: the slot may be taken
                store.cancel(self.key, slot)
                raise
            if failure is not None:  # raised outside the handler: no redis error as context
                store.unavailable(failure)
                continue
            store.available()
            if wait is None:
                return slot
            time.sleep(wait)

    async def acquire_async(self) -> Slot:
        """Wait in the event loop until a slot is taken."""
        import asyncio

        store = self._store
        slot = _new_slot()
        while True:
            if store.local():
                return await self._local.acquire_async()
            failure = None
            try:
                wait = await store.try_acquire_async(self.key, self.capacity, self.window, slot)
            except store._errors as exc:
                failure = exc
            except BaseException:  # cancelled mid-call: the slot may be taken
                await store.cancel_async(self.key, slot)
                raise
            if failure is not None:
                store.unavailable(failure)
                continue
            store.available()
            if wait is None:
                return slot
            await asyncio.sleep(wait)

    def release(self, slot: Slot = None) -> None:
        """The answer arrived (or the request failed): the slot frees one window from now."""
        if slot is None:
            self._local.release()
        else:
            self._store.release(self.key, self.window, slot)

    async def release_async(self, slot: Slot = None) -> None:
        if slot is None:
            self._local.release()
        else:
            await self._store.release_async(self.key, self.window, slot)

    def cancel(self, slot: Slot = None) -> None:
        """Give back a slot no request used: it frees at once."""
        if slot is None:
            self._local.cancel()
        else:
            self._store.cancel(self.key, slot)

    async def cancel_async(self, slot: Slot = None) -> None:
        if slot is None:
            self._local.cancel()
        else:
            await self._store.cancel_async(self.key, slot)
