"""One show for many connections, encoded once.

A table with fifty spectators sends every board and chat line fifty times. Encoding it fifty
times — JSON for each join, the rendered text for each person on ``nc`` — would cost more than
sending it. A :class:`Broadcast` holds the show and, made the first time a connection asks for
them, its bytes in each form: the framed frame (without ``show.seq``: spectators have no
catch-up, so every spectator gets the same frame, version 1 or 2 alike) and the text lines.
Each text connection applies its own telnet escaping when it writes them (doubling 0xFF, which
UTF-8 never holds: the same bytes go out, uncopied, to ``nc`` and ``telnet`` alike).

The host calls ``send_broadcast(broadcast)`` on each spectator's connection (framed
:class:`net.connection.Connection` and :class:`net.text_connection.TextConnection` alike).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from net.messages import Show, encode_message
from net.text_lines import encode_lines

__all__ = ["Broadcast"]


class Broadcast:
    """A show and its bytes for framed and text connections, each encoded at most once.

    Attributes:
        show: The show (its ``seq`` dropped: a broadcast is not part of a seat's numbering).
    """

    __slots__ = ("_framed", "_framed_limit", "_render", "_text", "show")

    def __init__(self, show: Show) -> None:
        """Hold *show* for sending to many connections.

        Args:
            show: What every receiver is shown.
        """
        self.show = show if show.seq is None else dataclasses.replace(show, seq=None)
        self._framed: bytes | None = None
        self._framed_limit = 0
        self._text: bytes | None = None
        self._render: Callable[[Show], str] | None = None

    def framed(self, max_frame: int) -> bytes:
        """The show as one frame (encoded on the first call).

        Args:
            max_frame: The receiving connection's frame limit.

        Raises:
            LocalProtocolError: The show does not fit in one frame.
        """
        if self._framed is None or self._framed_limit != max_frame:
            self._framed = encode_message(self.show, max_frame=max_frame)
            self._framed_limit = max_frame
        return self._framed

    def text(self, render: Callable[[Show], str]) -> bytes:
        """The show as CR LF lines for a person (rendered on the first call).

        Args:
            render: How the host program shows a show as text (``TextService.render``).
        """
        if self._text is None or self._render != render:
            self._text = encode_lines(render(self.show))
            self._render = render
        return self._text
