"""A worker's HTTP/1.1 server: a thread for each connection, h11 for the protocol.

A query at /sparql, or a named query at /queries/{name}, is answered in its connection's own thread, from the request's bytes to the answer's,
with no event loop, no framework and no hop to another thread; pyoxigraph releases the GIL while it
evaluates, so the threads of a worker run their queries side by side. Partners at 100k triples, 8
connections, three interleaved rounds: under uvicorn and FastAPI (event loop, hop to a query thread,
middleware) a request cost the workers 4.4-4.9 ms of CPU for 318-442 req/s; answered here, 3.0-3.5 ms
for 552-653 req/s; Oxigraph's own server took 2.1-2.6 ms for 741-910 req/s.

Every other route is the FastAPI app, run on an asyncio loop in a thread of its own as any ASGI server
runs it; its answer is written whole, with its length.

A query's thread cannot be stopped (DESIGN.md §3), so at the time limit a watchdog thread answers the
request 503 on its behalf and the worker retires: it stops accepting, finishes the requests it holds,
closes its idle connections, and ends with the process, which ends the runaway query (api/server.py).
"""

import asyncio
import http
import logging
import signal
import socket
import threading
import time
from email.utils import formatdate
from urllib.parse import unquote

import h11
from fastapi import FastAPI

from api import sparql
from api.service import QueryService
from graph.settings import Settings

__all__ = ["WorkerServer"]

_LOG = logging.getLogger("innograph")
_ACCESS = logging.getLogger("innograph.access")
_KEEP_ALIVE_S = 5.0  # how long an idle connection is kept open for its next request
_READ_S = 30.0  # how long a request may take to arrive, once it has begun
_SEND_S = 300.0  # how long a client may take to read an answer
_TICK_S = 0.05  # how often the accepting thread and the watchdog look at what they watch
_IDLE_TICK_S = 0.2  # how often an idle connection looks whether the worker retires
_MAX_CONNECTIONS = 1000  # more wait in the listening socket's queue
_REASONS = {s.value: s.phrase for s in http.HTTPStatus}


class _Answered(Exception):
    """The watchdog answered for the connection's request, and owns its socket."""


class _Connection:
    """One client's connection: its h11 state, and the query a request on it runs."""

    def __init__(self, sock: socket.socket, peer: tuple[str, int], max_head: int) -> None:
        self.sock, self.peer = sock, peer
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=max_head)
        self.lock = threading.Lock()  # between its own thread and the watchdog, which may answer for it
        self.method = b"GET"  # the request being answered
        self.busy_since = 0.0  # when the query it runs started, 0 when it runs none
        self.answered = False  # by the watchdog

    def send(self, status: int, headers: dict[str, str], body: bytes, *, close: bool) -> None:
        """Write a response; the caller holds `lock`."""
        if self.answered:
            raise _Answered
        fields = [(k, v) for k, v in headers.items() if k.lower() not in ("content-length", "connection", "date")]
        fields += [("content-length", str(len(body))), ("date", _date())]
        if close:
            fields.append(("connection", "close"))
        data = self.h11.send(h11.Response(status_code=status, headers=fields, reason=_REASONS.get(status, ""))) or b""
        if body and self.method != b"HEAD":
            data += self.h11.send(h11.Data(data=body)) or b""
        self.sock.settimeout(_SEND_S)
        self.sock.sendall(data + (self.h11.send(h11.EndOfMessage()) or b""))

    def send_reply(self, reply: sparql.Reply, *, close: bool) -> None:
        headers = {**reply.headers, "content-type": reply.media_type} if reply.media_type else reply.headers
        self.send(reply.status, headers, reply.body, close=close)

    def shut(self) -> None:
        """End the connection at once, whatever is unread (the watchdog's last word to a runaway query's client)."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _fault() -> sparql.Reply:
    return sparql.Reply(500, b"Internal Server Error\n", "text/plain; charset=utf-8")


_date_cache: tuple[int, str] = (0, "")


def _date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]


class WorkerServer:
    """Serves one worker's app on the listening socket it shares with the other workers."""

    def __init__(self, app: FastAPI, settings: Settings) -> None:
        self.app, self.settings = app, settings
        self.should_exit = False  # set to retire: finish what is held, then return from `serve`
        self.max_head = 3 * settings.max_query_bytes + 16 * 1024  # a GET may carry a query of the greatest size
        self.max_body = 3 * settings.max_query_bytes + 64 * 1024
        self._loop = asyncio.new_event_loop()
        self._state: dict[str, object] = {}
        self._connections: set[_Connection] = set()
        self._lock = threading.Lock()
        self._room = threading.BoundedSemaphore(_MAX_CONNECTIONS)

    # -- the worker's life -----------------------------------------------------------------------

    def serve(self, sock: socket.socket) -> None:
        """Start the app, serve until SIGTERM or `should_exit`, then stop the app once its requests are done."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._stop)
        threading.Thread(target=self._loop.run_forever, name="app", daemon=True).start()
        lifespan = _Lifespan(self.app, self._state)
        asyncio.run_coroutine_threadsafe(lifespan.start(), self._loop).result()
        service: QueryService = self.app.state.service
        threading.Thread(target=self._watch, args=(service,), name="watchdog", daemon=True).start()
        sock.settimeout(_TICK_S)  # the listening socket is shared: another worker may take a connection first
        try:
            while not self.should_exit:
                if not self._room.acquire(timeout=_TICK_S):
                    continue
                try:
                    client, peer = sock.accept()
                except (TimeoutError, BlockingIOError, InterruptedError):
                    self._room.release()
                    continue
                connection = _Connection(client, peer, self.max_head)
                with self._lock:
                    self._connections.add(connection)
                threading.Thread(target=self._converse, args=(connection, service), daemon=True).start()
        finally:
            self._finish()
            asyncio.run_coroutine_threadsafe(lifespan.stop(), self._loop).result(timeout=10)

    def _stop(self, _signum: int, _frame: object) -> None:
        self.should_exit = True

    def _finish(self) -> None:
        """Wait, up to the time limit, for the connections to answer what they hold and close."""
        deadline = time.monotonic() + self.settings.query_timeout_s + 1
        while time.monotonic() < deadline:
            with self._lock:
                if not any(not c.answered for c in self._connections):
                    return
            time.sleep(_TICK_S)

    def _watch(self, service: QueryService) -> None:
        """Answer 503 for a query past the time limit, and retire the worker, which ends the query."""
        limit = self.settings.query_timeout_s
        while True:
            time.sleep(_TICK_S)
            now = time.monotonic()
            with self._lock:
                late = [c for c in self._connections if c.busy_since and now - c.busy_since > limit and not c.answered]
            for connection in late:
                with connection.lock:
                    if not connection.busy_since or connection.answered:  # it answered meanwhile
                        continue
                    try:
                        connection.send_reply(sparql.error_reply(service.stopped()), close=True)
                    except (OSError, h11.LocalProtocolError):
                        pass
                    connection.answered = True
                    connection.shut()

    # -- one connection ----------------------------------------------------------------------------

    def _converse(self, connection: _Connection, service: QueryService) -> None:
        try:
            while True:
                request = self._next_request(connection)
                if request is None:
                    return
                head, body = request
                started = time.monotonic()
                connection.method = head.method
                reply = self._answer(connection, head, body, service)
                close = self.should_exit
                with connection.lock:
                    connection.send_reply(reply, close=close)
                if self.settings.access_log:
                    _ACCESS.info('%s - "%s %s HTTP/%s" %d %.1f ms', connection.peer[0], head.method.decode(),
                                 head.target.decode("latin-1"), head.http_version.decode(), reply.status,
                                 1000 * (time.monotonic() - started))
                if close or connection.h11.our_state is h11.MUST_CLOSE:
                    return
                connection.h11.start_next_cycle()
        except (_Answered, OSError, h11.RemoteProtocolError):
            pass
        except h11.LocalProtocolError:
            _LOG.exception("an answer broke HTTP/1.1 and its connection was closed")
        finally:
            with self._lock:
                self._connections.discard(connection)
            if not connection.answered:  # else this is the runaway query's thread, and the socket the watchdog's
                connection.sock.close()
            self._room.release()

    def _next_request(self, connection: _Connection) -> tuple[h11.Request, bytes] | None:
        """The next request and its body; None when the client went away, or the worker is retiring."""
        conn = connection.h11
        head: h11.Request | None = None
        body = bytearray()
        while True:
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError as e:
                self._refuse(connection, e.error_status_hint, f"the request is not valid HTTP/1.1: {e}")
                return None
            if event is h11.NEED_DATA:
                data = self._receive(connection, waiting=head is None and conn.their_state is h11.IDLE)
                if data is None:
                    return None
                conn.receive_data(data)
            elif isinstance(event, h11.Request):
                head = event
                if conn.they_are_waiting_for_100_continue:
                    with connection.lock:
                        connection.sock.sendall(conn.send(h11.InformationalResponse(status_code=100, headers=[], reason=b"Continue")) or b"")
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > self.max_body:
                    self._refuse(connection, 413, f"the request body is over {self.max_body} bytes; send a shorter query")
                    return None
            elif isinstance(event, h11.EndOfMessage):
                assert head is not None
                return head, bytes(body)
            else:  # ConnectionClosed, or PAUSED after a request that may switch protocols
                return None

    def _receive(self, connection: _Connection, *, waiting: bool) -> bytes | None:
        """The next bytes from the client, or None once it is silent too long. A connection `waiting` for its
        next request is closed instead once the worker retires; a request already sent is answered first."""
        idle = 0.0
        connection.sock.settimeout(_IDLE_TICK_S if waiting else _READ_S)
        while True:
            try:
                return connection.sock.recv(65536)
            except TimeoutError:
                idle += _IDLE_TICK_S
                if not waiting or self.should_exit or idle >= _KEEP_ALIVE_S:
                    return None

    def _refuse(self, connection: _Connection, status: int, message: str) -> None:
        if connection.h11.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            try:
                with connection.lock:
                    connection.send(status, {"content-type": "text/plain; charset=utf-8"}, message.encode() + b"\n",
                                    close=True)
            except (_Answered, OSError, h11.LocalProtocolError):
                pass

    def _answer(self, connection: _Connection, head: h11.Request, body: bytes, service: QueryService) -> sparql.Reply:
        path, _, query_string = head.target.decode("latin-1").partition("?")
        method = head.method.decode("ascii")
        named = path.startswith("/queries/") and "/" not in path[9:] and len(path) > 9 and method == "GET"
        if not named and (path != "/sparql" or method not in ("GET", "POST")):
            return self._asgi(connection, head, path, query_string, body)
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in head.headers}
        host = headers.get("host") or "%s:%d" % connection.sock.getsockname()[:2]
        connection.busy_since = time.monotonic()
        try:
            if named:
                reply = sparql.named_answer(unquote(path[9:]), query_string, headers, f"http://{host}{path}", service)
            else:
                reply = sparql.answer(method, query_string, headers, body, f"http://{host}/sparql", service)
        except Exception:  # a fault of ours: the client is told, the connection lives on
            _LOG.exception("the answer to %s %s failed", method, path)
            reply = _fault()
        finally:
            with connection.lock:
                connection.busy_since = 0.0
        if "origin" in headers:  # as api/app.py's CORS middleware answers the app's routes
            reply.headers.update({"access-control-allow-origin": "*", "access-control-expose-headers": ", ".join(sparql.CORS_EXPOSED)})
        return reply

    def _asgi(self, connection: _Connection, head: h11.Request, path: str, query_string: str, body: bytes) -> sparql.Reply:
        """The app's answer, as any ASGI server would give it."""
        scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
                 "http_version": head.http_version.decode(), "method": head.method.decode(), "scheme": "http",
                 "path": unquote(path), "raw_path": path.encode("latin-1"), "query_string": query_string.encode("latin-1"),
                 "root_path": "", "headers": list(head.headers), "client": connection.peer,
                 "server": connection.sock.getsockname()[:2], "state": dict(self._state)}
        exchange = _Exchange(body)
        try:
            asyncio.run_coroutine_threadsafe(self.app(scope, exchange.receive, exchange.send), self._loop).result()
        except Exception:
            _LOG.exception("the app failed on %s %s", scope["method"], path)
            if not exchange.done:
                return _fault()
        finally:
            self._loop.call_soon_threadsafe(exchange.finished.set)
        assert exchange.status is not None
        return sparql.Reply(exchange.status, bytes(exchange.body), "", exchange.headers)


class _Exchange:
    """The ASGI side of one request: its body in, the app's answer out."""

    def __init__(self, body: bytes) -> None:
        self.request_body: bytes | None = body
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.body = bytearray()
        self.done = False
        self.finished = asyncio.Event()

    async def receive(self) -> dict[str, object]:
        if self.request_body is not None:
            body, self.request_body = self.request_body, None
            return {"type": "http.request", "body": body, "more_body": False}
        await self.finished.wait()  # the client is gone only once the answer has been written
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])  # type: ignore[call-overload]
            for name, value in message.get("headers", []):  # type: ignore[attr-defined]
                key, text = name.decode("latin-1"), value.decode("latin-1")
                # HTTP lets repeated fields be joined with commas
                self.headers[key] = f"{self.headers[key]}, {text}" if key in self.headers else text
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")  # type: ignore[operator]
            self.done = not message.get("more_body", False)


class _Lifespan:
    """The app's ASGI lifespan: started before the first request, stopped after the last."""

    def __init__(self, app: FastAPI, state: dict[str, object]) -> None:
        self.app, self.state = app, state
        self.events: asyncio.Queue[dict[str, str]] = asyncio.Queue()
        self.replies: asyncio.Queue[dict[str, str]] = asyncio.Queue()

    async def start(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        self.task = asyncio.get_running_loop().create_task(self.app(scope, self.events.get, self.replies.put))
        await self.events.put({"type": "lifespan.startup"})
        reply = await self.replies.get()
        if reply["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"the app did not start: {reply.get('message', reply['type'])}")

    async def stop(self) -> None:
        await self.events.put({"type": "lifespan.shutdown"})
        await self.replies.get()
