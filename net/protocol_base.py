"""What both protocol objects share: framing, control frames, deadlines, and how a connection
ends — sans-IO, in the shape of h11 and wsproto.

No sockets, no asyncio, no clock reads: the caller passes ``now`` (monotonic seconds) in and
reads deadlines back as plain numbers::

    protocol.receive_data(chunk, now)          # b"" means the peer closed its side (EOF)
    while (event := protocol.next_event()) is not NEED_DATA:
        handle(event)
    write(protocol.data_to_send())             # pongs, pings, error and refuse frames
    wake_me_at(protocol.next_deadline())       # then protocol.handle_timeout(now)

Where a connection stands is two :class:`~net.protocol_state.State` values, ours and theirs
(:attr:`ProtocolBase.our_state`, :attr:`ProtocolBase.their_state`), moved only along
:data:`net.protocol_state.TRANSITIONS`; every rule below reads off them. The rules kept here,
for both sides (PROTOCOL.md §4, §6):

* ``ping`` is answered with ``pong`` at once; any frame is a sign of life.
* **Deadlines**: the handshake one (``hello_timeout``), the slow frame (a frame begun must be
  complete within ``frame_timeout`` — while we read), and once open the keep-alive (a ``ping``
  every ``ping_interval``, the peer dead after ``dead_after`` of silence).
* **Nothing is read after the first error**, nor after a ``bye``: the ending event is the last.
* **The ordered bye**: the peer's ``bye`` comes out after every event ahead of it.
* **Flow control**: a caller that stops feeding us (its queue is full) says so with
  :meth:`ProtocolBase.pause_reading`; the wait is then ours, and neither the slow-frame nor the
  silence deadline runs until :meth:`ProtocolBase.resume_reading`.
* **Our own pause is not their silence**: :meth:`ProtocolBase.handle_timeout` called more
  than half of ``dead_after`` after the deadline that was due means we were not running in
  between (the process was stopped, the loop stalled that long). Then every deadline of the
  peer's is measured again from ``now`` — the handshake, a frame in progress, the silence —
  nothing ends in that call, and an open connection sends a ``ping`` at once: the peer is
  asked before it can be cut.
"""

from __future__ import annotations

import collections
from typing import Any, Final

from net.codec import Decoder
from net.errors import LocalProtocolError, RemoteProtocolError, UnexpectedMessage
from net.limits import Limits
from net.messages import (
    BYE_CODES,
    Bye,
    Error,
    Message,
    Ping,
    Pong,
    Say,
    Show,
    encode_message,
    from_dict,
)
from net.protocol_events import (
    NEED_DATA,
    ConnectionLost,
    DeadlinePassed,
    Ending,
    Event,
    NeedData,
    PeerClosed,
    PeerFailed,
    PeerLeft,
    ProtocolFailed,
)
from net.protocol_state import Input, State, cannot_send, transition

__all__ = ["ProtocolBase"]

#: Frames this module handles itself, at any point of a connection.
_CONTROL: Final = frozenset({"ping", "pong", "bye", "error"})
#: The longest reason put in an ``error`` frame: the peer's own garbage may be quoted in it.
_MAX_ERROR_REASON: Final = 500

_HANDSHAKE: Final = State.HANDSHAKE
_LINES: Final = State.LINES
_PAUSED: Final = State.PAUSED
_BYE_SENT: Final = State.BYE_SENT
_CLOSED: Final = State.CLOSED


class ProtocolBase:
    """One connection's protocol state, without I/O; subclassed by each side.

    Attributes:
        limits: The deadlines and the frame size of this connection.
        ended: The ending event as soon as one is queued (before it is read), else None.
        version: The protocol version spoken (the join's; the host learns it from the hello).
    """

    #: The one kind of line this side sends once open (``Show`` for the host, ``Say`` for the
    #: join), and the one it receives.
    LINE: type[Say] | type[Show]
    LINE_IN: type[Say] | type[Show]

    def __init__(self, limits: Limits, now: float) -> None:
        """Start the protocol state of a connection opened at *now*.

        Args:
            limits: Deadlines and sizes (``hello_timeout`` counts from *now*).
            now: Monotonic seconds when the connection opened (or started connecting).
        """
        self.limits = limits
        self.ended: Ending | None = None
        self.version = 0
        #: Show kinds this connection's version lacks (set once the version is known): the
        #: host leaves them out, the join fails them.
        self._later_kinds: frozenset[str] = frozenset()
        self._decoder = Decoder(limits.max_frame)
        self._events: collections.deque[Event] = collections.deque()
        self._out: list[bytes] = []
        self._ours = _HANDSHAKE
        self._theirs = _HANDSHAKE
        # The numbers each state's deadlines are counted from; a state says which of them run.
        self._last_rx = now
        self._handshake_deadline = now + limits.hello_timeout
        self._frame_deadline: float | None = None  # a frame begun, while we read
        self._next_ping = now
        self._ping_id = 0

    # ------------------------------------------------------------------ the state

    @property
    def our_state(self) -> State:
        """What we may still send: ``HANDSHAKE``, ``DECIDING`` (the host, a hello to answer),
        ``LINES``, ``BYE_SENT`` or ``CLOSED`` (see :class:`~net.protocol_state.State`)."""
        return self._ours

    @property
    def their_state(self) -> State:
        """What we still read from the peer: ``HANDSHAKE``, ``LINES``, ``PAUSED`` (we stopped
        reading for now) or ``CLOSED`` (nothing more is read)."""
        return self._theirs

    def _move(self, event: Input) -> None:
        """Move along the transition table (LocalProtocolError for a move it does not have)."""
        self._ours, self._theirs = transition(self._ours, self._theirs, event)

    # ------------------------------------------------------------------ receiving

    def receive_data(self, data: bytes, now: float) -> None:
        """Take bytes from the peer; then read the events with :meth:`next_event`.

        Args:
            data: Any chunk of the stream; ``b""`` means the peer closed its sending side.
            now: Monotonic seconds.
        """
        if self._theirs is _CLOSED:
            return  # over: whatever follows the first error or the bye is never read
        self._last_rx = now
        if not data:
            self._end(PeerClosed() if self._ours is _BYE_SENT else ConnectionLost())
            return
        decoder = self._decoder
        completed = False
        line_class = self.LINE_IN
        receives = line_class.TYPE
        try:
            decoder.receive_data(data)
            while (obj := decoder.next_message()) is not None:
                completed = True
                kind = obj["type"]
                # The hot path: a line, while lines are read.
                if kind == receives and ((t := self._theirs) is _LINES or t is _PAUSED):
                    line = from_dict(obj)
                    if isinstance(line, line_class):
                        if self._later_kinds and isinstance(line, Show):
                            self._check_kind(line)
                        self._events.append(line)
                        continue
                if kind in _CONTROL:
                    self._control(obj)
                else:
                    self._receive(kind, obj, now)
                if self._reading_over():
                    return  # an ending, our own error or a refusal stops the reading
        except RemoteProtocolError as exc:
            self._fail(exc)
            return
        # Slowloris: once begun, a frame must finish within frame_timeout; each completed
        # frame restarts the clock for the one begun behind it.
        if decoder.in_frame and self._theirs is not _PAUSED:
            if completed or self._frame_deadline is None:
                self._frame_deadline = now + self.limits.frame_timeout
        else:
            self._frame_deadline = None

    def _check_kind(self, show: Show) -> None:
        """Fail a show of a kind this connection's version lacks (its peer broke the rule)."""
        if show.kind in self._later_kinds:
            raise UnexpectedMessage(
                f"a show of kind {show.kind!r} is not in protocol version {self.version}"
            )

    def _reading_over(self) -> bool:
        """Whether nothing more is read (a call: the frame just handled may have moved it)."""
        return self._theirs is _CLOSED

    def next_event(self) -> Event | NeedData:
        """Return the next event, in the order the peer sent it, or :data:`NEED_DATA`."""
        if self._events:
            return self._events.popleft()
        return NEED_DATA

    @property
    def frame_remaining(self) -> int:
        """Bytes still to come before the frame in progress is complete (0 between frames): a
        reader can size its next read to it."""
        return self._decoder.frame_remaining

    @property
    def pending_events(self) -> int:
        """How many events wait to be read (a caller bounds its reading by this)."""
        return len(self._events)

    def _receive(self, kind: str, obj: dict[str, Any], now: float) -> None:
        """Handle one frame that is not a control frame (the subclass's handshake and lines)."""
        raise NotImplementedError

    def _control(self, obj: dict[str, Any]) -> None:
        message = from_dict(obj)  # RemoteProtocolError: caught by receive_data
        if isinstance(message, Ping):
            if self._may_send():  # nothing may follow our bye
                self._out.append(encode_message(Pong(id=message.id)))
        elif isinstance(message, Bye):
            # A version 1 bye's reason is its code when it is one ("left", "replaced", …).
            code = message.code or (message.reason if message.reason in BYE_CODES else None)
            self._end(PeerLeft(message.reason, code))
        elif isinstance(message, Error):
            self._end(PeerFailed(message.reason))
        # Pong: receiving anything already proved the peer alive.

    def _unexpected(self, message: Message) -> None:
        """Fail for a message other than the one kind of line this side receives."""
        expected = self.LINE_IN.TYPE
        self._fail(UnexpectedMessage(f"expected {expected} messages, received {message.TYPE}"))

    # ------------------------------------------------------------------ sending

    def send(self, message: Message, *, now: float | None = None) -> bytes:
        """Return the frame for *message*, updating the state (the subclass checks the rest).

        Args:
            message: What to send.
            now: Monotonic seconds; only the host's ``welcome`` needs it (keep-alive counts
                from it). Ignored otherwise.

        Returns:
            The frame to write, as one bytes object.

        Raises:
            LocalProtocolError: Nothing may be sent now (after our bye or error), the message
                is not one this side sends at this point, or it does not fit in a frame. The
                message names our state.
        """
        ours = self._ours
        if ours is _LINES and type(message) is self.LINE:
            return self._send_line(message)  # the hot path
        if ours is _BYE_SENT or ours is _CLOSED:
            raise cannot_send(ours, message.TYPE)
        if isinstance(message, Bye):
            after = transition(ours, self._theirs, Input.BYE_OUT)
            if self.version < 2 and message.code is not None:
                message = Bye(reason=message.code)  # a version 1 peer reads the code as reason
            frame = encode_message(message, max_frame=self.limits.max_frame)
            # Nothing follows our bye (no ping); the silence deadline still runs.
            self._ours, self._theirs = after
            return frame
        if isinstance(message, Error):
            after = transition(ours, self._theirs, Input.ERROR_OUT)
            frame = encode_message(message, max_frame=self.limits.max_frame)
            self._ours, self._theirs = after  # and nothing more is read
            return frame
        return self._send(message, now)

    def _send(self, message: Message, now: float | None) -> bytes:
        """The subclass's half of :meth:`send`: the handshake answer (and lines sent early)."""
        raise NotImplementedError

    def _send_line(self, message: Message) -> bytes:
        """Frame one line of this side's :attr:`LINE` kind, the connection being open."""
        return encode_message(message, max_frame=self.limits.max_frame)

    def _wrong_send(self, message: Message) -> LocalProtocolError:
        return LocalProtocolError(
            f"this side sends {self.LINE.TYPE} messages, not {type(message).__name__}"
        )

    def _may_send(self) -> bool:
        """Whether a frame of our own (a pong, an error) may still go out."""
        ours = self._ours
        return ours is not _BYE_SENT and ours is not _CLOSED

    def data_to_send(self) -> bytes:
        """Return (and forget) the frames this object produced itself: pong, ping, error,
        refuse, and on the join side the hello."""
        if not self._out:
            return b""
        data = b"".join(self._out)
        self._out.clear()
        return data

    # ------------------------------------------------------------------ deadlines

    def _silence_counts(self) -> bool:
        """Whether the peer's silence is being counted: once open, while we read (and after
        our bye, until the peer closes)."""
        ours = self._ours
        return self._theirs is _LINES and (ours is _LINES or ours is _BYE_SENT)

    def next_deadline(self) -> float | None:
        """When :meth:`handle_timeout` should next be called, or None for never."""
        theirs = self._theirs
        if theirs is _CLOSED:
            return None
        best = self._handshake_deadline if theirs is _HANDSHAKE else None
        if theirs is not _PAUSED:
            frame = self._frame_deadline
            if frame is not None and (best is None or frame < best):
                best = frame
            if self._silence_counts():
                dead = self._last_rx + self.limits.dead_after
                if best is None or dead < best:
                    best = dead
        if self._ours is _LINES:  # pings: open, and we still read (theirs is not closed)
            ping = self._next_ping
            if best is None or ping < best:
                best = ping
        return best

    def handle_timeout(self, now: float) -> None:
        """Act on every deadline due at *now*: an ending event, and/or a ``ping`` to send.

        A *now* more than half of ``dead_after`` past the deadline that was due means we were
        not running meanwhile (see the module docstring): the peer's deadlines are then
        measured again from *now*, and nothing ends in this call.

        Args:
            now: Monotonic seconds (calling it early, or again, does nothing harmful).
        """
        theirs = self._theirs
        if theirs is _CLOSED:
            return
        self._notice_our_pause(now)
        if theirs is _HANDSHAKE and now >= self._handshake_deadline:
            self._handshake_timed_out()
            return
        if (
            theirs is not _PAUSED
            and self._frame_deadline is not None
            and now >= self._frame_deadline
            and self._decoder.in_frame
        ):
            reason = f"a frame was begun but not finished within {self.limits.frame_timeout:g} s"
            self._end(DeadlinePassed("frame", reason))
            self._send_error(reason)
            return
        if self._silence_counts() and now - self._last_rx >= self.limits.dead_after:
            # No error frame: a peer silent that long would not read it.
            self._end(
                DeadlinePassed("silence", f"nothing heard for {self.limits.dead_after:g} s"),
            )
            return
        if self._ours is _LINES and now >= self._next_ping:
            self._ping(now)

    def _ping(self, now: float) -> None:
        self._ping_id += 1
        self._out.append(encode_message(Ping(id=self._ping_id)))
        self._next_ping = now + self.limits.ping_interval

    def _notice_our_pause(self, now: float) -> None:
        """Measure the peer's deadlines again from *now* if we were not running until now.

        The caller wakes us at :meth:`next_deadline` at the latest; a *now* later than that by
        more than half of ``dead_after`` says it could not. What the peer did not do meanwhile
        is not the peer's doing: it may even have done it, in bytes still unread (a process
        continued after SIGSTOP runs its overdue timers before it reads its sockets).

        Why half of ``dead_after``: a pause can only make a peer that answers our pings look
        dead if it outlasts ``dead_after - ping_interval`` (20 s with the defaults: more than
        half), while a busy event loop stalls for far less — and a threshold as short as such
        stalls would count a dead peer's silence again and again while they went on.
        """
        due = self.next_deadline()
        if due is None or now - due <= self.limits.dead_after / 2:
            return
        limits = self.limits
        self._last_rx = now
        if self._theirs is _HANDSHAKE:
            self._handshake_deadline = now + limits.hello_timeout
        if self._frame_deadline is not None:
            self._frame_deadline = now + limits.frame_timeout
        if self._ours is _LINES:
            self._ping(now)  # the peer is asked at once, and has all of dead_after to answer

    def _handshake_timed_out(self) -> None:
        """The handshake deadline passed (the subclass says what that means)."""
        raise NotImplementedError

    def _open_now(self, now: float) -> None:
        """The handshake is done (the state just moved): keep-alive starts, counted from *now*."""
        self._last_rx = now
        self._next_ping = now + self.limits.ping_interval

    # ------------------------------------------------------------------ flow control

    def pause_reading(self) -> None:
        """The caller stops feeding us for now (its queue is full): the wait is not the peer's,
        so the slow-frame and silence deadlines stop.

        Raises:
            LocalProtocolError: Still in the handshake (only lines fill a queue).
        """
        self._move(Input.PAUSE)
        self._frame_deadline = None

    def resume_reading(self, now: float) -> None:
        """The caller reads again at *now*: a frame half in gets a fresh deadline, and the time
        we did not listen does not count as silence.

        Raises:
            LocalProtocolError: Reading was not paused.
        """
        self._move(Input.RESUME)
        if self._theirs is _LINES:
            self._last_rx = now
            if self._decoder.in_frame:
                self._frame_deadline = now + self.limits.frame_timeout

    # ------------------------------------------------------------------ ending

    def fail(self, error: RemoteProtocolError) -> None:
        """The peer broke a rule the caller checks itself (one a protocol object cannot know,
        like the order of ``say.seq``): queue an ``error`` frame and end.

        The events still unread came after the offending one, which the caller already has:
        they are dropped (nothing after the first error is read). A peer's ``bye`` still unread
        is overridden; any other ending stays as it was.

        Args:
            error: What the peer did wrong (its reason goes in the ``error`` frame).
        """
        ended = self.ended
        events = self._events
        unread_bye = isinstance(ended, PeerLeft) and bool(events) and events[-1] is ended
        if unread_bye:
            events.clear()
            self.ended = ProtocolFailed(error)
            events.append(self.ended)
            self._send_error(error.reason)
        elif ended is None:
            events.clear()
            self._fail(error)

    def _fail(self, error: RemoteProtocolError) -> None:
        self._end(ProtocolFailed(error))
        self._send_error(error.reason)

    def _send_error(self, reason: str) -> None:
        """Queue our ``error`` frame, if anything may still be sent (not after our bye)."""
        if self._may_send():
            self._out.append(encode_message(Error(reason=reason[:_MAX_ERROR_REASON])))
            self._move(Input.ERROR_OUT)

    def _end(self, event: Ending, via: Input = Input.PEER_ENDED) -> None:
        """Queue the ending *event* (the last one) and stop reading."""
        self._move(via)
        self.ended = event
        self._events.append(event)
