"""The recent chat a table keeps, so that a guest whose connection dropped can catch up.

Bounded by line count *and* by size. The size bound is what keeps a resume possible: the whole
catch-up (these lines, the board, a few notices) is sent to the guest at once, and the host
drops a peer with more than ``net.link.Limits.max_send_buffer`` (1 MiB) queued for it as "not
reading". A chat line may be up to ~64 KiB, so 100 of them (6 MiB) would get the resuming guest
dropped on every attempt over a slow link, until the game was abandoned. With at most
:data:`HISTORY_BYTES` of chat kept, a catch-up stays far below the send buffer (even if every
character needed a 6-byte JSON escape, 64 KiB of text is 384 KiB on the wire).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

HISTORY_LINES = 100  # chat lines kept for a guest's catch-up after a dropped connection
HISTORY_BYTES = 64 * 1024  # and at most this much of them (UTF-8 of authors and texts)


class ChatHistory:
    """The newest chat lines, at most ``max_lines`` of them and ``max_bytes`` in all."""

    def __init__(self, max_lines: int = HISTORY_LINES, max_bytes: int = HISTORY_BYTES) -> None:
        """An empty history.

        Args:
            max_lines: how many lines are kept at most (the newest).
            max_bytes: how many bytes (UTF-8 of author and text) the kept lines hold at most.
        """
        self.max_lines, self.max_bytes = max_lines, max_bytes
        self._lines: deque[tuple[str, str, int]] = deque()
        self._size = 0
        self._cut_for_size = False

    def __len__(self) -> int:
        return len(self._lines)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """The kept lines, oldest first, as (author, text)."""
        return ((author, text) for author, text, _ in self._lines)

    @property
    def size(self) -> int:
        """Bytes (UTF-8 of authors and texts) held now."""
        return self._size

    @property
    def cut_for_size(self) -> bool:
        """Whether fewer than ``max_lines`` lines are kept because older ones were too long."""
        return self._cut_for_size

    def add(self, author: str, text: str) -> None:
        """Keep one chat line, letting the oldest go to stay within both bounds (a line larger
        than ``max_bytes`` on its own is not kept at all)."""
        cost = len(author.encode("utf-8", "surrogatepass")) + len(
            text.encode("utf-8", "surrogatepass")
        )
        self._lines.append((author, text, cost))
        self._size += cost
        while self._size > self.max_bytes:
            self._size -= self._lines.popleft()[2]
            self._cut_for_size = True
        while len(self._lines) > self.max_lines:
            self._size -= self._lines.popleft()[2]
        if len(self._lines) == self.max_lines:
            self._cut_for_size = False  # the count alone decides what is shown

    def clear(self) -> None:
        """Forget everything (a new guest does not get the previous guest's conversation)."""
        self._lines.clear()
        self._size = 0
        self._cut_for_size = False
