"""Handling text typed by people: names to seat, and user text embedded in table messages.

Names come from the other end of a network connection, so they are untrusted: a name could try
to move the cursor, reverse the text direction, forge a line that looks like a table notice, or
impersonate the host. :func:`clean_name` removes all of that. Anything else a person typed that
the table repeats inside a NOTICE/ERROR/RESULT goes through :func:`quote`, which keeps it on one
line with every invisible character shown as an escape, so a peer cannot forge a line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

MAX_NAME = 32
# Control, format (bidi overrides, zero-width joiners), surrogate, private-use, unassigned, and
# line/paragraph separators: none of them belongs in a name shown to someone else.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clean_name(raw: str, *, taken: Collection[str] = (), fallback: str = "guest") -> str:
    """Make a typed name safe to show and distinct from the names already ``taken``.

    Invisible and control characters are removed, runs of whitespace become one space, the
    ends are trimmed, and the result is cut to :data:`MAX_NAME` characters. An empty result
    becomes ``fallback``. A name equal (ignoring case) to a taken one gets ``-2``, ``-3``, …

    Returns:
        The cleaned, disambiguated name (never empty, at most ``MAX_NAME`` characters).
    """
    kept = "".join(c for c in raw if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    name = " ".join(kept.split())[:MAX_NAME].strip() or fallback
    used = {t.casefold() for t in taken}
    candidate, number = name, 1
    while candidate.casefold() in used:
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
