"""A vendor API on 127.0.0.1 for the connector demo and tests: documented shapes, served for real.

Each test registers routes (method, path) -> handler(request) that return the vendor's JSON
from fixtures written in its field names; the server checks the credential like the vendor does
(401 otherwise), can answer the next N calls to a path with scripted faults (429 with
``Retry-After``, a transient 500) and records every request so a test can assert what the
connector asked for (its cursor, its page size). Bounded: it serves until the test ends.

    with VendorServer(auth=bearer("sk_test_1")) as server:
        server.route("GET", "/v1/customers", lambda req: (200, {...}))
        server.fail_next("/v1/customers", 429, retry_after=1)
        ... point the source's base_url at server.url ...
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body or b"null")


Handler = Callable[[Request], tuple[int, Any]]
AuthCheck = Callable[[Request], bool]


def bearer(token: str) -> AuthCheck:
    return lambda req: req.headers.get("authorization") == f"Bearer {token}"


def basic(user: str, password: str = "") -> AuthCheck:
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    return lambda req: req.headers.get("authorization") == expected


def header(name: str, value: str) -> AuthCheck:
    return lambda req: req.headers.get(name.lower()) == value


@dataclass
class _Fault:
    status: int
    retry_after: int | None = None
    body: Any = None


@dataclass
class VendorServer:
    auth: AuthCheck | None = None
    port: int = 0  # 0: any free port (tests); the demo uses fixed ones from its sources file
    unauthorized_body: Any = field(default_factory=lambda: {"error": "unauthorized"})
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    faults: dict[str, list[_Fault]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method.upper(), path)] = handler

    def fail_next(
        self, path: str, status: int, retry_after: int | None = None, body: Any = None
    ) -> None:
        """The next call to ``path`` gets ``status`` (queued: call twice for two faults)."""
        self.faults.setdefault(path, []).append(_Fault(status, retry_after, body))

    def calls(self, path: str) -> list[Request]:
        """Requests that reached ``path`` and were answered by its route (not faults, not 401)."""
        return [r for r in self.requests if r.path == path and getattr(r, "served", False)]

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> VendorServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _answer(self, status: int, body: Any, headers: dict[str, str] | None = None):
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def _handle(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                server.requests.append(request)
                if server.auth and not server.auth(request):
                    return self._answer(401, server.unauthorized_body)
                queued = server.faults.get(request.path)
                if queued:
                    fault = queued.pop(0)
                    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                    body = fault.body if fault.body is not None else {"error": "scripted fault"}
                    return self._answer(fault.status, body, headers)
                handler = server.routes.get((request.method, request.path))
                if handler is None:
                    return self._answer(404, {"error": f"no route {request.method} {request.path}"})
                status, body = handler(request)
                request.served = True  # type: ignore[attr-defined]
                return self._answer(status, body)

            do_GET = do_POST = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
