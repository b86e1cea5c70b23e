"""One log line per minute, not a thousand a second, when accept() runs out of descriptors.

When the process has no file descriptor left (EMFILE, ENFILE) — or the kernel no buffers
(ENOBUFS, ENOMEM) — a listening asyncio server cannot accept. asyncio's selector loop
(``BaseSelectorEventLoop._accept_connection``) reports it through the loop's exception handler,
which logs "socket.accept() out of system resource" at ERROR with a traceback on the
``"asyncio"`` logger, stops watching the socket and retries a second later. But it does not
leave its accept loop after the failure: it tries again up to ``backlog`` (100) times in the
same step, logging and scheduling a retry each time. The host program shows library log records
on its screen, so that was a hundred multi-line notices a second.

Nothing in that loop is ours to change, and stopping accepting ourselves would mean replacing
``loop.create_server``. So :func:`quiet_accept_errors` puts a filter on the ``"asyncio"``
logger that lets one such record through per interval, rewritten as one plain line, and drops
the rest. Accepting still resumes by itself once descriptors are free again (asyncio's retry);
the waiting-room cap in :func:`net.serving.serve` keeps silent connections from using the
descriptors up in the first place.
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections.abc import Callable
from typing import Final

__all__ = ["ACCEPT_FAILED", "AcceptErrorFilter", "quiet_accept_errors"]

#: The start of asyncio's message (asyncio/selector_events.py, Python 3.8 to 3.13).
ACCEPT_FAILED: Final = "socket.accept() out of system resource"

_installed = threading.Lock()


class AcceptErrorFilter(logging.Filter):
    """Passes one accept-failure record per ``interval`` seconds, as one line; drops the rest.

    Every other record passes untouched.
    """

    def __init__(self, interval: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        """Create the filter.

        Args:
            interval: Seconds between two records let through.
            clock: Monotonic seconds (injected by tests).
        """
        super().__init__()
        self.interval = interval
        self._clock = clock
        self._last: float | None = None
        self._dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        """Decide on one record (and rewrite it when it is the one let through).

        Args:
            record: Any record logged to the logger this filter is on.

        Returns:
            True to log it, False to drop it.
        """
        if not (isinstance(record.msg, str) and record.msg.startswith(ACCEPT_FAILED)):
            return True
        now = self._clock()
        if self._last is not None and now - self._last < self.interval:
            self._dropped += 1
            return False
        first = self._last is None
        self._last = now
        failure = _describe(record)
        if first:
            text = (
                f"cannot accept new connections: {failure} — they wait until a connection "
                f"closes (said at most once every {self.interval:g} s)"
            )
        else:
            text = (
                f"still cannot accept new connections at times: {failure} "
                f"({self._dropped} more failed attempts since the last message)"
            )
        self._dropped = 0
        # One line and no traceback: the host shows this to a person, on one notice line.
        record.msg, record.args = text, ()
        record.exc_info = record.exc_text = None
        return True


def _describe(record: logging.LogRecord) -> str:
    """The failure in words: "Too many open files (EMFILE)", from the record's exception."""
    exc = record.exc_info[1] if record.exc_info else None
    if isinstance(exc, OSError) and exc.errno is not None:
        name = errno.errorcode.get(exc.errno, str(exc.errno))
        return f"{exc.strerror or 'out of system resources'} ({name})"
    return "out of system resources"


def quiet_accept_errors() -> AcceptErrorFilter:
    """Install the filter on the ``"asyncio"`` logger, once per process.

    Returns:
        The installed filter (the same one on every call).
    """
    logger = logging.getLogger("asyncio")
    with _installed:
        for existing in logger.filters:
            if isinstance(existing, AcceptErrorFilter):
                return existing
        quiet = AcceptErrorFilter()
        logger.addFilter(quiet)
        return quiet
