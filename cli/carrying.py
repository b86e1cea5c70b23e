"""Carrying a served table's actions out on connections: the part the one-table host and the
lobby server share.

A seat keeper or a lobby decides *actions* (:mod:`game.seat_decisions`: send a show, one show
for many spectators, bye, fail); :class:`Carrier` holds the open connections by key and does
them, without waiting: a show is written at once, a bye is said in a task of its own. What a
program adds — answering a text client waiting for the host person, a show too long for one
frame — comes in as two callables.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Hashable, Sequence
from typing import Any, Generic, TypeVar

from cli.arrivals import Seated
from game.seat_decisions import Action, Fail, LetIn, SayBye, Send, SendAll, TurnAway
from net.broadcast import Broadcast
from net.connection import ConnectionClosed
from net.errors import RemoteProtocolError
from net.messages import Show

K = TypeVar("K", bound=Hashable)


class Carrier(Generic[K]):
    """The open connections by key, and the one way actions reach them."""

    def __init__(
        self,
        *,
        answer: Callable[[TurnAway[K] | LetIn[K]], None] | None = None,
        too_long: Callable[[K], None] | None = None,
        shown: Callable[[K, Show], Show] | None = None,
    ) -> None:
        """A carrier with no connection yet.

        Args:
            answer: Settles a connection waiting for the host person's answer (the host's
                ``/let`` and ``/deny``); None: such actions are ignored (nobody asks).
            too_long: Called with the key of a connection a show could not be sent to (more
                than one frame holds).
            shown: What a show becomes for a connection before it is sent (the lobby server
                leaves out ``show.seq`` for a join that cannot follow a new seat's numbering);
                None: sent as it is.
        """
        #: The connections welcomed and not yet closed, by key.
        self.connections: dict[K, Seated] = {}
        #: Tasks serving connections and saying goodbyes (waited for when the program stops).
        self.tasks: set[asyncio.Task[None]] = set()
        self._answer = answer
        self._too_long = too_long
        self._shown = shown

    def carry_out(self, actions: Sequence[Action[K]]) -> None:
        """Do *actions* in order; one for a connection not welcomed (or gone) is skipped: the
        keeper tells a connection being welcomed once its welcome is out."""
        for action in actions:
            if isinstance(action, TurnAway | LetIn):
                if self._answer is not None:
                    self._answer(action)
                continue
            if isinstance(action, SendAll):
                self.send_all(action)
                continue
            connection = self.connections.get(action.key)
            if connection is None:
                continue
            if isinstance(action, Send):
                self.send(action.key, action.show)
            elif isinstance(action, SayBye):
                self.connections.pop(action.key, None)
                self.spawn(close(connection, action.reason, action.code))
            elif isinstance(action, Fail):
                connection.fail(RemoteProtocolError(action.reason))

    def send_all(self, action: SendAll[K]) -> None:
        """One show for many spectators, encoded once (net.broadcast): one frame for every
        join, one text for every person on nc/telnet, however many watch. An ended connection
        is skipped (its reader sees the end); a show too long for a frame is dropped."""
        broadcast = Broadcast(action.show)
        for key in action.keys:
            connection = self.connections.get(key)
            if connection is not None:
                with contextlib.suppress(ConnectionClosed, ValueError):
                    connection.send_broadcast(broadcast)

    def send(self, key: K, show: Show) -> None:
        """Write *show* to *key*'s connection without waiting (nothing when it is gone)."""
        connection = self.connections.get(key)
        if connection is None:
            return
        if self._shown is not None:
            show = self._shown(key, show)
        try:
            connection.send_nowait(show)
        except ConnectionClosed:
            pass  # its receive side sees the end and reports it
        except ValueError:  # net's LocalProtocolError: more than one frame can hold
            if self._too_long is not None:
                self._too_long(key)

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run *work* as one of :attr:`tasks`."""
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def finish(self, timeout: float) -> None:
        """Wait up to *timeout* seconds for the tasks (goodbyes said, connections served to
        their end), then cancel what is left."""
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=timeout)
        for task in list(self.tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def close(connection: Seated, reason: str, code: str) -> None:
    """Say bye with *reason* and *code*, and close; a connection already over is fine."""
    with contextlib.suppress(ConnectionClosed, OSError):
        await connection.close(reason, code=code)
