"""Make untrusted text visible instead of letting the terminal interpret it.

Everything the other side sends — chat, names, guesses, reasons — reaches a terminal, and a
terminal obeys control characters: ESC starts CSI sequences (clear the screen, move the cursor),
OSC sequences (OSC 52 writes the clipboard, OSC 8 makes links), C1 controls such as U+009B are
CSI on their own, ``\\r`` lets a line overwrite what came before it, and bidi overrides (U+202E)
reorder what a reader sees. Like git's sideband sanitising (CVE-2024-52005) we show such
characters rather than strip them silently: the reader sees that something odd was sent.

* C0 controls and DEL use caret notation: ESC → ``^[``, ``\\r`` → ``^M``, DEL → ``^?``.
* Every other character that is not plainly printable — C1 controls, bidi and isolate
  controls, other format characters, line/paragraph separators, surrogates, private-use and
  unassigned code points — becomes ``\\uXXXX`` (``\\UXXXXXXXX`` beyond the BMP).

Emoji are shown as the sender typed them. Variation selectors (VS15/VS16 pick
text or emoji style) and skin-tone modifiers are marks, not format characters, so they pass
anyway. Two format characters are let through, and only where they build an emoji:

* ZERO WIDTH JOINER (U+200D) between two pictographs — a pictograph possibly followed by its
  variation selector, skin tone, keycap or tags, then the joiner, then a pictograph: 👩‍💻,
  👨‍👩‍👧, 🏳️‍🌈. There it glues pictures into one; the worst it can do is show them apart.
* Tag characters (U+E0020–U+E007E) in a run right after 🏴 (U+1F3F4) that ends with CANCEL
  TAG (U+E007F): the subdivision flags such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿.

Anywhere else the same characters, and every other invisible format character (zero width
non-joiner and space, word joiner, soft hyphen, byte order mark, invisible operators), stay
escaped: between letters or alone they show nothing and can hide or split text (a name that
looks like another, a word that dodges a reader's eye). None of them moves the cursor or
changes direction.

The output never contains a control character, and a joiner or tag is kept only next to
characters that are themselves kept, so escaping twice changes nothing: the function is
idempotent, and the caret and backslash forms are themselves printable ASCII.
"""

from __future__ import annotations

import unicodedata

# Categories a terminal may act on or that render as nothing/garbage: Cc (controls), Cf (format,
# incl. bidi and zero-width characters), Cs (lone surrogates: they would make print() raise),
# Co (private use), Cn (unassigned: may become anything in a later Unicode), Zl/Zp (line and
# paragraph separators, which some terminals and most editors treat as newlines).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


_ZWJ = "\u200d"
_BLACK_FLAG = "\U0001f3f4"
_CANCEL_TAG = "\U000e007f"


def _is_tag(ch: str) -> bool:
    return 0xE0020 <= ord(ch) <= 0xE007E


def _is_emoji_trailer(ch: str) -> bool:
    # What may follow a pictograph inside one emoji: VS15/VS16, a skin tone, the keycap.
    code = ord(ch)
    return code in (0xFE0E, 0xFE0F, 0x20E3) or 0x1F3FB <= code <= 0x1F3FF


def _is_pictograph(ch: str) -> bool:
    # Python has no Extended_Pictographic property: the emoji blocks plus other symbols (So),
    # which covers ♀ ⚕ ❤ ☠ and the like; the modifiers are not pictographs.
    code = ord(ch)
    if 0x1F3FB <= code <= 0x1F3FF:
        return False
    return 0x1F000 <= code <= 0x1FAFF or unicodedata.category(ch) == "So"


def _joins_emoji(text: str, index: int, flag_tags: set[int]) -> bool:
    """Whether the ZWJ at *index* stands between two pictographs.

    Only characters that are themselves kept are stepped over (a flag's tags, not a stray
    tag), so that escaping twice changes nothing.
    """
    before = index - 1
    while before >= 0 and (_is_emoji_trailer(text[before]) or before in flag_tags):
        before -= 1
    after = index + 1
    return (
        before >= 0
        and after < len(text)
        and (_is_pictograph(text[before]) and _is_pictograph(text[after]))
    )


def _flag_tags(text: str) -> set[int]:
    """Indices of tag characters that form a subdivision flag (🏴 tags… CANCEL TAG)."""
    kept: set[int] = set()
    start = text.find(_BLACK_FLAG)
    while start != -1:
        end = start + 1
        while end < len(text) and _is_tag(text[end]):
            end += 1
        if end > start + 1 and end < len(text) and text[end] == _CANCEL_TAG:
            kept.update(range(start + 1, end + 1))
        start = text.find(_BLACK_FLAG, end)
    return kept


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return "^" + chr(code + 0x40)  # caret notation: 0x1B → ^[, 0x0D → ^M
    if code == 0x7F:
        return "^?"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _needs_escape(ch: str) -> bool:
    code = ord(ch)
    if 0x20 <= code < 0x7F:
        return False  # printable ASCII: the overwhelmingly common case, decided without lookups
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES


def visible(text: str) -> str:
    """Return *text* as one line with every control or invisible character made visible.

    Newlines are made visible too (``^J``): a chat line is one line, and a peer must not be able
    to start a fresh line that looks like a notice from the table.

    Args:
        text: untrusted text, any Unicode.

    Returns:
        The same text where printable characters and emoji (joiners and flag tags included,
        see the module docstring) are unchanged and every other character is replaced by its
        caret or ``\\uXXXX`` form.
    """
    if text.isascii() and text.isprintable():
        return text  # fast path: nothing to do for plain ASCII
    flag_tags = _flag_tags(text) if _BLACK_FLAG in text else set()
    return "".join(
        ch if _kept(text, index, flag_tags) else _escape_char(ch) for index, ch in enumerate(text)
    )


def _kept(text: str, index: int, flag_tags: set[int]) -> bool:
    ch = text[index]
    if not _needs_escape(ch) or index in flag_tags:
        return True
    return ch == _ZWJ and _joins_emoji(text, index, flag_tags)


def visible_lines(text: str) -> list[str]:
    """Split a multi-line text (board, notice, result) at ``\\n`` and make each line visible.

    Only ``\\n`` separates lines; a ``\\r`` or any other control inside a line is shown, never
    obeyed, so no line can overwrite another.
    """
    return [visible(line) for line in text.split("\n")]
