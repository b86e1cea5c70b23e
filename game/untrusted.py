"""Handling text typed by people: how a line is read, names to seat, and user text embedded in
table messages.

Everything here comes from the other end of a network connection, so it is untrusted:

* a line can hide what it is behind characters that draw nothing — a zero-width space or a
  byte-order mark before ``/game hangman SECRET`` must not turn the command into chat that
  carries the secret. :func:`classified_text` is the one view of a line used to decide what it
  is (command, move, chat), by the table and by both programs (``game.commands.is_quit``);
* a name could try to move the cursor, reverse the text direction, forge a line that looks like
  a table notice or a chat line (``alice> I resign <x``), or impersonate a seated person with a
  look-alike (``ａｌｉｃｅ``, Cyrillic ``аlice``, ``alice`` + a variation selector).
  :func:`clean_name` removes all of that;
* anything else a person typed that the table repeats inside a NOTICE/ERROR/RESULT goes through
  :func:`quote`, which keeps it on one line with every invisible character shown as an escape.

Look-alike names are *renamed*, not refused: a name whose :func:`skeleton` equals a seated
name's is treated as taken and gets a visibly different name (``alice-2``), exactly as an equal
name does — refusing would leave the join with nothing to do but pick another name by hand.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection

MAX_NAME = 32
# Control, format (bidi overrides, zero-width joiners), surrogate, private-use, unassigned, and
# line/paragraph separators: none of them belongs in a name shown to someone else.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Characters that draw nothing but are not in category Cf: the rest of Unicode's
# Default_Ignorable_Code_Point set (combining grapheme joiner, Hangul and Khmer fillers,
# Mongolian and other variation selectors, reserved ignorables up to U+E0FFF), which Python's
# unicodedata cannot query, plus the braille blank U+2800, which renders as an empty cell.
# A line or a name is read as if they were not there.
_DRAWS_NOTHING = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2065\u2800\u3164"
    "\ufe00-\ufe0f\uffa0\ufff0-\ufff8\U000e0000-\U000e0fff]"
)
# "<" and ">" frame a chat line's author ("<alice> hi"): a name holding one could forge a line.
_NAME_FORBIDDEN = frozenset("<>")

# The confusables folded by skeleton(): letters of other scripts drawn like a Latin letter (both
# cases, as they are before case folding), and Latin/digit shapes easily mistaken for each other.
# A small hand-made subset of Unicode's confusables.txt — the letters a name is likely to be
# spoofed with — rather than a new dependency. Fullwidth and other compatibility forms need no
# entry: NFKC already turns them into plain Latin.
_LOOKS_LATIN = str.maketrans(
    {
        # Cyrillic
        "а": "a", "А": "a", "в": "b", "В": "b", "е": "e", "Е": "e", "ё": "e", "Ё": "e",
        "з": "3", "З": "3", "і": "l", "І": "l", "ї": "l", "Ї": "l", "ј": "j", "Ј": "j",
        "к": "k", "К": "k", "м": "m", "М": "m", "н": "h", "Н": "h", "о": "o", "О": "o",
        "р": "p", "Р": "p", "с": "c", "С": "c", "т": "t", "Т": "t", "у": "y", "У": "y",
        "х": "x", "Х": "x", "ѕ": "s", "Ѕ": "s", "һ": "h", "Һ": "h", "ԁ": "d", "Ԁ": "d",
        "ӏ": "l", "Ӏ": "l", "ԛ": "q", "Ԛ": "q", "ԝ": "w", "Ԝ": "w", "ь": "b", "п": "n",
        # Greek
        "α": "a", "Α": "a", "β": "b", "Β": "b", "ε": "e", "Ε": "e", "ζ": "z", "Ζ": "z",
        "η": "n", "Η": "h", "ι": "l", "Ι": "l", "κ": "k", "Κ": "k", "μ": "u", "Μ": "m",
        "ν": "v", "Ν": "n", "ο": "o", "Ο": "o", "ρ": "p", "Ρ": "p", "τ": "t", "Τ": "t",
        "υ": "u", "Υ": "y", "χ": "x", "Χ": "x", "ϲ": "c", "Ϲ": "c",
        # Latin and digits that pass for each other: I, l, 1 and | are one vertical stroke
        "I": "l", "i": "l", "1": "l", "|": "l", "0": "o", "ı": "l",
    }
)  # fmt: skip
# Multi-letter look-alikes, folded after the single letters: "rn" reads as "m", "vv" as "w".
_LOOKS_LIKE_PAIRS = (("rn", "m"), ("vv", "w"))


def _is_invisible(char: str) -> bool:
    return (
        unicodedata.category(char) in ("Cf", "Cc") and not char.isspace()
    ) or _DRAWS_NOTHING.match(char) is not None


def classified_text(line: str) -> str:
    """The text a typed line is *read* from: ``line`` without the characters that draw nothing.

    Removed: format characters (zero-width space and joiners, byte-order mark, word joiner,
    bidi marks, tag characters), control characters other than whitespace, variation selectors
    and Hangul fillers. So ``"\\u200b/game hangman SECRET"`` is read as the command it looks
    like, never as chat. Only the classification and what commands and moves read use this:
    a chat line is delivered as typed (an emoji keeps its joiners and variation selectors).

    Returns:
        ``line`` with those characters removed (whitespace is kept).
    """
    if line.isascii() and line.isprintable():
        return line  # the common case, without a per-character lookup
    return "".join(c for c in line if not _is_invisible(c))


def typed_after_slash(line: str) -> str:
    """What a ``//text`` chat line says, as typed: ``line`` after its first ``/``, once leading
    whitespace and invisible characters are passed over (``"\\u200b //hi"`` → ``"/hi"``).

    Returns:
        The rest of ``line``; ``line`` itself stripped when it holds no ``/``.
    """
    for index, char in enumerate(line):
        if char == "/":
            return line[index + 1 :]
        if not (char.isspace() or _is_invisible(char)):
            break
    return line.strip()


# Every name on a lobby server is compared with each newcomer's: remembered, not redone. A
# name's skeleton never changes, and the cache's bound keeps a flood of names from growing it.
@functools.lru_cache(maxsize=8192)
def skeleton(name: str) -> str:
    """How a name *looks*, for telling whether two names could be taken for each other.

    NFKC (fullwidth and compatibility forms become plain letters), invisible characters and
    variation selectors removed, letters of other scripts drawn like a Latin letter folded to it
    (Cyrillic ``а``, Greek ``ο``…), ``I``/``l``/``1``/``|`` and ``0``/``o`` folded together,
    then case-folded. Two names with the same skeleton are the same name at the table.
    """
    text = classified_text(unicodedata.normalize("NFKC", name)).translate(_LOOKS_LATIN)
    folded = text.casefold().translate(_LOOKS_LATIN)
    for pair, single in _LOOKS_LIKE_PAIRS:
        folded = folded.replace(pair, single)
    return " ".join(folded.split())


def clean_name(raw: str, *, taken: Collection[str] = (), fallback: str = "guest") -> str:
    """Make a typed name safe to show and distinct from the names already ``taken``.

    The name is NFKC-normalised (``ａｌｉｃｅ`` → ``alice``); invisible and control characters,
    variation selectors, ``<`` and ``>`` are removed; runs of whitespace become one space, the
    ends are trimmed, and the result is cut to :data:`MAX_NAME` characters. An empty result
    becomes ``fallback``. A name that looks like a taken one (same :func:`skeleton`: equal
    ignoring case, or a look-alike such as Cyrillic ``аlice``) gets ``-2``, ``-3``, …

    Returns:
        The cleaned, disambiguated name (never empty, at most ``MAX_NAME`` characters).
    """
    normal = unicodedata.normalize("NFKC", raw)
    kept = "".join(
        c
        for c in normal
        if unicodedata.category(c) not in _DROPPED_CATEGORIES
        and c not in _NAME_FORBIDDEN
        and _DRAWS_NOTHING.match(c) is None
    )
    name = " ".join(kept.split())[:MAX_NAME].strip() or fallback
    used = {skeleton(t) for t in taken}
    candidate, number = name, 1
    while skeleton(candidate) in used:
        number += 1
        suffix = f"-{number}"
        candidate = name[: MAX_NAME - len(suffix)].rstrip() + suffix
    return candidate


def quote(text: str, limit: int = 40) -> str:
    """``text`` in double quotes, on one line, at most ``limit`` characters before the quotes.

    Non-printable characters (line breaks, escapes, bidi controls…) and backslashes are shown
    as Python escapes; a longer text is cut and ends with ``…``.
    """
    shown = "".join(
        c if c.isprintable() and c != "\\" else c.encode("unicode_escape").decode("ascii")
        for c in text
    )
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return f'"{shown}"'
