"""Script mode waits for the answers to what it sent.

``printf '/game tictactoe\\n5\\n/score\\n' | python -m cli.join`` must show the board and the
score: at end of input the join says bye but keeps reading, and the host answers every line
sent before the bye before it closes (PROTOCOL.md §6, "Leaving") — no quiet-period guess.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.cli.support import REPO
from tests.e2e.support import Players, child_env


@pytest.mark.parametrize("ending", ["", "/q\n"], ids=["end-of-input", "slash-q"])
def test_a_piped_script_shows_the_answers_to_all_its_lines(players: Players, ending: str) -> None:
    host, port = players.host()
    done = subprocess.run(
        [sys.executable, "-m", "cli.join", str(port), "--name", "bob"],
        cwd=REPO,
        env=child_env(players.home, state="script"),
        input="/game tictactoe\n5\n/score\n" + ending,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "  2  4 |(X)| 6" in out  # the board after the move in the middle square
    assert "* waiting for alice (O)" in out
    assert out.rstrip().endswith("* score: no games finished yet")  # the last line's answer
    host.expect("bob left")


def test_a_line_too_long_to_send_is_refused_in_words_and_the_next_one_goes(
    players: Players,
) -> None:
    host, port = players.host()
    done = subprocess.run(
        [sys.executable, "-m", "cli.join", str(port), "--name", "bob"],
        cwd=REPO,
        env=child_env(players.home, state="script"),
        input="x" * 70_000 + "\nafter the long one\n",
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    said = done.stdout + done.stderr
    assert "not sent: that line is 70,000 bytes long, and a line holds at most 60,000" in said
    assert "frame limit" not in said  # the wire's words stay the wire's
    host.expect("<bob> after the long one")
