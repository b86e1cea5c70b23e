"""The filter that turns asyncio's flood of failed-accept() records into one line a minute."""

from __future__ import annotations

import errno
import logging

from net.accept_log import ACCEPT_FAILED, AcceptErrorFilter, quiet_accept_errors


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def accept_failure(code: int = errno.EMFILE) -> logging.LogRecord:
    """A record as asyncio's default exception handler makes it for a failed accept()."""
    exc = OSError(code, "Too many open files")
    return logging.LogRecord(
        "asyncio",
        logging.ERROR,
        __file__,
        1,
        f"{ACCEPT_FAILED}\nsocket: <asyncio.TransportSocket fd=6, family=2, type=1, proto=6>",
        (),
        (OSError, exc, None),
    )


def test_one_record_per_interval_gets_through_as_one_plain_line() -> None:
    clock = FakeClock()
    quiet = AcceptErrorFilter(interval=60.0, clock=clock)
    records = [accept_failure() for _ in range(1000)]
    passed = []
    for i, record in enumerate(records):
        clock.now = i / 1000  # a thousand within the first second, as asyncio makes them
        if quiet.filter(record):
            passed.append(record)
    assert passed == [records[0]]
    first = passed[0].getMessage()
    assert "\n" not in first and passed[0].exc_info is None  # one line, no traceback
    assert "cannot accept new connections: Too many open files (EMFILE)" in first
    assert "at most once every 60 s" in first

    clock.now = 59.9
    assert not quiet.filter(accept_failure())
    clock.now = 60.5
    later = accept_failure(errno.ENFILE)
    assert quiet.filter(later)
    assert "still cannot accept" in later.getMessage()
    assert "(ENFILE)" in later.getMessage()
    assert "1000 more failed attempts" in later.getMessage()  # 999 + the one at 59.9 s


def test_other_records_pass_untouched() -> None:
    quiet = AcceptErrorFilter(clock=FakeClock())
    quiet.filter(accept_failure())  # the interval has begun; it must not swallow anything else
    other = logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "Task was destroyed", (), None)
    assert quiet.filter(other) and other.getMessage() == "Task was destroyed"
    odd = logging.LogRecord("asyncio", logging.ERROR, __file__, 1, ACCEPT_FAILED, (), None)
    assert AcceptErrorFilter(clock=FakeClock()).filter(odd)  # no exception attached: still said
    assert "out of system resources" in odd.getMessage()


def test_it_is_installed_once_on_the_asyncio_logger() -> None:
    logger = logging.getLogger("asyncio")
    first = quiet_accept_errors()
    assert quiet_accept_errors() is first
    assert [f for f in logger.filters if isinstance(f, AcceptErrorFilter)] == [first]
