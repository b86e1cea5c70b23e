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

The output never contains a control character, so escaping twice changes nothing: the
function is idempotent, and the caret and backslash forms are themselves printable ASCII.
"""

from __future__ import annotations

import unicodedata

# Categories a terminal may act on or that render as nothing/garbage: Cc (controls), Cf (format,
# incl. bidi and zero-width characters), Cs (lone surrogates: they would make print() raise),
# Co (private use), Cn (unassigned: may become anything in a later Unicode), Zl/Zp (line and
# paragraph separators, which some terminals and most editors treat as newlines).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


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
        The same text where printable characters are unchanged and every other character is
        replaced by its caret or ``\\uXXXX`` form.
    """
    if text.isascii() and text.isprintable():
        return text  # fast path: nothing to do for plain ASCII
    return "".join(_escape_char(ch) if _needs_escape(ch) else ch for ch in text)


def visible_lines(text: str) -> list[str]:
    """Split a multi-line text (board, notice, result) at ``\\n`` and make each line visible.

    Only ``\\n`` separates lines; a ``\\r`` or any other control inside a line is shown, never
    obeyed, so no line can overwrite another.
    """
    return [visible(line) for line in text.split("\n")]
