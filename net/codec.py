"""Sans-IO framed JSON: ``encode`` turns an object into one frame, ``Decoder`` turns bytes back.

A frame is a 4-byte unsigned big-endian length ``N`` followed by ``N`` bytes of UTF-8 JSON that
encode one object whose ``"type"`` is a non-empty string; ``1 <= N <= max_frame``.

This module never touches a socket, a clock or asyncio (see h11's ``receive_data`` /
``next_event``): it is fed bytes and hands back dicts, so it can be driven one byte at a time by
a test, by an asyncio protocol, or by a thread.

Decoder shape (h11 style, chosen so an error half-way through a chunk never loses the messages
that preceded it)::

    decoder.receive_data(chunk)
    while (message := decoder.next_message()) is not None:
        handle(message)

``feed(chunk) -> list`` wraps those two calls for code that does not care about that case.

Choices a peer in another language needs to know (also in PROTOCOL.md):

* Invalid UTF-8 is rejected, including UTF-8-encoded surrogates (``ED A0 80``). JSON ``\\uXXXX``
  escapes that leave a *lone* surrogate (``"\\ud800"``) are rejected too: such a string cannot be
  re-encoded as UTF-8, so it would blow up later in whoever displays or forwards it. Escaped
  surrogate *pairs* are fine.
* Depth counts every array/object, the outer object being depth 1; 32 is allowed, 33 is not.
* An integer literal may have at most 20 digits (the sign does not count). A float literal may be
  at most 64 characters long and must be finite (``1e999`` is rejected like ``Infinity``).
* Whitespace around the JSON value is allowed (RFC 8259); a byte-order mark is not.
"""

from __future__ import annotations

import copy
import json
import math
import re
import struct
from collections.abc import Callable, Mapping
from typing import Any, Final, NoReturn

from net.errors import (
    DuplicateKey,
    EmptyFrame,
    FrameTooLarge,
    InvalidJson,
    InvalidUtf8,
    LocalProtocolError,
    MissingType,
    NestingTooDeep,
    NonFiniteNumber,
    NotAnObject,
    NumberTooLong,
    RemoteProtocolError,
)

__all__ = [
    "DEFAULT_MAX_FRAME",
    "HEADER_SIZE",
    "MAX_DEPTH",
    "MAX_FLOAT_CHARS",
    "MAX_INT_DIGITS",
    "Decoder",
    "decode_body",
    "encode",
]

HEADER_SIZE: Final = 4
#: 64 KiB: a chat line or a board picture is a few hundred bytes; this leaves room for a
#: resume catch-up without letting one peer make us buffer megabytes.
DEFAULT_MAX_FRAME: Final = 65536
#: Deep enough for any message we define (they are depth 1), shallow enough that no parser —
#: ours or a recursive one in another language — can be driven into a stack overflow.
MAX_DEPTH: Final = 32
#: 20 digits hold any 64-bit integer, signed or not. CPython's own guard only starts at 4,300
#: digits, and int() of a long digit string is quadratic, so we check the length first.
MAX_INT_DIGITS: Final = 20
#: Generous for any real float; stops a 60 KB "0.000…1" from being parsed at all.
MAX_FLOAT_CHARS: Final = 64

_HEADER: Final = struct.Struct(">I")
_pack_header = _HEADER.pack
_unpack_header = _HEADER.unpack_from


# --- JSON hooks: each raises our typed error directly; the C scanner propagates it as is. ------


def _object_from_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(f"duplicate key {key!r} in a JSON object")
            seen.add(key)
    return obj


def _parse_int(literal: str) -> int:
    # Length first: never hand a long digit string to int() (quadratic, and 4,300-digit limit).
    if len(literal) > MAX_INT_DIGITS:
        digits = len(literal) - (literal[0] == "-")
        if digits > MAX_INT_DIGITS:
            raise NumberTooLong(f"integer of {digits} digits (at most {MAX_INT_DIGITS} allowed)")
    return int(literal)


def _parse_float(literal: str) -> float:
    if len(literal) > MAX_FLOAT_CHARS:
        raise NumberTooLong(
            f"number literal of {len(literal)} characters (at most {MAX_FLOAT_CHARS} allowed)"
        )
    value = float(literal)
    if not math.isfinite(value):
        raise NonFiniteNumber(f"number {literal} is out of range")
    return value


def _reject_constant(literal: str) -> NoReturn:
    raise NonFiniteNumber(f"{literal} is not allowed (JSON has no non-finite numbers)")


# Built once: json.loads/json.dumps with non-default options construct a new coder per call,
# which alone would cost a third of our budget against bare json.
#
# Two decoders. Duplicate keys can only be seen through object_pairs_hook, and a Python hook
# per object is the single largest cost of a decode. Every protocol message is a flat object,
# so for a body with exactly one "{" and no "[" (counts we take anyway for the depth gate) the
# hook is the C type `tuple`, and the one dict is built and checked inline. Anything nested
# goes through the Python hook, which checks every object.
_HOOKS: Final[dict[str, Any]] = {
    "parse_int": _parse_int,
    "parse_float": _parse_float,
    "parse_constant": _reject_constant,
}
_NESTED_DECODER: Final = json.JSONDecoder(object_pairs_hook=_object_from_pairs, **_HOOKS)
_FLAT_DECODER: Final = json.JSONDecoder(object_pairs_hook=tuple, **_HOOKS)
# scan_once is the C scanner itself: calling it directly skips decode()'s two whitespace regex
# matches (a third of the parse time for a chat line). decode() remains the slow path for
# surrounding whitespace and for producing a proper error message.
_ScanOnce = Callable[[str, int], tuple[Any, int]]
_scan_flat: _ScanOnce = _FLAT_DECODER.scan_once  # type: ignore[attr-defined]
_scan_nested: _ScanOnce = _NESTED_DECODER.scan_once  # type: ignore[attr-defined]
_decode_flat = _FLAT_DECODER.decode
_decode_nested = _NESTED_DECODER.decode
# ensure_ascii=False: smaller frames for non-ASCII text, and a str holding a lone surrogate then
# fails at .encode("utf-8") here, on our side, instead of reaching the peer as "\ud800".
_JSON_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _make_encode_json() -> Callable[[Any], str]:
    # JSONEncoder.encode builds a fresh C encoder (and a circular-reference dict) on every
    # call; building it once halves the cost of encoding a chat line. c_make_encoder is what
    # json itself uses; without the C accelerator we fall back to the public API. Without the
    # markers dict a cyclic object ends in RecursionError, which encode() reports.
    c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
    if c_make_encoder is None:  # pragma: no cover - CPython always has _json
        return _JSON_ENCODER.encode
    c_encoder = c_make_encoder(
        None,  # markers: no circular check (see above)
        _JSON_ENCODER.default,
        json.encoder.encode_basestring,  # ensure_ascii=False
        None,  # indent
        ":",
        ",",
        False,  # sort_keys
        False,  # skipkeys
        False,  # allow_nan
    )
    join = "".join

    def encode_json(obj: Any) -> str:
        return join(c_encoder(obj, 0))

    return encode_json


_encode_json: Final = _make_encode_json()

# Structural tokens for the depth pre-scan. A string literal is consumed whole (escapes
# included) so brackets inside strings do not count; an unterminated string matches the lone
# '"' alternative, after which nothing can parse, so the scan stops there.
_DEPTH_TOKENS: Final = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"|"|[\[{]|[\]}]', re.DOTALL)


def _check_depth(text: str) -> None:
    depth = 0
    for match in _DEPTH_TOKENS.finditer(text):
        token = match.group()
        first = token[0]
        if first == "[" or first == "{":  # noqa: PLR1714 - faster than a tuple lookup here
            depth += 1
            if depth > MAX_DEPTH:
                raise NestingTooDeep(f"JSON nests deeper than {MAX_DEPTH} levels")
        elif first == "]" or first == "}":  # noqa: PLR1714
            depth -= 1
        elif token == '"':
            return  # unterminated string: the JSON parser will reject it before going deeper


def decode_body(body: bytes | bytearray) -> dict[str, Any]:
    """Validate and parse one frame body.

    Args:
        body: The ``N`` bytes after a frame header.

    Returns:
        The JSON object, with a non-empty string ``"type"``.

    Raises:
        RemoteProtocolError: One of its typed subclasses (``InvalidUtf8``, ``InvalidJson``,
            ``NotAnObject``, ``MissingType``, ``DuplicateKey``, ``NonFiniteNumber``,
            ``NestingTooDeep``, ``NumberTooLong``) saying what is wrong.
    """
    try:
        # Strict UTF-8 also rejects encoded surrogates (json.loads(bytes) would not: it uses
        # 'surrogatepass' and even guesses UTF-16/32).
        text = body.decode()
    except UnicodeDecodeError as exc:
        raise InvalidUtf8(f"body is not valid UTF-8 (byte {exc.start})") from exc
    objects = text.count("{")
    arrays = text.count("[")
    try:
        if objects == 1 and arrays == 0:
            try:
                obj, end = _scan_flat(text, 0)
            except StopIteration:
                end = -1
            if end != len(text):
                obj = _decode_flat(text)
            if type(obj) is tuple:  # only an object becomes a tuple (arrays are lists)
                pairs = obj
                obj = dict(pairs)
                if len(obj) != len(pairs):
                    _object_from_pairs(list(pairs))  # raises DuplicateKey naming the key
        else:
            # Cheap gate: at most MAX_DEPTH opening brackets cannot nest deeper.
            if objects + arrays > MAX_DEPTH:
                _check_depth(text)
            try:
                obj, end = _scan_nested(text, 0)
            except StopIteration:
                end = -1
            if end != len(text):
                obj = _decode_nested(text)
    except json.JSONDecodeError as exc:
        raise InvalidJson(f"body is not JSON: {exc.msg} at character {exc.pos}") from exc
    except RecursionError as exc:  # backstop only: the pre-scan should have caught it
        raise NestingTooDeep(f"JSON nests deeper than {MAX_DEPTH} levels") from exc
    if type(obj) is not dict:
        raise NotAnObject(f"body is a JSON {_json_kind(obj)}, not an object")
    kind = obj.get("type")
    if type(kind) is not str or not kind:
        raise MissingType('object has no "type" that is a non-empty string')
    if "\\u" in text:
        # Only escapes can smuggle in a lone surrogate; re-encoding finds one if present.
        try:
            _encode_json(obj).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidUtf8("a JSON string escapes a lone surrogate (\\ud800-\\udfff)") from exc
    return obj


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return "number"


def encode(obj: Mapping[str, Any], *, max_frame: int = DEFAULT_MAX_FRAME) -> bytes:
    """Encode one object as a complete frame (header and body in one bytes object).

    Args:
        obj: A JSON-serialisable mapping with a non-empty string ``"type"``.
        max_frame: The largest body allowed, in bytes.

    Returns:
        ``header + body``, ready for a single write.

    Raises:
        LocalProtocolError: ``obj`` has no valid ``"type"``, is not serialisable (NaN, a lone
            surrogate, an unknown type, a cycle), or encodes to more than ``max_frame`` bytes.
    """
    kind = obj.get("type")
    if type(kind) is not str or not kind:
        raise LocalProtocolError('a message needs a "type" that is a non-empty string')
    try:
        body = _encode_json(obj).encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:  # UnicodeEncodeError: ValueError
        problem = "it contains itself" if isinstance(exc, RecursionError) else str(exc)
        raise LocalProtocolError(f"cannot encode {kind!r} message: {problem}") from exc
    size = len(body)
    if size > max_frame:
        raise LocalProtocolError(
            f"{kind!r} message is {size} bytes, over the {max_frame}-byte frame limit"
        )
    return _pack_header(size) + body


class Decoder:
    """Incremental frame decoder: bytes in, validated JSON objects out.

    Memory stays bounded by ``max_frame + 4`` as long as the caller drains ``next_message``
    after each ``receive_data`` (the length is checked from the header alone, before a body is
    waited for). After the first error every call raises that error again (sticky): a fresh
    copy of it each time, so its traceback does not grow with every call.
    """

    __slots__ = ("_buf", "_error", "_max_frame", "_pos")

    def __init__(self, max_frame: int = DEFAULT_MAX_FRAME) -> None:
        """Create a decoder.

        Args:
            max_frame: The largest body accepted, in bytes (1 to 2**32 - 1).

        Raises:
            ValueError: ``max_frame`` is out of range.
        """
        if not 1 <= max_frame <= 0xFFFFFFFF:
            raise ValueError(f"max_frame must be 1..{0xFFFFFFFF}, not {max_frame}")
        self._max_frame = max_frame
        # Unconsumed input is _buf[_pos:]. While nothing is pending, a new chunk is kept as the
        # caller's own bytes object (no copy): the common case is one chunk holding whole
        # frames. Only a partial frame followed by more input is copied into a bytearray.
        self._buf: bytes | bytearray = b""
        self._pos = 0
        self._error: RemoteProtocolError | None = None

    @property
    def max_frame(self) -> int:
        """The largest body accepted, in bytes."""
        return self._max_frame

    @property
    def in_frame(self) -> bool:
        """True when part of a frame (even one header byte) is buffered: a frame has begun."""
        return len(self._buf) > self._pos

    @property
    def buffered(self) -> int:
        """Bytes received but not yet returned as a message."""
        return len(self._buf) - self._pos

    @property
    def frame_remaining(self) -> int:
        """Bytes still to come before the frame in progress is complete; 0 between frames.

        Before its 4 header bytes are in, that is the rest of the header; after, the rest of
        the body the header declares (a reader can size its next read to it). Meaningful once
        :meth:`next_message` has returned None: a complete frame still buffered counts as 0.
        """
        have = len(self._buf) - self._pos
        if have == 0:
            return 0
        if have < HEADER_SIZE:
            return HEADER_SIZE - have
        size: int = _unpack_header(self._buf, self._pos)[0]
        return max(HEADER_SIZE + size - have, 0)

    @property
    def error(self) -> RemoteProtocolError | None:
        """The error that failed this decoder, or None while it is healthy."""
        return self._error

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        """Buffer bytes from the peer; call :meth:`next_message` until it returns None.

        Args:
            data: Any chunk of the stream (may be empty).

        Raises:
            RemoteProtocolError: The decoder already failed (a copy of that error again).
        """
        if self._error is not None:
            raise copy.copy(self._error)  # fresh: re-raising one object grows its traceback
        buf = self._buf
        if self._pos == len(buf):
            self._buf = data if type(data) is bytes else bytes(data)
            self._pos = 0
        elif type(buf) is bytearray:
            buf += data
        else:
            pending = bytearray(buf[self._pos :])
            pending += data
            self._buf = pending
            self._pos = 0

    def next_message(self) -> dict[str, Any] | None:
        """Return the next complete message, or None if more bytes are needed.

        Returns:
            A JSON object with a non-empty string ``"type"``, or None.

        Raises:
            RemoteProtocolError: A typed subclass naming the first problem in the stream; the
                decoder then stays failed.
        """
        if self._error is not None:
            raise copy.copy(self._error)  # fresh: re-raising one object grows its traceback
        buf = self._buf
        pos = self._pos
        have = len(buf)
        if have - pos < HEADER_SIZE:
            return None
        size = _unpack_header(buf, pos)[0]
        if size == 0 or size > self._max_frame:
            self._fail_header(size)
        end = pos + HEADER_SIZE + size
        if end > have:
            return None
        body = buf[pos + HEADER_SIZE : end]
        if end == have:
            self._buf = b""
            self._pos = 0
        elif end > 65536 and type(buf) is bytearray:
            # Compact once the consumed prefix is large: amortised O(1) per byte.
            del buf[:end]
            self._pos = 0
        else:
            self._pos = end
        try:
            return decode_body(body)
        except RemoteProtocolError as exc:
            self._fail(exc)

    def feed(self, data: bytes | bytearray | memoryview) -> list[dict[str, Any]]:
        """Buffer ``data`` and return every message it completes.

        Args:
            data: Any chunk of the stream.

        Returns:
            The complete messages, in order (possibly none).

        Raises:
            RemoteProtocolError: As :meth:`next_message`. Messages completed earlier in the same
                chunk are not returned; use ``receive_data``/``next_message`` if that matters.
        """
        self.receive_data(data)
        messages = []
        while (message := self.next_message()) is not None:
            messages.append(message)
        return messages

    def _fail_header(self, size: int) -> NoReturn:
        if size == 0:
            self._fail(EmptyFrame("frame announces an empty body (length 0)"))
        self._fail(
            FrameTooLarge(f"frame announces {size} bytes, over the {self._max_frame}-byte limit")
        )

    def _fail(self, exc: RemoteProtocolError) -> NoReturn:
        self._error = exc
        # Drop the buffer: nothing after an error will ever be parsed.
        self._buf = b""
        self._pos = 0
        raise exc
