"""The socket server: parse a request, let the Exchange answer it, write one buffer.

Each answer goes out in a single write with Nagle disabled, because a header write followed
by a body write on a keep-alive connection stalls on delayed ACKs (~40 ms per request), which
would make the throughput benchmark measure TCP rather than the client.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

from ._exchange import SERVER, Drop, Exchange, Reply, Wait, error_reply


class FakeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], exchange: Exchange) -> None:
        if ":" in address[0]:  # an IPv6 address such as ::1
            self.address_family = socket.AF_INET6
        self.exchange = exchange
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host name (a DNS lookup); a local fake needs none.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-answer (timeouts, drop tests) is routine, not worth a trace."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Keep-alive handler threads would otherwise keep serving after stop()."""
        with self.connections_lock:
            open_now = list(self.connections)
        for conn in open_now:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class Handler(BaseHTTPRequestHandler):
    """Reads a request off the socket, hands it to the Exchange, writes what comes back."""

    protocol_version = "HTTP/1.1"
    server_version = SERVER
    sys_version = ""
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and benchmarks would drown in one stderr line per request."""

    def do_GET(self) -> None:
        self.serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def parse_request(self) -> bool:
        """Any method reaches serve(), so TRACE or an invented one gets the API's 405 envelope
        with an Allow header instead of the standard library's 501 HTML page."""
        parsed = super().parse_request()
        if parsed and not hasattr(self, "do_" + self.command):
            setattr(self, "do_" + self.command, self.serve)
        return parsed

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's own refusals (bad request line, oversized headers) answer in
        the JSON error envelope too: every error the fake sends has one shape."""
        self.write(error_reply(code, message, getattr(self, "command", None) or "GET"))

    def serve(self) -> None:
        fake = cast(FakeHTTPServer, self.server)
        body = self.read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        outcome = fake.exchange.handle(self.command, self.path, headers, body)
        if isinstance(outcome, Wait):
            time.sleep(outcome.delay)
            outcome = outcome.resume()
        if isinstance(outcome, Drop):
            self.close_connection = True
            return
        self.write(outcome)

    def write(self, reply: Reply) -> None:
        """Head and body in one write (see the module docstring)."""
        if reply.close:
            self.close_connection = True
        lines = [
            f"HTTP/1.1 {reply.status} {reply.reason}",
            *(f"{name}: {value}" for name, value in reply.headers),
        ]
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + reply.body)

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            return b""
        return self.rfile.read(length) if length > 0 else b""

    def read_chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()
