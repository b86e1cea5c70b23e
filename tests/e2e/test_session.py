"""A host and a join talking: chat, typing over incoming lines, leaving, losing, refusing.

Each test has its own processes (leaving ends them).
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import pexpect
import pytest

from cli.colors import Palette
from tests.cli.support import REPO
from tests.e2e.support import HOSTILE, Players, child_env

# Leaving exits 0 within a second, as a person expects of /q: measured from the keystroke being
# in the terminal to the terminal closing (the program's exit), not including starting programs
# or pexpect's own close. LOAD_MARGIN is for a loaded 2-core CI machine only — the test process
# or the program descheduled, the interpreter's shutdown slowed. The bound (3 s) stays well
# under the harness's 5 s wait for any output, so a program that hangs on leaving still fails here.
LEAVE_SPEC = 1.0
LOAD_MARGIN = 2.0

# Our own terminal control, written with NO_COLOR set: the line clear before a message that
# arrives while you type (readline's rl_clear_visible_line writes "\r", erase to the end of
# the row, "\r"; ours "\r" + CSI 2 K), and what readline itself writes (bracketed paste, meta
# key mode).
OWN_SEQUENCES = (
    b"\r\x1b[K\r",
    b"\r\x1b[K",
    b"\r\x1b[2K",
    b"\x1b[?2004h",
    b"\x1b[?2004l",
    b"\x1b[?1034h",
    b"\x1b[?1h\x1b=",
)


def _without_own_sequences(raw: bytes) -> bytes:
    for sequence in OWN_SEQUENCES:
        raw = raw.replace(sequence, b"")
    return raw


def test_chat_both_ways(players: Players) -> None:
    host, join, _ = players.pair()
    join.say("hi alice")
    host.expect("<bob> hi alice")
    host.say("hello bob, café ✓")
    join.expect("<alice> hello bob, café ✓")


def test_half_typed_line_survives_an_incoming_line(players: Players) -> None:
    host, join, _ = players.pair()
    join.type("half a li")
    join.expect("half a li")  # readline has it on the screen
    host.say("a line from alice")
    join.expect("<alice> a line from alice")
    join.expect("<bob> half a li")  # the partial input is redrawn below the message, intact
    join.say("ne, then Enter")
    host.expect("<bob> half a line, then Enter")
    # and the other way round
    host.type("alice typ")
    host.expect("alice typ")
    join.say("interruption")
    host.expect("<bob> interruption")
    host.expect("<alice> alice typ")
    host.say("ing")
    join.expect("<alice> alice typing")


def test_editing_mid_line_carries_on_after_an_incoming_line(players: Players) -> None:
    host, join, _ = players.pair()
    join.type("hello world")
    join.expect("world")
    join.type("\x1b[D" * 5)  # five times the left arrow: the cursor sits before "world"
    join.child.expect_exact(b"\x08" * 5)  # readline moved the cursor back
    host.say("ping")
    join.expect("<alice> ping")
    join.expect("<bob> hello world")  # redrawn by readline, cursor where it was
    join.say("big ")
    host.expect("<bob> hello big world")


def _leaves(players: Players, leaver: str, how: str) -> None:
    host, join, _ = players.pair()
    (quitter, stayer, quitter_name) = (
        (host, join, "alice") if leaver == "host" else (join, host, "bob")
    )
    if how.startswith("/"):
        quitter.say(how)
    elif how == "Ctrl-D":
        quitter.child.sendeof()
    else:
        quitter.child.sendintr()
    pressed = time.monotonic()  # the keystroke is in the terminal: from here on it is the program
    quitter.child.expect(pexpect.EOF)  # the terminal closed: the program has exited
    took = time.monotonic() - pressed
    assert quitter.wait_exit() == 0
    assert took < LEAVE_SPEC + LOAD_MARGIN, f"leaving took {took:.2f} s"
    stayer.expect(f"{quitter_name} left")
    if leaver == "join":
        assert b"* you left alice's table" in quitter.raw  # as nc is told
    if leaver == "host":
        assert join.wait_exit() == 0  # the join goes when the host goes
    else:
        assert host.child.isalive()  # the host stays and waits for the next guest


def test_q_from_host(players: Players) -> None:
    _leaves(players, "host", "/q")


def test_q_from_join(players: Players) -> None:
    _leaves(players, "join", "/q")


@pytest.mark.parametrize("how", ["/Q", "/ quit", "/EXIT"])
def test_every_spelling_of_quit_leaves(players: Players, how: str) -> None:
    # One rule serves both programs and the table: were "/Q" leaving for the table but not for a
    # program, a zombie join would hold the seat.
    _leaves(players, "join", how)


def test_host_leaves_with_quit_spelled_out(players: Players) -> None:
    _leaves(players, "host", "/quit")


def test_ctrl_c_on_join(players: Players) -> None:
    _leaves(players, "join", "Ctrl-C")


def test_ctrl_c_on_host(players: Players) -> None:
    _leaves(players, "host", "Ctrl-C")


def test_ctrl_d_on_join(players: Players) -> None:
    _leaves(players, "join", "Ctrl-D")


def test_ctrl_d_on_host(players: Players) -> None:
    _leaves(players, "host", "Ctrl-D")


def test_killed_join_is_lost_not_left_and_the_host_goes_on(players: Players) -> None:
    # A lost guest keeps the seat for the grace period (short here), then it is free.
    host, port = players.host("alice", "--grace", "1")
    join = players.join(port, "bob")
    host.expect("bob sat down")
    join.child.kill(signal.SIGKILL)
    host.expect("bob's connection dropped — waiting up to 1 second for them to come back")
    host.expect("bob did not come back")
    assert b"bob left" not in host.raw
    second = players.join(port, "carol")
    host.expect("carol")
    second.say("hello again")
    host.expect("<carol> hello again")


def test_a_second_join_at_a_full_table_watches(players: Players) -> None:
    host, join, port = players.pair()
    third = players.start("cli.join", str(port), "--name", "dan")
    third.expect(f"you are watching alice's table at 127.0.0.1:{port} as dan")
    third.expect("the table is full — watching alice and bob")
    host.expect("dan is watching")
    join.say("still here")
    host.expect("<bob> still here")
    third.expect("<bob> still here")  # between games, the players' chat reaches spectators
    assert b"Traceback" not in third.raw


def _attack_from_a_script_join(players: Players, port: int) -> None:
    """Send every HOSTILE line from a join named mallory, then /q.

    A script-mode join sends exactly the bytes we give it, including those a terminal would act
    on, so the peer's text arrives at the host as an attacker would send it.
    """
    attacks = "".join(attack + "\n" for attack, _shown in HOSTILE.values()) + "/q\n"
    done = subprocess.run(
        [sys.executable, "-m", "cli.join", str(port), "--name", "mallory"],
        input=attacks.encode(),
        cwd=REPO,
        env=child_env(players.home),
        capture_output=True,
        timeout=20,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_escape_sequences_from_the_join_are_shown_not_obeyed(players: Players) -> None:
    host, port = players.host()
    before = len(host.raw)
    _attack_from_a_script_join(players, port)
    for _attack, shown in HOSTILE.values():
        host.expect(shown)
    host.expect("left")
    received = _without_own_sequences(host.raw[before:])
    _assert_inert(received)


def test_a_name_with_controls_is_refused_before_connecting(players: Players) -> None:
    # net's hello allows no control characters in names, so no peer name can carry them; the
    # join says so in one sentence instead of failing on the wire.
    _host, port = players.host()
    done = subprocess.run(
        [sys.executable, "-m", "cli.join", str(port), "--name", "mal\x1b[31mlory"],
        stdin=subprocess.DEVNULL,
        cwd=REPO,
        env=child_env(players.home),
        capture_output=True,
        timeout=20,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count(b"\n") == 1
    assert b"cannot use that name" in done.stderr


def test_escape_sequences_from_the_host_are_shown_not_obeyed(players: Players) -> None:
    host, join, _ = players.pair()
    before = len(join.raw)
    for attack, _shown in HOSTILE.values():
        # readline's quoted-insert (Ctrl-V) puts the next byte into the line as it is, so the
        # host person can type ESC, CR, etc. into a chat line.
        quoted = b"".join(
            b"\x16" + bytes([byte]) if byte < 0x20 else bytes([byte]) for byte in attack.encode()
        )
        host.child.send(quoted + b"\r")
    for _attack, shown in HOSTILE.values():
        join.expect(shown)
    _assert_inert(_without_own_sequences(join.raw[before:]))


def _assert_inert(received: bytes) -> None:
    assert b"\x1b" not in received, received
    assert b"\xc2\x9b" not in received  # C1 CSI, UTF-8 encoded
    assert "\u202e".encode() not in received
    assert b"\x07" not in received
    assert b"\r" not in received.replace(b"\r\n", b"")


def test_script_mode(players: Players) -> None:
    host, port = players.host()
    done = subprocess.run(
        [sys.executable, "-m", "cli.join", str(port), "--name", "scripty"],
        input=b"hi\n\n/q\n",
        cwd=REPO,
        env=child_env(players.home, no_color=False),  # colors would be on, but stdout is a pipe
        capture_output=True,
        timeout=20,
        check=False,
    )
    host.expect("<scripty> hi")
    host.expect("scripty left")
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert b"\x1b" not in done.stdout  # no colors, no line clearing into a pipe
    assert b"<scripty> " not in done.stdout  # no prompt
    assert re.search(rb"you joined alice's table at 127\.0\.0\.1:\d+ as scripty", done.stdout)


def test_script_mode_eof_means_leave(players: Players) -> None:
    host, port = players.host()
    join = subprocess.Popen(
        [sys.executable, "-m", "cli.join", str(port), "--name", "piped"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=REPO,
        env=child_env(players.home),
    )
    try:
        assert join.stdin is not None
        join.stdin.write(b"line one\n")
        join.stdin.flush()
        host.expect("<piped> line one")
        join.stdin.close()  # EOF
        host.expect("piped left")
        assert join.wait(timeout=5) == 0
    finally:
        if join.poll() is None:
            join.kill()
            join.wait()


def test_colors_only_when_wanted(players: Players) -> None:
    host, port = players.host("alice", no_color=False)
    join = players.join(port, "bob", "--no-color")
    host.expect("bob")
    join.say("colorful?")
    host.expect("colorful?")
    assert b"\x1b[1m\x1b[35m<bob>" in host.raw  # the other's name in its own color
    join_text = _without_own_sequences(join.raw)
    assert b"\x1b[" not in join_text
    _ = pexpect  # pexpect is the harness's; imported here for type checkers of .child


def test_your_turn_stands_out_in_color(players: Players) -> None:
    # "your move" is bright, "waiting for" stays dim. Alone, alice plays the bot.
    host, _port = players.host("alice", no_color=False)
    host.say("/game tictactoe")
    host.expect("your move (X)")
    color = Palette(True)
    assert color.turn("* your move (X)").encode() in host.raw
    host.say("b2")
    host.expect("bot played")  # the bot answered: the board after two moves is on screen
    host.expect("your move (X)")
    # X painted as a piece (in reverse video too, once the board marks the last move "(X)").
    assert re.search(rb"\x1b\[1m\x1b\[36m(\x1b\[7m)?X", host.raw)


def test_terminal_modes_are_restored_when_the_other_side_leaves(players: Players) -> None:
    # The join exits while its reader thread is inside readline (which had switched the
    # terminal to its own mode); the shell that started it must get a sane terminal back.
    host, port = players.host()
    command = f"{sys.executable} -m cli.join {port} --name bob; echo MODES; stty -a"
    join = players.start_shell(command)
    join.expect("<bob> ")
    host.expect("bob")
    host.say("/q")
    join.expect("alice left")
    join.expect("MODES")
    join.child.expect(pexpect.EOF)
    modes = join.raw.split(b"MODES", 1)[1].decode()
    assert re.search(r"(?<!-)\bicanon\b", modes), modes
    assert re.search(r"(?<!-)\becho\b", modes), modes


def test_killed_host_is_reported_lost_by_the_join(players: Players) -> None:
    host, port = players.host()
    # The join tries to reconnect for --retry-for seconds (short here), then gives up.
    join = players.join(port, "bob", "--retry-for", "0.5")
    host.expect("bob sat down")
    host.child.kill(signal.SIGKILL)
    join.expect("connection to alice lost — reconnecting")
    join.expect("gave up reconnecting")
    assert join.wait_exit() == 1  # lost is not a deliberate leave: non-zero
    assert b"alice left" not in join.raw


def test_on_a_dumb_terminal_no_escape_byte_is_written_at_all(players: Players) -> None:
    # TERM=dumb, NO_COLOR unset: no color, no readline, no cursor movement, so the raw output
    # must hold no ESC byte and no carriage return but the terminal's own "\r\n", whatever the
    # peer sends — the strictest check there is.
    host, port = players.host("alice", term="dumb", no_color=False)
    host.type("half")
    host.expect("half")
    _attack_from_a_script_join(players, port)
    for _attack, shown in HOSTILE.values():
        host.expect(shown)
    host.expect("mallory left")
    host.expect("<alice> ")  # the prompt again, below what came
    host.say(" done")
    host.expect("\r\n")
    _assert_inert(host.raw)


def test_on_a_dumb_terminal_lines_come_below_a_half_typed_line_and_it_is_sent_whole(
    players: Players,
) -> None:
    # Nothing is overwritten or redrawn there: an incoming line ends the row holding the prompt
    # and what was typed, the prompt comes again below it, and the terminal's own line buffer
    # still holds the half line, sent whole with the rest.
    host, port = players.host("alice", term="dumb", no_color=False)
    join = players.join(port, "bob")
    host.expect("bob sat down")
    host.expect("<alice> ")
    host.type("half a li")
    host.expect("half a li")
    join.say("a line from bob")
    host.expect("<bob> a line from bob\r\n<alice> ")
    assert b"<alice> half a li\r\n<bob> a line from bob\r\n<alice> " in host.raw
    host.say("ne, then Enter")
    join.expect("<alice> half a line, then Enter")
    host.expect("ne, then Enter\r\n")
    _assert_inert(host.raw)


def test_on_a_dumb_terminal_ctrl_d_at_the_prompt_ends_its_row(players: Players) -> None:
    # Nothing erases the prompt there, so the shell's own prompt must not start after it.
    host, _port = players.host("alice", term="dumb", no_color=False)
    host.type("\x04")
    assert host.wait_exit() == 0
    assert host.raw.endswith(b"<alice> \r\n")
    _assert_inert(host.raw)


def test_an_empty_no_color_means_color(players: Players) -> None:
    # no-color.org: only a NO_COLOR holding something turns color off.
    host, _port = players.host("alice", no_color=False, extra={"NO_COLOR": ""})
    host.say("/score")  # a prompt drawn again after an answer: the whole of it has arrived
    host.expect("score: no games finished yet")
    host.expect(Palette(True).me("<alice> "))  # the prompt in your color
