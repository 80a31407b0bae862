"""Loopback ports for the test servers.

A port of 0 lets the kernel choose from its ephemeral range (32768 and up on
Linux): the range bitstop's own outgoing connections draw from, so a server
there can take a port a large fleet needs. Test servers bind below it instead,
as bitsim does for --base-port 0.
"""

import errno
import random
import socket

LOW, HIGH = 10000, 32767


def bind_low(sock, addr="127.0.0.1"):
    """Bind sock to a free port in [LOW, HIGH] on addr; return the port."""
    span = HIGH - LOW + 1
    start = random.randrange(span)
    for i in range(span):
        port = LOW + (start + i) % span
        try:
            sock.bind((addr, port))
            return port
        except OSError as e:
            if e.errno not in (errno.EADDRINUSE, errno.EACCES):
                raise
    raise OSError(errno.EADDRINUSE, "no free port between %d and %d" % (LOW, HIGH))


def tcp_server(cls, handler, addr="127.0.0.1"):
    """A socketserver of class cls, listening on a free low port of addr."""
    srv = cls((addr, 0), handler, bind_and_activate=False)
    if getattr(srv, "allow_reuse_address", False):
        srv.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        bind_low(srv.socket, addr)
        srv.server_address = srv.socket.getsockname()
        srv.server_activate()
    except OSError:
        srv.server_close()
        raise
    return srv


def free_port(addr="127.0.0.1"):
    """A low port on addr where nothing listens (for 'connection refused')."""
    s = socket.socket()
    try:
        return bind_low(s, addr)
    finally:
        s.close()
