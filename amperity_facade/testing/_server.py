"""The HTTP layer: parse, record, apply faults, answer, write one buffer.

Each answer goes out in a single write with Nagle disabled, because a header write followed
by a body write on a keep-alive connection stalls on delayed ACKs (~40 ms per request), which
would make the throughput benchmark measure TCP rather than the client.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qs

from ._errors import ApiError
from ._faults import ANSWER_KINDS, PAGE_KINDS, Fault, FaultBook
from ._hostile import mangle, rewrite_page
from ._log import RecordedRequest, RequestLog
from ._operations import Answer, Backend
from ._routes import resolve

JSON = "application/json"
HTML_PAGE = (
    "<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}"
    "</h1></center><hr><center>amperity-fake</center></body></html>"
)


class FakeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], backend: Backend, log: RequestLog, faults: FaultBook
    ) -> None:
        self.backend = backend
        self.log = log
        self.faults = faults
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
    protocol_version = "HTTP/1.1"
    server_version = "amperity-fake"
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
        self.close_connection = True
        request_id = "req-" + secrets.token_hex(8)
        reason = message or self.responses.get(code, ("error",))[0]
        payload = json.dumps(envelope(code, reason, request_id)).encode()
        self.send(code, payload, JSON, request_id, {})

    def serve(self) -> None:
        fake = cast(FakeHTTPServer, self.server)
        raw_path, _, raw_query = self.path.partition("?")
        body = self.read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        route = resolve(raw_path)
        entry = RecordedRequest(
            method=self.command,
            path=raw_path,
            query=parse_qs(raw_query, keep_blank_values=True),
            headers=headers,
            body=body,
            operation=route.methods.get(self.command) if route else None,
            status=0,
            at=time.monotonic(),
        )
        number = fake.log.record(entry)
        request_id = "req-" + secrets.token_hex(8)
        pending = fake.faults.take(entry.operation, number)
        fault = pending.fault if pending is not None else None
        if fault is not None and fault.kind == "slow":
            time.sleep(cast(float, fault.delay))
            fault = None
        if fault is not None and fault.kind in ANSWER_KINDS:
            self.send_fault(fault, entry, request_id)
            return
        backend = fake.backend
        extra: dict[str, str] = {}
        try:
            answer = backend.answer(self.command, route, headers, entry.query, body)
        except ApiError as error:
            answer = Answer(error.status, envelope(error.status, error.message, request_id))
            extra = error.headers
        if answer.status < 400:
            extra = backend.deprecation_headers(entry.operation)
        status, answer_body = answer.status, answer.body
        if pending is not None and fault is not None and fault.kind in PAGE_KINDS:
            if status == 200 and isinstance(answer_body, dict) and fake.faults.consume(pending):
                answer_body = rewrite_page(fault.kind, answer_body)
            fault = None
        payload = json.dumps(answer_body, separators=(",", ":")).encode()
        if fault is not None:
            status = 200
            payload, mangled = mangle(fault, payload)
            extra = {**extra, **mangled}
        entry.status = status
        self.send(status, payload, JSON, request_id, extra)

    def send_fault(self, fault: Fault, entry: RecordedRequest, request_id: str) -> None:
        if fault.kind == "drop":
            entry.status = 0
            self.close_connection = True
            return
        status = fault.answer_status
        entry.status = status
        extra = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        if fault.kind == "html":
            reason = self.responses.get(status, ("Error",))[0]
            page = HTML_PAGE.format(status=status, reason=reason).encode()
            self.send(status, page, "text/html; charset=utf-8", request_id, extra)
            return
        body = envelope(status, f"injected fault: status {status}", request_id)
        self.send(status, json.dumps(body).encode(), JSON, request_id, extra)

    def send(
        self, status: int, body: bytes, content_type: str, request_id: str, extra: dict[str, str]
    ) -> None:
        reason = self.responses.get(status, ("",))[0]
        lines = [
            f"HTTP/1.1 {status} {reason}",
            f"Server: {self.server_version}",
            f"Date: {self.date_time_string()}",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}",
            f"x-request-id: {request_id}",
            *(f"{name}: {value}" for name, value in extra.items()),
        ]
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head if self.command == "HEAD" else head + body)

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


def envelope(status: int, message: str, request_id: str) -> dict[str, Any]:
    return {
        "status": status,
        "message": message,
        "request_id": request_id,
        "trace_id": "tr-" + secrets.token_hex(8),
    }
