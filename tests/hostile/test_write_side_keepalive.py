"""A hostile server on a kept-alive connection: answers that carry bytes past their end (a
204 with a body, a Content-Length shorter than the body). Those bytes are then read as the
start of the next answer on that connection, another record's. The client must neither
lose that record nor show the earlier record's bytes in its error."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from amperity_facade import Amperity, errors
from tests.hostile.conftest import TENANT, TOKEN, fast

STREAM = "is-keepalive1"
Answer = Callable[[int, bytes], bytes]


class KeepAliveServer:
    """Reads requests one after another on each connection, answers each with `answer`
    (the request's number and body -> raw bytes), and keeps the connection open."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.bodies: list[bytes] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/api"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(buffer) < length:
                    buffer += conn.recv(65536)
                body, buffer = buffer[:length], buffer[length:]
                with self._lock:
                    self.bodies.append(body)
                    number = len(self.bodies)
                try:
                    conn.sendall(self.answer(number, body))
                except OSError:
                    return


def answer(status: int, body: bytes, length: int | None = None) -> bytes:
    size = len(body) if length is None else length
    head = f"HTTP/1.1 {status} X\r\nContent-Length: {size}\r\nX-Request-Id: r-1\r\n\r\n"
    return head.encode() + body


def echo_past_the_end(status: int) -> Answer:
    """`status` whose body runs past its declared end: a 204 (no body, by definition) with
    the record echoed, or a 202 whose Content-Length counts 2 bytes of the echo."""

    def reply(number: int, body: bytes) -> bytes:
        if status == 204:
            return answer(204, body)
        return answer(status, body, length=2)

    return reply


@pytest.fixture
def server_for() -> Iterator[Callable[[Answer], KeepAliveServer]]:
    servers: list[KeepAliveServer] = []

    def start(reply: Answer) -> KeepAliveServer:
        servers.append(KeepAliveServer(reply))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def client(server: KeepAliveServer, retries: int) -> Amperity:
    return Amperity(
        tenant=TENANT,
        token=TOKEN,
        base_url=server.base_url,
        max_retries=retries,
        retry_policy=fast(retries),
        streaming_rate_limit=None,
        realtime_rate_limit=None,
    )


def record(n: int) -> dict[str, str]:
    return {"email": f"person-{n}@example.com", "note": f"private note number {n}"}


@pytest.mark.parametrize("status", [202, 204])
def test_bytes_past_an_answer_cost_a_retry_not_a_record(
    server_for: Callable[[Answer], KeepAliveServer], status: int
) -> None:
    server = server_for(echo_past_the_end(status))
    with client(server, retries=3) as amperity:
        receipts = [amperity.streams.send(STREAM, record(n)) for n in range(6)]
    assert [r.status for r in receipts] == [status] * 6
    sent = {b for b in server.bodies}
    assert all(f"person-{n}@".encode() in b"".join(sent) for n in range(6))


@pytest.mark.parametrize("status", [202, 204])
def test_an_error_after_bytes_past_an_answer_shows_none_of_them(
    server_for: Callable[[Answer], KeepAliveServer], status: int
) -> None:
    server = server_for(echo_past_the_end(status))
    with client(server, retries=0) as amperity:
        amperity.streams.send(STREAM, record(1))
        with pytest.raises(errors.APIConnectionError) as caught:
            amperity.streams.send(STREAM, record(2))
    chain: list[BaseException] = []
    current: BaseException | None = caught.value
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    shown = "\n".join(f"{e!r} {e}" for e in chain)
    assert "person-1" not in shown and "private note" not in shown, shown
    assert "not valid HTTP" in str(caught.value)


def test_events_dropped_with_a_body_do_not_poison_the_next_event(
    server_for: Callable[[Answer], KeepAliveServer],
) -> None:
    server = server_for(echo_past_the_end(204))
    with client(server, retries=3) as amperity:
        outcomes = [amperity.realtime.send_event("esm-1", record(n)) for n in range(4)]
    assert outcomes == ["dropped"] * 4


def test_a_connection_closed_without_an_answer_says_so(
    server_for: Callable[[Answer], KeepAliveServer],
) -> None:
    """Only the messages that quote bytes lose them: this one says what happened."""

    def hang_up(number: int, body: bytes) -> bytes:
        raise OSError("read the request, then close without an answer")

    server = server_for(hang_up)
    with client(server, retries=0) as amperity, pytest.raises(errors.APIConnectionError) as caught:
        amperity.streams.send(STREAM, record(1))
    assert "without sending a response" in str(caught.value), str(caught.value)
