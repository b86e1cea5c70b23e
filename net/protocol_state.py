"""Where a framed connection stands: one enum, and every move it may make in one table.

Shaped like h11's ``_state.py``. A connection has two halves, each in one :class:`State`:

* **ours** — what we may still send: nothing but the handshake at first, then lines, then
  nothing after our ``bye`` or our ``error`` (or the host's ``refuse``);
* **theirs** — what we still read from the peer: its hello or answer, then lines, then nothing
  once its last frame is in (``bye``, ``error``, end of stream) or we stopped listening.

An :class:`Input` moves them as :data:`TRANSITIONS` says, and nothing else does. Each input
belongs to one half (:data:`OWNER`): a state of that half with no entry for it is a forbidden
move, and :func:`transition` raises :class:`~net.errors.LocalProtocolError` naming the state.
The other half moves only where the table says so (our ``error`` also ends our reading) and
otherwise stays.

Both sides use the one table: the host's inputs (``HELLO_IN``, ``WELCOME_OUT``, …) and the
join's (``WELCOME_IN``) never meet, and ``DECIDING`` is the host's alone. Every rule of the
protocol objects reads off the two states — which frames are read, which may be sent, which
deadlines run (:mod:`net.protocol_base`) — so no flag repeats what a state says.

The table, in short: each input with the half it belongs to first (a state of that half not
listed: forbidden), then the other half where it moves too (a state not listed: stays)::

    HELLO_IN       theirs  HANDSHAKE -> LINES
                   ours    HANDSHAKE -> DECIDING
    HELLO_REFUSED  theirs  HANDSHAKE -> CLOSED
                   ours    HANDSHAKE -> CLOSED
    WELCOME_OUT    ours    DECIDING -> LINES
    REFUSE_OUT     ours    DECIDING -> CLOSED
                   theirs  LINES, PAUSED -> CLOSED
    WELCOME_IN     theirs  HANDSHAKE -> LINES
                   ours    HANDSHAKE -> LINES
    BYE_OUT        ours    HANDSHAKE, DECIDING, LINES -> BYE_SENT
    ERROR_OUT      ours    HANDSHAKE, DECIDING, LINES -> CLOSED
                   theirs  HANDSHAKE, LINES, PAUSED -> CLOSED
    PEER_ENDED     theirs  HANDSHAKE, LINES, PAUSED -> CLOSED
    PAUSE          theirs  LINES, PAUSED -> PAUSED; CLOSED -> CLOSED
    RESUME         theirs  PAUSED -> LINES; CLOSED -> CLOSED

Nothing leaves ``BYE_SENT`` or ``CLOSED`` of ours, nor ``CLOSED`` of theirs: an end is final.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Final

from net.errors import LocalProtocolError

__all__ = [
    "OWNER",
    "TRANSITIONS",
    "Half",
    "Input",
    "State",
    "cannot_send",
    "not_now",
    "transition",
]


class State(enum.Enum):
    """Where one half of a connection stands (see the module docstring)."""

    HANDSHAKE = "handshake"
    """Ours: the host has no hello to answer yet, the join no welcome. Theirs: the peer's hello
    (host) or answer (join) is not in yet; the handshake deadline runs."""
    DECIDING = "deciding"
    """Ours, the host's only: the hello is in and the program has not answered it (no
    deadline: deciding takes what it takes)."""
    LINES = "lines"
    """Ours: lines may be sent, and keep-alive pings go out. Theirs: lines are read (the host
    reads the join's from its hello on; they wait for the welcome)."""
    PAUSED = "paused"
    """Theirs: lines may arrive, but the caller stopped reading for now (its queue is full):
    the wait is ours, so neither the slow-frame nor the silence deadline runs."""
    BYE_SENT = "bye sent"
    """Ours: our ``bye`` is out; nothing more is sent (not even a ``pong``), while we read on
    until the peer closes."""
    CLOSED = "closed"
    """Ours: nothing more may be sent (our ``error`` or the host's ``refuse`` is out). Theirs:
    nothing more is read (its last frame is in, or we stopped listening)."""


class Half(enum.Enum):
    """The two halves of a connection: what we send, what the peer sends."""

    OURS = "our side"
    THEIRS = "their side"


class Input(enum.Enum):
    """What moves a connection's state: a frame that goes or comes, or the caller's wish."""

    HELLO_IN = "a hello read"
    """Host: a valid hello of a version we speak."""
    HELLO_REFUSED = "a hello refused"
    """Host: net refused the hello itself (another version, a broken field)."""
    WELCOME_OUT = "a welcome sent"
    """Host: the program's answer, accepting."""
    REFUSE_OUT = "a refuse sent"
    """Host: the program's answer, refusing (the host then closes)."""
    WELCOME_IN = "a welcome read"
    """Join: the host's welcome."""
    BYE_OUT = "our bye"
    ERROR_OUT = "our error"
    """Our ``error`` frame: the peer broke the protocol, a deadline passed, or the caller's own
    rule was broken; nothing more is read either."""
    PEER_ENDED = "the peer's end"
    """The peer's ``bye``, ``error``, end of stream, or refusal; its silence past the limit, or
    no answer in time: nothing more is read."""
    PAUSE = "pause reading"
    RESUME = "resume reading"


_SENDING: Final = (State.HANDSHAKE, State.DECIDING, State.LINES)
_READING: Final = (State.HANDSHAKE, State.LINES, State.PAUSED)

#: Every move, by input: how it moves each half (a half it does not move is left out).
TRANSITIONS: Final[Mapping[Input, Mapping[Half, Mapping[State, State]]]] = {
    Input.HELLO_IN: {
        Half.THEIRS: {State.HANDSHAKE: State.LINES},
        Half.OURS: {State.HANDSHAKE: State.DECIDING},
    },
    Input.HELLO_REFUSED: {
        Half.THEIRS: {State.HANDSHAKE: State.CLOSED},
        Half.OURS: {State.HANDSHAKE: State.CLOSED},
    },
    Input.WELCOME_OUT: {Half.OURS: {State.DECIDING: State.LINES}},
    Input.REFUSE_OUT: {
        Half.OURS: {State.DECIDING: State.CLOSED},
        Half.THEIRS: {State.LINES: State.CLOSED, State.PAUSED: State.CLOSED},
    },
    Input.WELCOME_IN: {
        Half.THEIRS: {State.HANDSHAKE: State.LINES},
        Half.OURS: {State.HANDSHAKE: State.LINES},
    },
    Input.BYE_OUT: {Half.OURS: dict.fromkeys(_SENDING, State.BYE_SENT)},
    Input.ERROR_OUT: {
        Half.OURS: dict.fromkeys(_SENDING, State.CLOSED),
        Half.THEIRS: dict.fromkeys(_READING, State.CLOSED),
    },
    Input.PEER_ENDED: {Half.THEIRS: dict.fromkeys(_READING, State.CLOSED)},
    # A caller may stop reading when its queue fills (only lines fill it) and resume later;
    # once nothing is read, pausing and resuming change nothing.
    Input.PAUSE: {
        Half.THEIRS: {
            State.LINES: State.PAUSED,
            State.PAUSED: State.PAUSED,
            State.CLOSED: State.CLOSED,
        }
    },
    Input.RESUME: {Half.THEIRS: {State.PAUSED: State.LINES, State.CLOSED: State.CLOSED}},
}

#: The half each input belongs to: the one that must have a move for it.
OWNER: Final[Mapping[Input, Half]] = {
    Input.HELLO_IN: Half.THEIRS,
    Input.HELLO_REFUSED: Half.THEIRS,
    Input.WELCOME_OUT: Half.OURS,
    Input.REFUSE_OUT: Half.OURS,
    Input.WELCOME_IN: Half.THEIRS,
    Input.BYE_OUT: Half.OURS,
    Input.ERROR_OUT: Half.OURS,
    Input.PEER_ENDED: Half.THEIRS,
    Input.PAUSE: Half.THEIRS,
    Input.RESUME: Half.THEIRS,
}

#: Why a state of ours sends nothing more, for a person.
_NOTHING_AFTER: Final[Mapping[State, str]] = {
    State.BYE_SENT: "nothing may be sent after bye",
    State.CLOSED: "nothing may be sent after an error or a refusal",
}
_SENT: Final = (Input.WELCOME_OUT, Input.REFUSE_OUT, Input.BYE_OUT, Input.ERROR_OUT)

#: Why a move is forbidden, for a person, where a sentence says more than the input's name.
_WHY_NOT: Final[Mapping[tuple[Input, State], str]] = {
    **{(sent, state): why for sent in _SENT for state, why in _NOTHING_AFTER.items()},
    (Input.WELCOME_OUT, State.HANDSHAKE): "no hello to answer yet",
    (Input.REFUSE_OUT, State.HANDSHAKE): "no hello to answer yet",
    (Input.WELCOME_OUT, State.LINES): "welcome and refuse answer a hello, once",
    (Input.REFUSE_OUT, State.LINES): "welcome and refuse answer a hello, once",
    (Input.PAUSE, State.HANDSHAKE): "nothing to pause before the handshake is done",
    (Input.RESUME, State.HANDSHAKE): "reading was not paused",
    (Input.RESUME, State.LINES): "reading was not paused",
}


def not_now(half: Half, state: State, why: str) -> LocalProtocolError:
    """The error for something *half* cannot do in *state*: *why*, and the state named.

    Args:
        half: Whose state forbids it.
        state: That state.
        why: One sentence for a person ("a say may only be sent after the welcome").

    Returns:
        A :class:`~net.errors.LocalProtocolError`.
    """
    return LocalProtocolError(f"{why} ({half.value} is {state.value})")


def cannot_send(ours: State, kind: str) -> LocalProtocolError:
    """The error for sending a *kind* message when our half is in *ours* (which sends nothing
    more, or not that yet)."""
    return not_now(Half.OURS, ours, _NOTHING_AFTER.get(ours, f"a {kind} may not be sent now"))


def transition(ours: State, theirs: State, event: Input) -> tuple[State, State]:
    """The states after *event*, from *ours* and *theirs*.

    Args:
        ours: Our half's state.
        theirs: The peer's half's state.
        event: What happened.

    Returns:
        The new ``(ours, theirs)``.

    Raises:
        LocalProtocolError: The half *event* belongs to has no move for it in its state (the
            message says why, and names the state).
    """
    moves = TRANSITIONS[event]
    owner = OWNER[event]
    state = ours if owner is Half.OURS else theirs
    if state not in moves[owner]:
        raise not_now(owner, state, _WHY_NOT.get((event, state), f"{event.value} is not allowed"))
    ours = moves.get(Half.OURS, {}).get(ours, ours)
    theirs = moves.get(Half.THEIRS, {}).get(theirs, theirs)
    return ours, theirs
