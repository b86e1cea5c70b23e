"""Who may sit down: join codes, their rate limit, and seat tokens.

Pure logic — no sockets, no asyncio, no clock: the caller passes ``now`` (monotonic seconds)
and, where randomness is needed, may inject its source so tests are deterministic. Secrets are
compared with :func:`hmac.compare_digest` so the time a comparison takes says nothing about how
much of a guess was right.

Typical use on the host, inside ``on_connect``::

    verdict = gate.check(pending.peer[0], pending.hello.code, now=loop.time())
    if not verdict.ok:
        await pending.refuse(verdict.reason, verdict.code)
        return
    if pending.hello.token is not None:
        resumed = tokens.resume(pending.hello.token)     # (seat, new token) or None
        ...                                              # None -> refuse "bad-token"
        # the presented token stays valid until the new one is presented (welcome lost?)
    else:
        token = tokens.issue(seat)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Final, Generic, Protocol, TypeVar

from net.waiting import address_key

__all__ = [
    "ADMIT",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "JoinCodeGate",
    "SeatTokens",
    "Verdict",
    "format_code",
    "new_join_code",
    "normalize_code",
    "token_hash",
]

#: Upper-case letters and digits without the look-alikes 0/O, 1/I/L: easy to read aloud.
CODE_ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#: 31**8 ≈ 8.5e11 codes: guessing is hopeless by the code's length, not by locking everyone
#: out. One address (an IPv6 /64) may make 5 wrong guesses a minute, so a guesser with 1,000
#: addresses makes 5,000 a minute and needs about 160 years on average (8.5e7 minutes) to find
#: a code — while a person reads eight characters, as two groups of four, in a breath.
CODE_LENGTH: Final = 8
#: A token of 16 random bytes (128 bits) is unguessable; token_urlsafe gives 22 characters.
TOKEN_BYTES: Final = 16


class _RandRange(Protocol):
    def randrange(self, stop: int, /) -> int: ...


RandomSource = _RandRange | Callable[[int], int]
"""A ``random.Random``/``random.SystemRandom`` (its ``randrange`` is used), or a function
``f(n)`` returning a uniform integer in ``[0, n)`` such as :func:`secrets.randbelow`."""


def _below(source: RandomSource | None) -> Callable[[int], int]:
    if source is None:
        return secrets.randbelow
    if hasattr(source, "randrange"):
        return source.randrange
    assert callable(source)
    return source


def new_join_code(source: RandomSource | None = None, *, length: int = CODE_LENGTH) -> str:
    """Make a short random join code from :data:`CODE_ALPHABET`.

    Args:
        source: Where randomness comes from; None means :func:`secrets.randbelow` (use that, or
            ``random.SystemRandom()``, for real codes; a seeded ``random.Random`` in tests).
        length: How many characters.

    Returns:
        The code, e.g. ``"K7QX3M9P"`` (show it to people with :func:`format_code`).

    Raises:
        ValueError: ``length`` is not positive.
    """
    if length < 1:
        raise ValueError(f"a join code needs at least one character, not {length}")
    below = _below(source)
    return "".join(CODE_ALPHABET[below(len(CODE_ALPHABET))] for _ in range(length))


def normalize_code(text: str) -> str:
    """Put a typed code in canonical form: upper case, without spaces or dashes.

    Args:
        text: What the person typed, e.g. ``"k7q-x3m"``.

    Returns:
        ``"K7QX3M9P"``.
    """
    return "".join(text.split()).replace("-", "").upper()


def format_code(code: str) -> str:
    """Show a code in groups of four for reading aloud: ``"K7QX3M9P"`` → ``"K7QX-3M9P"``.

    Args:
        code: A code in any form :func:`normalize_code` accepts.

    Returns:
        The grouped form (the dash is ignored when the code is checked).
    """
    plain = normalize_code(code)
    return "-".join(plain[i : i + 4] for i in range(0, len(plain), 4))


#: Addresses whose wrong guesses are remembered at once; beyond, the one whose last guess is
#: oldest is forgotten (memory stays bounded whatever the number of addresses guessing).
MAX_TRACKED: Final = 4096


@dataclass(frozen=True)
class Verdict:
    """The outcome of an admission check.

    Attributes:
        ok: True to let the join in.
        code: When refused: the ``refuse.code`` to send (``bad-code`` or ``rate-limited``).
        reason: When refused: one sentence for the person.
        wait: When rate-limited: seconds until this address may try again.
    """

    ok: bool
    code: str | None = None
    reason: str = ""
    wait: float = 0.0


ADMIT: Final = Verdict(ok=True)


class JoinCodeGate:
    """Checks ``hello.code`` against the table's code, limiting failed attempts per address.

    After ``max_failures`` wrong codes within ``window`` seconds, an address — an IPv6 /64
    counting as one (:func:`net.waiting.address_key`) — is refused with ``rate-limited``, even
    with the right code, until the oldest of those failures is ``window`` seconds old. Nobody
    else is held back: no number of guessers locks out a person with the code (the code's
    length makes guessing hopeless, see :data:`CODE_LENGTH`). A success forgets that
    address's failures. At most :data:`MAX_TRACKED` addresses are remembered.
    """

    def __init__(self, code: str | None, *, max_failures: int = 5, window: float = 60.0) -> None:
        """Create a gate.

        Args:
            code: The table's code, or None when no code is needed (everyone passes).
            max_failures: Wrong codes allowed per address within ``window``.
            window: The rate-limit window, in seconds.

        Raises:
            ValueError: A limit is not positive, or ``code`` is empty once normalised.
        """
        if max_failures < 1 or not window > 0:
            raise ValueError("rate limits must be positive")
        self._code = None if code is None else normalize_code(code)
        if self._code == "":
            raise ValueError("a join code must not be empty")
        self._max = max_failures
        self._window = window
        # per address key, its recent failure times; the dict's order is that of last failure
        self._failures: dict[str, deque[float]] = {}

    @property
    def code(self) -> str | None:
        """The canonical code, or None when no code is required."""
        return self._code

    @property
    def tracked_addresses(self) -> int:
        """How many addresses currently have failures on record (bounded; for tests)."""
        return len(self._failures)

    def check(self, address: str, presented: str | None, now: float) -> Verdict:
        """Decide whether a join from *address* presenting *presented* may come in.

        Args:
            address: The peer's IP address (without the port, so reconnecting does not reset
                its record).
            presented: ``hello.code`` (None when the join gave none).
            now: The current monotonic time in seconds.

        Returns:
            :data:`ADMIT`, or a refusal with code ``bad-code`` or ``rate-limited``.
        """
        if self._code is None:
            return ADMIT
        key = address_key(address)
        mine = self._recent(key, now)
        if len(mine) >= self._max:
            wait = min(self._window, (mine[0] + self._window) - now)
            return Verdict(
                ok=False,
                code="rate-limited",
                reason=(
                    f"too many wrong join codes from your address — "
                    f"try again in {max(1, round(wait))} s"
                ),
                wait=wait,
            )
        given = normalize_code(presented) if isinstance(presented, str) else ""
        # compare_digest: the time taken does not depend on how many characters match.
        if hmac.compare_digest(given.encode("utf-8"), self._code.encode("utf-8")):
            self._failures.pop(key, None)
            return ADMIT
        mine.append(now)
        self._failures.pop(key, None)
        self._failures[key] = mine  # now the newest
        while len(self._failures) > MAX_TRACKED:
            del self._failures[next(iter(self._failures))]
        if not given:
            return Verdict(ok=False, code="bad-code", reason="this table needs a join code")
        return Verdict(ok=False, code="bad-code", reason="wrong join code")

    def _recent(self, key: str, now: float) -> deque[float]:
        """*key*'s failures still within the window (an arrival counts while
        now < at + window)."""
        mine = self._failures.get(key, deque())
        while mine and now >= mine[0] + self._window:
            mine.popleft()
        if not mine:
            self._failures.pop(key, None)
        return mine


K = TypeVar("K", bound=Hashable)


def token_hash(token: str) -> str:
    """The SHA-256 of *token* (UTF-8), in hex: what is kept and written down instead of it.

    Args:
        token: A seat token as sent in ``welcome.token``.

    Returns:
        64 lower-case hex digits.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _digest(hex_hash: str) -> bytes:
    try:
        digest = bytes.fromhex(hex_hash)
    except ValueError:
        digest = b""
    if len(digest) != hashlib.sha256().digest_size:
        raise ValueError(f"not a SHA-256 token hash: {hex_hash[:70]!r}")
    return digest


class SeatTokens(Generic[K]):
    """The secret tokens that prove a seat: issue, verify, rotate on resume, revoke.

    A seat is any hashable key the caller chooses (e.g. ``game.Seat.GUEST``). At most two
    tokens are valid for a seat at a time:

    * the *newest*, issued at the last :meth:`issue` or :meth:`resume`;
    * the *older* one, presented at the last resume. The welcome carrying the newest token may
      have been lost with the connection, and then the join still holds only this one; were it
      dead, the join would be locked out of its own seat.

    Presenting the newest proves it arrived, so the older one is retired (and the newest
    becomes the older as it rotates). Presenting the older one rotates again — a new newest is
    issued and the never-confirmed one dies — and the older stays valid. Anything else — a
    token two rotations back, a revoked seat's, another seat's — is refused.

    Only SHA-256 digests are kept (:func:`token_hash`): a dump of this object, or of a journal
    that records :meth:`hashes`, holds no usable token. :meth:`restore` puts a seat's tokens
    back from those hashes.
    """

    def __init__(self, source: Callable[[int], str] | None = None) -> None:
        """Create an empty token store.

        Args:
            source: ``f(nbytes) -> str`` making a random URL-safe token; None means
                :func:`secrets.token_urlsafe`. Inject a deterministic one in tests.
        """
        self._source = source or secrets.token_urlsafe
        # seat -> (digest of newest, digest of older or None)
        self._tokens: dict[K, tuple[bytes, bytes | None]] = {}

    def issue(self, seat: K) -> str:
        """Give *seat* a fresh token, revoking any earlier one (both newest and older).

        Args:
            seat: The seat key.

        Returns:
            The token to send in ``welcome.token``.
        """
        token = self._source(TOKEN_BYTES)
        self._tokens[seat] = (_digest(token_hash(token)), None)
        return token

    def hashes(self, seat: K) -> tuple[str, str | None] | None:
        """*seat*'s valid tokens as hex hashes ``(newest, older)``, or None when it has none."""
        held = self._tokens.get(seat)
        if held is None:
            return None
        newest, older = held
        return newest.hex(), None if older is None else older.hex()

    def restore(self, seat: K, newest: str, older: str | None = None) -> None:
        """Make *seat*'s valid tokens the ones hashed as *newest* and *older* (journal replay).

        Args:
            seat: The seat key.
            newest: The newest token's :func:`token_hash`.
            older: The older one's, or None.

        Raises:
            ValueError: A hash is not 64 hex digits.
        """
        self._tokens[seat] = (_digest(newest), None if older is None else _digest(older))

    def _find(self, token: str | None) -> tuple[K, bool] | None:
        """The seat *token* is valid for and whether it is the newest, in constant time.

        Every valid token of every seat is compared, whether or not an earlier one matched, so
        timing tells nothing about which seat (or how much of a token) was hit.
        """
        if not isinstance(token, str) or not token:
            return None
        presented = _digest(token_hash(token))
        found: tuple[K, bool] | None = None
        for seat, (newest, older) in self._tokens.items():
            is_newest = hmac.compare_digest(presented, newest)
            # Compare against a placeholder when there is no older token: same work either way.
            is_older = hmac.compare_digest(presented, newest if older is None else older)
            is_older = is_older and older is not None
            if (is_newest or is_older) and found is None:
                found = (seat, is_newest)
        return found

    def verify(self, token: str | None) -> K | None:
        """Find the seat for which *token* is valid (newest or older), in constant time.

        Args:
            token: ``hello.token`` as received (None or not a string never matches).

        Returns:
            The seat, or None when the token is unknown, stale or revoked.
        """
        found = self._find(token)
        return None if found is None else found[0]

    def resume(self, token: str | None) -> tuple[K, str] | None:
        """Verify *token* and rotate: a new newest token is returned (see the class docstring).

        The presented token stays valid as the older one until the new token is presented,
        so a join whose welcome is lost can still resume with what it holds.

        Args:
            token: ``hello.token`` as received.

        Returns:
            ``(seat, new_token)`` to send in the ``welcome`` (with ``resumed: true``), or None
            (refuse with ``bad-token``).
        """
        found = self._find(token)
        if found is None:
            return None
        seat, is_newest = found
        newest, older = self._tokens[seat]
        kept = newest if is_newest else older
        fresh = self._source(TOKEN_BYTES)
        self._tokens[seat] = (_digest(token_hash(fresh)), kept)
        return seat, fresh

    def revoke(self, seat: K) -> None:
        """Kill every token of *seat* (the seat was freed). Harmless if it has none.

        Args:
            seat: The seat key.
        """
        self._tokens.pop(seat, None)

    def __contains__(self, seat: object) -> bool:
        """True when *seat* has a valid token."""
        return seat in self._tokens
