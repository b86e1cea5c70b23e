"""The first line of every game record (:mod:`game.record_format`).

Apart from the record's reader so that a terminal can tell a record's rows from the rest of a
notice — and never wrap them — without loading the reader at start-up.
"""

from __future__ import annotations

from typing import Final

#: The first line of every record (the number is the format's version).
MAGIC: Final = "tablechat record 1"
