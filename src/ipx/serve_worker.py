"""The app server's worker process (``ipx serve``): uvicorn's, listening on a socket of its own.

gunicorn opens one listening socket and every worker accepts from it. With clients that keep
their connections open (browsers, a load balancer, a load generator), the worker whose event
loop wakes first accepts nearly all the connections waiting, and a connection stays with the
worker that accepted it: measured with 16 connections on two workers, splits of 13 to 3 and 16
to 0 happen, and at 16 to 0 one core serves everything (half the requests per second). Here
each worker binds a socket of its own to the same address with ``SO_REUSEPORT``, so that the
kernel spreads new connections over the workers by a hash of their addresses, and the shared
socket stops listening. It stays bound, so the address stays ours for the workers gunicorn
starts later (``--reuse-port`` opens it so that the workers' sockets may join it)."""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from uvicorn_worker import UvicornWorker

from ipx.long_lived import freeze_after_start


def own_listener(shared: socket.socket, backlog: int) -> socket.socket | None:
    """A socket listening on ``shared``'s address beside it, or None where that cannot be (a
    Unix socket; ``shared`` opened without ``SO_REUSEPORT``)."""
    if shared.family not in (socket.AF_INET, socket.AF_INET6):
        return None
    own = socket.socket(shared.family, socket.SOCK_STREAM)
    try:
        own.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        own.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if shared.family == socket.AF_INET6:
            only_v6 = shared.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)
            own.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, only_v6)
        own.bind(shared.getsockname())
        own.listen(backlog)
    except OSError:
        own.close()
        return None
    own.setblocking(False)
    return own


def stop_listening(shared: socket.socket) -> None:
    """Stop the shared socket listening, for every process holding it (connections then go to
    the workers' own sockets); it keeps its address."""
    with contextlib.suppress(OSError):  # another worker stopped it already
        shared.shutdown(socket.SHUT_RD)


class SpreadingWorker(UvicornWorker):
    # gunicorn's listening sockets (its own wrappers of them), then this worker's.
    sockets: list[Any]

    def init_process(self) -> None:
        # After the fork, before uvicorn starts serving self.sockets.
        own = [own_listener(shared, self.cfg.backlog) for shared in self.sockets]
        if all(listener is not None for listener in own):
            for shared in self.sockets:
                stop_listening(shared)
            self.sockets = own
        else:
            # Keep the shared sockets (every worker then does, as each meets the same refusal).
            for listener in own:
                if listener is not None:
                    listener.close()
        super().init_process()

    def run(self) -> None:
        # The app has loaded (gunicorn's init_process loads it, then runs this).
        freeze_after_start()
        super().run()


def check_address_free(bind: str) -> None:
    """Refuse to start where another server listens on the address: with ``SO_REUSEPORT`` a
    second server's bind would succeed, and the two would share the connections unseen."""
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit() or host.startswith("unix"):
        return
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As gunicorn binds: connections of a server stopped a moment ago (TIME_WAIT) do not
        # count, a socket listening does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, int(port)))
        except OSError as exc:
            raise SystemExit(f"ipx serve: {bind} is in use ({exc.strerror}); is IPX already running?") from None
