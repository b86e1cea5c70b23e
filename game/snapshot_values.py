"""Reading a snapshot back: every value checked as the wire would check it.

A snapshot (the state of a served table, written into the host's journal so that the journal
need not keep every event since the table opened) is JSON read back from disk, so it is not
trusted: each part of the table reads its own values back through :class:`Fields`, which
refuses a value of the wrong type, a number out of range (the wire's :data:`MAX_INT` for
counters), a text longer than any event could carry or holding a lone surrogate, a name the
protocol refuses — with one :class:`SnapshotError` naming the value, never a crash later.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Final

from net.messages import MAX_INT, validate_name

__all__ = ["MAX_INT", "MAX_TEXT", "Fields", "SnapshotError"]

#: The longest text a snapshot holds: no event carries a longer one (the journal refuses a
#: record over a mebibyte, and the wire a frame over 64 KiB).
MAX_TEXT: Final = 1 << 20


class SnapshotError(ValueError):
    """A snapshot that cannot be restored; the message says which value and why."""


class Fields:
    """One JSON object of a snapshot, read value by value (each check names the value)."""

    def __init__(self, value: object, where: str) -> None:
        """Read *value*, which must be a JSON object, known as *where* in errors.

        Raises:
            SnapshotError: *value* is not an object.
        """
        if not isinstance(value, dict):
            raise SnapshotError(f"{where} must be an object")
        self._data: Mapping[str, Any] = value
        self.where = where

    def _fail(self, key: str, problem: str) -> SnapshotError:
        return SnapshotError(f"{self.where}.{key} {problem}")

    def raw(self, key: str) -> object:
        """The value of *key*, unchecked.

        Raises:
            SnapshotError: there is none.
        """
        if key not in self._data:
            raise self._fail(key, "is missing")
        return self._data[key]

    def has(self, key: str) -> bool:
        """Whether *key* is there and not null."""
        return self._data.get(key) is not None

    def whole(self, key: str, *, low: int = 0, high: int = MAX_INT) -> int:
        """The whole number at *key*, between *low* and *high* (the wire's bound by default).

        Raises:
            SnapshotError: missing, not a whole number (true is not 1), or out of range.
        """
        value = self.raw(key)
        if type(value) is not int:
            raise self._fail(key, "must be a whole number")
        if not low <= value <= high:
            raise self._fail(key, f"must be between {low} and {high}")
        return value

    def optional_whole(self, key: str, *, low: int = 0, high: int = MAX_INT) -> int | None:
        """Like :meth:`whole`, or None when the value is null or missing."""
        return self.whole(key, low=low, high=high) if self.has(key) else None

    def number(self, key: str) -> float:
        """The finite number at *key* (a time, a grace period).

        Raises:
            SnapshotError: missing, not a number, or not finite.
        """
        return _finite(self.raw(key), lambda problem: self._fail(key, problem))

    def numbers(self, key: str, *, limit: int) -> list[float]:
        """The list of at most *limit* finite numbers at *key*."""
        return [
            _finite(item, lambda problem: self._fail(key, f"item {problem}"))
            for item in self.items(key, limit=limit)
        ]

    def flag(self, key: str) -> bool:
        """The true or false at *key*."""
        value = self.raw(key)
        if type(value) is not bool:
            raise self._fail(key, "must be true or false")
        return value

    def text(self, key: str, *, limit: int = MAX_TEXT) -> str:
        """The text at *key*: at most *limit* characters, no lone surrogate."""
        return checked_text(self.raw(key), f"{self.where}.{key}", limit=limit)

    def optional_text(self, key: str, *, limit: int = MAX_TEXT) -> str | None:
        """Like :meth:`text`, or None when the value is null or missing."""
        return self.text(key, limit=limit) if self.has(key) else None

    def name(self, key: str) -> str:
        """The person's name at *key*, as the protocol accepts names."""
        value = self.raw(key)
        try:
            validate_name(f"{self.where}.{key}", value)
        except ValueError as exc:  # LocalProtocolError
            raise SnapshotError(str(exc)) from None
        assert isinstance(value, str)
        return value

    def optional_name(self, key: str) -> str | None:
        """Like :meth:`name`, or None when the value is null or missing."""
        return self.name(key) if self.has(key) else None

    def members(self) -> list[str]:
        """The keys of this object, in order."""
        return list(self._data)

    def names(self, key: str, *, limit: int) -> list[str]:
        """The list of at most *limit* names at *key*, each as the protocol accepts names."""
        where = f"{self.where}.{key}"
        return [Fields({"item": item}, where).name("item") for item in self.items(key, limit=limit)]

    def items(self, key: str, *, limit: int) -> list[Any]:
        """The list at *key*, of at most *limit* items (each still to be checked)."""
        value = self.raw(key)
        if not isinstance(value, list):
            raise self._fail(key, "must be a list")
        if len(value) > limit:
            raise self._fail(key, f"must hold at most {limit} items")
        return value

    def object(self, key: str) -> Fields:
        """The JSON object at *key*, to be read the same way."""
        return Fields(self.raw(key), f"{self.where}.{key}")

    def optional_object(self, key: str) -> Fields | None:
        """Like :meth:`object`, or None when the value is null or missing."""
        return self.object(key) if self.has(key) else None


def checked_text(value: object, where: str, *, limit: int = MAX_TEXT) -> str:
    """*value* as a text of at most *limit* characters, without a lone surrogate.

    Raises:
        SnapshotError: it is not such a text (the message names *where*).
    """
    if not isinstance(value, str):
        raise SnapshotError(f"{where} must be a string")
    if len(value) > limit:
        raise SnapshotError(f"{where} must be at most {limit} characters")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise SnapshotError(f"{where} contains a lone surrogate") from None
    return value


def _finite(value: object, fail: Callable[[str], SnapshotError]) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise fail("must be a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise fail("must be a finite number")
    return number
