"""A counting TCP proxy between one tool and the database server.

Used only for the (untimed) query-count runs: it sees exactly the statements the tool's process
sent, whatever else the shared server is doing, without server settings or log access.

* PostgreSQL: counts frontend messages 'Q' (simple query) and 'E' (extended-protocol Execute).
  An SSLRequest / GSSENCRequest is answered with 'N' so that the session stays in clear text.
* MySQL/MariaDB: counts command packets (sequence id 0) COM_QUERY (0x03) and COM_STMT_EXECUTE
  (0x17); COM_STMT_PREPARE (0x16) is counted separately.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections import Counter

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        _shutdown(src, dst)


def _shutdown(*socks: socket.socket) -> None:
    """Shuts both directions of each socket, ignoring sockets already closed."""
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class CountingProxy:
    def __init__(self, kind: str, host: str, port: int):
        assert kind in ("pg", "mysql")
        self.kind = kind
        self.upstream = (host, port)
        self.counts: Counter = Counter()
        self._lock = threading.Lock()
        self._srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._srv.bind(("127.0.0.1", 0))
        self._srv.listen(64)
        self.port = self._srv.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()

    def queries(self) -> int:
        with self._lock:
            if self.kind == "pg":
                return self.counts["Q"] + self.counts["E"]
            return self.counts["COM_QUERY"] + self.counts["COM_STMT_EXECUTE"]

    def detail(self) -> dict:
        with self._lock:
            return dict(self.counts)

    def close(self) -> None:
        self._stop = True
        self._srv.close()

    def _count(self, key: str) -> None:
        with self._lock:
            self.counts[key] += 1

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self._srv.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(client,), daemon=True).start()

    def _session(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream)
        except OSError:
            client.close()
            return
        for s in (client, server):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self.counts["connections"] += 1
        threading.Thread(target=_pipe, args=(server, client), daemon=True).start()
        try:
            if self.kind == "pg":
                self._pg(client, server)
            else:
                self._mysql(client, server)
        except (EOFError, OSError):
            pass
        finally:
            _shutdown(client, server)

    def _pg(self, client: socket.socket, server: socket.socket) -> None:
        while True:  # start-up phase: messages without a type byte
            head = _recv_exact(client, 8)
            length, code = struct.unpack("!ii", head)
            if code in (SSL_REQUEST, GSSENC_REQUEST) and length == 8:
                client.sendall(b"N")
                continue
            server.sendall(head + _recv_exact(client, length - 8))
            break
        while True:
            head = _recv_exact(client, 5)
            kind = chr(head[0])
            (length,) = struct.unpack("!i", head[1:])
            body = _recv_exact(client, length - 4)
            if kind in "QPE":
                self._count(kind)
            server.sendall(head + body)

    def _mysql(self, client: socket.socket, server: socket.socket) -> None:
        names = {0x03: "COM_QUERY", 0x16: "COM_STMT_PREPARE", 0x17: "COM_STMT_EXECUTE"}
        handshake_done = False
        while True:
            head = _recv_exact(client, 4)
            length = head[0] | (head[1] << 8) | (head[2] << 16)
            seq = head[3]
            body = _recv_exact(client, length)
            if handshake_done and seq == 0 and body:
                self._count(names.get(body[0], f"cmd_{body[0]:#x}"))
            if seq >= 1 and not handshake_done:
                # the client's handshake response (and auth switch replies) precede commands
                handshake_done = True
            server.sendall(head + body)
