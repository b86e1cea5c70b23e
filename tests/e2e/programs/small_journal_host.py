"""The real host program, compacting its journal after 8 KiB of events instead of 1 MiB.

``python -m tests.e2e.programs.small_journal_host ARGS`` is ``python -m cli.host ARGS`` but
for that one bound, so that a few seconds of chat compact the journal several times over. It
lives with the tests on purpose: the program people run has no switch that changes it.
"""

from __future__ import annotations

import cli.table_replay
from cli.host import main

#: Bytes of events after the snapshot that make the next record compact (real: 1 MiB).
COMPACT_BYTES = 8 << 10


def run() -> int:
    """Run the host program with the small compaction bound; its exit status."""
    setattr(cli.table_replay, "COMPACT_BYTES", COMPACT_BYTES)  # noqa: B010
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
