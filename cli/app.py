"""What host and join share around their event loop: the console, running, failing politely.

Imported only after the arguments are parsed (it pulls in asyncio).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any

from cli.colors import Palette, color_wanted
from cli.console import Console


class Failure(Exception):
    """An expected failure: one clear sentence for stderr and a non-zero exit status."""

    def __init__(self, sentence: str, status: int = 1) -> None:
        """Remember the *sentence* shown to the person and the exit *status*."""
        super().__init__(sentence)
        self.sentence = sentence
        self.status = status


def make_console(name: str, color: bool) -> Console:
    """Build the console for *name*, colored only when wanted and possible."""
    return Console(name, Palette(color_wanted(color, sys.stdout)))


def run(prog: str, main: Coroutine[Any, Any, int]) -> int:
    """Run *main* to completion and turn expected failures into a sentence and a status.

    Args:
        prog: the program name that starts the error sentence (``python -m cli.join``).
        main: the program's coroutine; it returns the exit status.

    Returns:
        The exit status: the coroutine's, a :class:`Failure`'s, or 130 for an interrupt that
        came before the console could turn it into leaving.
    """
    try:
        return asyncio.run(main)
    except Failure as failure:
        print(f"{prog}: {failure.sentence}", file=sys.stderr)
        return failure.status
    except KeyboardInterrupt:
        # Ctrl-C while connecting or opening the port: nothing to say goodbye to.
        return 130
