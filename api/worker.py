"""A worker's HTTP/1.1 server: a thread for each connection, httptools (llhttp) to read requests.

A query at /sparql, or a named query at /queries/{name}, is answered in its connection's own thread, from the request's bytes to the answer's,
with no event loop, no framework and no hop to another thread; pyoxigraph releases the GIL while it
evaluates, so the threads of a worker run their queries side by side. Partners at 100k triples, 8
connections, three interleaved rounds: under uvicorn and FastAPI (event loop, hop to a query thread,
middleware) a request cost the workers 4.4-4.9 ms of CPU for 318-442 req/s; answered here, 3.0-3.5 ms
for 552-653 req/s; Oxigraph's own server took 2.1-2.6 ms for 741-910 req/s. Reading a request and
writing its answer's head took h11 41 us; httptools and a head written here take 2.5 us.

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
from collections import deque
from email.utils import formatdate
from urllib.parse import unquote

import httptools
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
_LINGER_S = 2.0  # how long a refused request's connection is read after its answer, before it is closed
_MAX_CONNECTIONS = 1000  # more wait in the listening socket's queue
_REASONS = {s.value: s.phrase for s in http.HTTPStatus}
_WRITTEN_HERE = {"content-length", "connection", "date", "transfer-encoding"}  # header fields `send` writes itself
_FRAMING = (b"content-length", b"transfer-encoding")  # the header fields that say where a request's body ends


class _Answered(Exception):
    """The watchdog answered for the connection's request, and owns its socket."""


class _Refused(Exception):
    """A request that cannot be read: its status and the reason, for the client."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class _BrokenAnswer(Exception):
    """An answer whose head cannot be written in HTTP/1.1 (a line break in a header value, say)."""


class _Request:
    """One request, read whole."""

    __slots__ = ("method", "target", "version", "headers", "body", "keep_alive")

    def __init__(self, method: str, target: str, version: str, headers: list[tuple[bytes, bytes]], body: bytes,
                 keep_alive: bool) -> None:
        self.method, self.target, self.version, self.headers = method, target, version, headers  # names in lower case
        self.body, self.keep_alive = body, keep_alive


class _Reader:
    """Reads a connection's requests with httptools (llhttp, the parser of Node.js), in the order they come.

    Its methods named on_* are the parser's callbacks. A request that is too large, or not HTTP/1.1, is
    `refused` once the requests before it are answered.
    """

    def __init__(self, max_head: int, max_body: int) -> None:
        self.parser = httptools.HttpRequestParser(self)
        self.max_head, self.max_body = max_head, max_body
        self.ready: deque[_Request] = deque()
        self.refused: _Refused | None = None
        self.reading = False  # a request has begun and not ended
        self.waiting_for_continue = False  # its client waits for 100 Continue before it sends the body
        self._in_head = False  # a request's head has begun and not ended
        self._head_bytes = 0  # bytes read while that head is unfinished: a bound on its size
        self._declined: _Request | None = None  # a request that offered another protocol, its body still to read
        self._url, self._headers, self._body = b"", [], bytearray()

    def feed(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
            if self._in_head:  # llhttp holds an unfinished header line whole: bound it
                self._head_bytes += len(data)
                if self._head_bytes > self.max_head:
                    self.refused = _Refused(431, f"the request's head is over {self.max_head} bytes; "
                                                 "send a long query in a POST body")
        except httptools.HttpParserUpgrade as upgrade:
            self._decline(data[upgrade.args[0]:])
        except httptools.HttpParserCallbackError as e:
            if not isinstance(e.__context__, _Refused):
                raise
            self.refused = e.__context__
        except httptools.HttpParserError as e:
            self.refused = _Refused(400, f"the request is not valid HTTP/1.1: {e}")

    def _decline(self, rest: bytes) -> None:
        """A request offered another protocol (`Upgrade: h2c`, as Apache Jena's client does): it is answered in
        HTTP/1.1, which declines the offer, and its body follows as its framing says. llhttp stops at the
        request's head, so a new parser reads on from a head that repeats only the framing (uvicorn's httptools
        server loses the body here, DESIGN.md §3)."""
        self._declined = self.ready.pop()  # llhttp ends the request at its head
        framing = b"".join(b"%s: %s\r\n" % (n, v) for n, v in self._declined.headers if n in _FRAMING)
        self.parser = httptools.HttpRequestParser(self)
        self.feed(b"POST / HTTP/1.1\r\n" + framing + b"\r\n" + rest)

    def on_message_begin(self) -> None:
        self.reading = self._in_head = True
        self._url, self._headers, self._body = b"", [], bytearray()

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes = False, 0
        request = self._declined
        headers = request.headers if request is not None else self._headers
        version = request.version if request is not None else self.parser.get_http_version()
        if version == "1.1" and not any(name == b"host" for name, _ in headers):
            raise _Refused(400, "the request is not valid HTTP/1.1: it has no Host header")
        self.waiting_for_continue = version == "1.1" and (b"expect", b"100-continue") in (
            (name, value.lower()) for name, value in headers)

    def on_body(self, body: bytes) -> None:
        self._body += body
        if len(self._body) > self.max_body:
            raise _Refused(413, f"the request body is over {self.max_body} bytes; send a shorter query")

    def on_message_complete(self) -> None:
        parser, declined = self.parser, self._declined
        if declined is not None:
            self._declined = None
            declined.body, declined.keep_alive = bytes(self._body), declined.keep_alive and parser.should_keep_alive()
            self.ready.append(declined)
        else:
            self.ready.append(_Request(parser.get_method().decode("latin-1"), self._url.decode("latin-1"),
                                       parser.get_http_version(), self._headers, bytes(self._body),
                                       parser.should_keep_alive()))
        self.reading = self.waiting_for_continue = False


class _Connection:
    """One client's connection: its reader, and the query a request on it runs."""

    def __init__(self, sock: socket.socket, peer: tuple[str, int], reader: _Reader) -> None:
        self.sock, self.peer, self.reader = sock, peer, reader
        self.lock = threading.Lock()  # between its own thread and the watchdog, which may answer for it
        self.method = "GET"  # the request being answered
        self.version = "1.1"  # its HTTP version
        self.busy_since = 0.0  # when the query it runs started, 0 when it runs none
        self.answered = False  # by the watchdog

    def send(self, status: int, headers: dict[str, str], body: bytes, *, close: bool) -> None:
        """Write a response; the caller holds `lock`.

        Raises _BrokenAnswer for a header that HTTP/1.1 cannot carry.
        """
        if self.answered:
            raise _Answered
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, '')}"]
        lines += [f"{name}: {value}" for name, value in headers.items() if name.lower() not in _WRITTEN_HERE]
        if status != 204:
            lines.append(f"content-length: {len(body)}")
        lines.append(f"date: {_date()}")
        if close:
            lines.append("connection: close")
        elif self.version == "1.0":  # an HTTP/1.0 client that asked to keep the connection is told it is kept
            lines.append("connection: keep-alive")
        text = "\r\n".join(lines) + "\r\n\r\n"
        if text.count("\n") != len(lines) + 1 or text.count("\r") != len(lines) + 1 or "\0" in text:
            raise _BrokenAnswer(f"a header of a {status} answer holds a line break or NUL: {headers}")
        try:
            data = text.encode("latin-1")
        except UnicodeEncodeError as e:
            raise _BrokenAnswer(f"a header of a {status} answer is not Latin-1: {headers}") from e
        if body and self.method != "HEAD" and status not in (204, 304):
            data += body
        self.sock.settimeout(_SEND_S)
        self.sock.sendall(data)

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
                connection = _Connection(client, peer, _Reader(self.max_head, self.max_body))
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
                    except OSError:
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
                started = time.monotonic()
                connection.method, connection.version = request.method, request.version
                reply = self._answer(connection, request, service)
                close = self.should_exit or not request.keep_alive
                with connection.lock:
                    connection.send_reply(reply, close=close)
                if self.settings.access_log:
                    _ACCESS.info('%s - "%s %s HTTP/%s" %d %.1f ms', connection.peer[0], request.method, request.target,
                                 request.version, reply.status, 1000 * (time.monotonic() - started))
                if close:
                    return
        except (_Answered, OSError):
            pass
        except _BrokenAnswer:
            _LOG.exception("an answer broke HTTP/1.1 and its connection was closed")
        finally:
            with self._lock:
                self._connections.discard(connection)
            if not connection.answered:  # else this is the runaway query's thread, and the socket the watchdog's
                connection.sock.close()
            self._room.release()

    def _next_request(self, connection: _Connection) -> _Request | None:
        """The next request; None when the client went away or sent one that cannot be read (it is told
        why), or the worker is retiring."""
        reader = connection.reader
        while not reader.ready:
            if reader.refused is not None:
                self._refuse(connection, reader.refused.status, str(reader.refused))
                return None
            if reader.waiting_for_continue:
                reader.waiting_for_continue = False
                with connection.lock:
                    connection.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            data = self._receive(connection, waiting=not reader.reading)
            if not data:  # silent too long, or closed
                return None
            reader.feed(data)
        return reader.ready.popleft()

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
        """Tell the client why its request cannot be read, then close; what it still sends is read and dropped
        for a while first, since closing over unread bytes resets the connection, and the client may lose the
        answer with it."""
        try:
            with connection.lock:
                connection.send(status, {"content-type": "text/plain; charset=utf-8"}, message.encode() + b"\n", close=True)
            connection.sock.shutdown(socket.SHUT_WR)
            connection.sock.settimeout(_LINGER_S)
            deadline = time.monotonic() + _LINGER_S
            while connection.sock.recv(65536) and time.monotonic() < deadline:
                pass
        except (_Answered, OSError):
            pass

    def _answer(self, connection: _Connection, request: _Request, service: QueryService) -> sparql.Reply:
        path, _, query_string = request.target.partition("?")
        method, body = request.method, request.body
        named = path.startswith("/queries/") and "/" not in path[9:] and len(path) > 9 and method == "GET"
        if not named and (path != "/sparql" or method not in ("GET", "POST")):
            return self._asgi(connection, request, path, query_string)
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in request.headers}
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

    def _asgi(self, connection: _Connection, request: _Request, path: str, query_string: str) -> sparql.Reply:
        """The app's answer, as any ASGI server would give it."""
        scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
                 # HEAD is answered as GET is, without the body (`send` leaves it out), as HTTP asks of every GET route
                 "http_version": request.version, "method": "GET" if request.method == "HEAD" else request.method, "scheme": "http",
                 "path": unquote(path), "raw_path": path.encode("latin-1"), "query_string": query_string.encode("latin-1"),
                 "root_path": "", "headers": request.headers, "client": connection.peer,
                 "server": connection.sock.getsockname()[:2], "state": dict(self._state)}
        exchange = _Exchange(request.body)
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
