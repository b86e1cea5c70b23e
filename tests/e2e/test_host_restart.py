"""The host survives its own restart: real programs in pseudo-terminals.

The host is killed with SIGKILL mid-game — nothing of it runs afterwards, no bye, no cleanup —
and started again on the same port with the same state directory. The join, still
reconnecting by itself, resumes: the same board, the same turn, the same score, and the chat
it missed (typed while it was away, before the crash); a hangman secret set by the host never
reaches the guesser's terminal. A torn journal
tail costs one warning; ``--fresh`` and a deliberate ``/q`` start an empty table.

Spectators do not come back: killed while two people watch, the host took their connections
with it, so after the replay nobody watches — their going is replayed as events like any other,
though the players, mid-game, are not shown their names — and bob's ``show.seq`` goes on
exactly: every number once, in order, across both processes, nothing a spectator said during
the game among his frames.

A test cannot ask for a fixed port, and a host on port 0 keeps no journal (it could not be
found again): each test binds port 0 itself to learn a free port, then gives it to the host.
"""

from __future__ import annotations

import json
import re
import signal

import pexpect

from game.game_log import MAX_CHAT
from tests.e2e.support import (
    HOST_STATE,
    JOIN_STATE,
    RESTART_TIMEOUT,
    RESTORED,
    Player,
    Players,
    Proxy,
    RawClients,
    crash,
    free_port,
    journal_of,
    start_host,
)

SECRET = "quokka"
KIBITZ = "bob should play a corner"


def bob_at_the_table(players: Players) -> tuple[int, Player, Player]:
    """alice's host on a free port with a journal, and bob's join seated at it."""
    port = free_port()
    host = start_host(players, port)
    join = players.join(port, "bob", state=JOIN_STATE)
    host.expect("bob sat down")
    return port, host, join


def test_tictactoe_comes_back_after_kill_9(players: Players) -> None:
    port, host, join = bob_at_the_table(players)
    # A finished game, for the score: c1-b2-a3 wins for alice.
    host.say("/game tictactoe")
    for mover, other, move in [
        (host, join, "b2"),
        (join, host, "a1"),
        (host, join, "c1"),
        (join, host, "b1"),
        (host, join, "a3"),
    ]:
        mover.say(move)
        other.expect(f"played {move}")
    join.expect("alice wins — 3 in a row")
    # A game in progress: alice a1, bob c3, alice a2; bob is to move.
    host.say("/game tictactoe")
    join.expect("waiting for alice (X)")
    host.say("a1")
    join.expect("your move (O)")
    join.say("c3")
    # Each move seen before whose turn: the status in a prompt typed on said so before it.
    host.expect("bob played c3")
    host.expect("your move (X)")
    host.say("a2")
    join.expect("alice played a2")
    join.expect("your move (O)")
    host.say("hold on, my machine is acting up")
    join.expect("<alice> hold on, my machine is acting up")

    crash(host)
    join.expect("connection to alice lost — reconnecting…")
    again = start_host(players, port, says=(RESTORED,))
    join.expect("reconnected to alice's table", timeout=RESTART_TIMEOUT)
    again.expect("bob is back")

    join.say("/board")  # the same board, the same turn
    join.expect("1  X | 2 | 3")
    join.expect("2 (X)| 5 | 6")
    join.expect("3  7 | 8 | O")
    join.say("/score")  # the same score
    join.expect_re(re.compile(rb"alice +1 win"))
    join.say("a3")  # bob's turn still: the move is played, not refused
    again.expect("bob played a3")
    again.expect("your move (X)")

    join.say("thanks for waiting")  # say.seq goes on where it was: no protocol error
    again.expect("<bob> thanks for waiting")


def test_chat_the_guest_missed_comes_back_with_the_table(
    players: Players, proxies: list[Proxy]
) -> None:
    port = free_port()
    host = start_host(players, port)
    proxy = Proxy(port)
    proxies.append(proxy)
    join = players.join(proxy.port, "bob", state=JOIN_STATE)
    host.expect("bob sat down")
    host.say("/game tictactoe")
    host.say("b2")
    join.expect("your move (O)")
    host.say("before the storm")
    join.expect("<alice> before the storm")

    proxy.refusing.set()  # bob's network goes down and stays down
    proxy.cut()
    join.expect("connection to alice lost — reconnecting…")
    host.expect("bob's connection dropped")
    host.say("are you still there?")  # kept for bob, never sent: he is away
    host.say("/who")  # answered once the line before it was applied (and journaled)
    host.expect("connection dropped, the seat is kept for now")
    crash(host)

    again = start_host(players, port, says=(RESTORED, "bob's connection dropped — waiting up to"))
    proxy.refusing.clear()  # bob's network is back: his join finds the restarted host
    join.expect("reconnected to alice's table", timeout=RESTART_TIMEOUT)
    join.expect("<alice> are you still there?")  # caught up from the journal, exactly
    again.expect("bob is back")
    join.say("c3")
    again.expect("bob played c3")
    assert join.raw.count(b"are you still there?") == 1
    assert join.raw.count(b"before the storm") == 1  # already seen: not shown again


def test_hangman_with_a_secret_comes_back_and_the_secret_stays_hidden(players: Players) -> None:
    port, host, join = bob_at_the_table(players)
    host.say(f"/game hangman {SECRET}")
    host.expect("you set the secret; bob guesses")
    for letter in "ok":
        join.expect("your guess")
        join.say(letter)
        host.expect(f"bob guessed {letter}")

    crash(host)
    join.expect("connection to alice lost — reconnecting…")
    again = start_host(players, port, says=(RESTORED,))
    join.expect("reconnected to alice's table", timeout=RESTART_TIMEOUT)
    again.expect("bob is back")

    join.say("/board")
    word = join.expect_re(re.compile(rb"word:\s+([_a-z ]+)"))
    assert word.group(1).decode().split() == ["_", "_", "o", "k", "k", "_"]
    join.say("a")
    again.expect("bob guessed a")
    join.say("/who")
    join.expect("alice")
    assert SECRET.encode() not in join.raw.lower()  # not in one byte the guesser's terminal got


def test_a_torn_journal_tail_costs_one_warning(players: Players) -> None:
    port, host, join = bob_at_the_table(players)
    host.say("/game tictactoe")
    host.say("b2")
    join.expect("your move (O)")

    crash(host)
    with journal_of(players, port).open("ab") as journal:
        journal.write(b'{"crc32":"0badf00d","record":{"event":"li')  # killed mid-write
    again = start_host(players, port, says=("is damaged at line", RESTORED))
    join.expect("reconnected to alice's table", timeout=RESTART_TIMEOUT)
    join.say("/board")
    join.expect("2  4 |(X)| 6")
    join.say("a1")
    again.expect("bob played a1")
    assert again.raw.count(b"is damaged") == 1


def test_fresh_starts_an_empty_table(players: Players) -> None:
    port, host, join = bob_at_the_table(players)
    host.say("/game tictactoe")
    join.expect("waiting for alice (X)")

    crash(host)
    again = start_host(players, port, "--fresh")
    join.expect("as a new guest", timeout=RESTART_TIMEOUT)
    again.expect("bob sat down")
    join.say("/score")
    join.expect("no games finished yet")
    assert b"restored" not in again.raw


def test_leaving_on_purpose_removes_the_journal(players: Players) -> None:
    port, host, join = bob_at_the_table(players)
    assert journal_of(players, port).exists()
    host.say("/q")
    join.expect("alice left")
    assert host.wait_exit() == 0
    assert not journal_of(players, port).exists()
    again = start_host(players, port)
    again.say("/score")
    again.expect("no games finished yet")
    assert b"restored" not in again.raw


def test_a_sigterm_keeps_the_table_and_the_guest_waits_for_it(players: Players) -> None:
    # A shutdown or a closed terminal (SIGTERM, SIGHUP) is not the host person leaving: the
    # journal stays, the guest hears bye "closing" and reconnects instead of giving up its seat.
    port, host, join = bob_at_the_table(players)
    host.say("/game tictactoe")
    host.say("b2")
    join.expect("your move (O)")

    host.child.kill(signal.SIGTERM)
    host.child.expect(pexpect.EOF)
    host.reap(after="SIGTERM")
    join.expect("alice's table is stopping and may come back — reconnecting…")
    assert journal_of(players, port).exists()
    again = start_host(players, port, says=(RESTORED,))
    join.expect("reconnected to alice's table", timeout=RESTART_TIMEOUT)
    again.expect("bob is back")
    join.say("/board")
    join.expect_re(re.compile(rb"\(X\)"))


def test_a_restarted_host_shows_the_last_chat_and_the_board_and_says_whose_table(
    players: Players,
) -> None:
    port, host, join = bob_at_the_table(players)
    host.say("/game tictactoe")
    join.expect("waiting for alice (X)")
    host.say("b2")
    join.expect("your move (O)")
    join.say("nice centre")
    host.expect("<bob> nice centre")
    host.say("thanks")
    join.expect("<alice> thanks")
    crash(host)
    host = players.start("cli.host", str(port), "--name", "carol", state=HOST_STATE)
    host.expect(RESTORED)
    host.expect("--name carol is not used")  # the restored table is alice's, and says so
    host.expect("the last lines said before the restart:")
    host.expect("<bob> nice centre")
    host.expect("thanks")
    host.expect("2  4 |(X)| 6")  # the board as it stood: alice's b2, the last move
    host.expect("<alice> ")
    assert b"waiting for someone to join" not in host.raw


def test_spectators_are_gone_after_a_restart_and_show_seq_stays_exact(
    players: Players, proxies: list[Proxy], raw: RawClients
) -> None:
    port = free_port()
    host = start_host(players, port)
    proxy = Proxy(port)
    proxies.append(proxy)
    bob = players.join(proxy.port, "bob", state="bob")
    host.expect("bob sat down")
    carol = raw.join(port, "carol")
    dave = raw.join(port, "dave")
    host.expect("dave is watching")
    carol.say(1, "good luck both")  # between games: it reaches the players (journaled)
    bob.expect("<carol> good luck both")
    host.say("/game tictactoe")
    host.say("b2")
    bob.expect("your move (O)")
    carol.say(2, KIBITZ)  # during the game: spectators only
    dave.until_text(KIBITZ)

    crash(host)
    bob.expect("connection to alice lost — reconnecting…")
    # They stopped watching mid-game: the players are not shown their names,
    # which are text the spectators chose
    again = start_host(players, port, says=(RESTORED,))
    bob.expect("reconnected to alice's table", timeout=RESTART_TIMEOUT)
    again.say("/who")
    again.expect("bob    guest")
    bob.say("a1")
    again.expect("bob played a1")
    bob.expect("waiting for alice (X)")

    frames = proxy.show_frames()
    numbers = [frame["seq"] for frame in frames if "seq" in frame]
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    # only a resume's greeting (and its board) goes unnumbered: it is not caught up on
    greetings = [f["text"] for f in frames if "seq" not in f and f["kind"] == "notice"]
    assert greetings and all(text.startswith("welcome back") for text in greetings), greetings
    text = json.dumps(frames, ensure_ascii=False)
    assert "good luck both" in text
    assert KIBITZ not in text
    assert "stopped watching" not in text
    assert b"watching" not in again.raw  # /who: nobody watches the restarted table
    # The replayed spectators are really gone: a newcomer is number one of the watchers.
    erin = raw.join(port, "erin")
    assert erin.connection.welcome is not None and erin.connection.welcome.watching
    again.say("/who")
    again.expect("1 watching")  # the game goes on: a count, no name


def test_a_spectator_chatting_at_the_flood_limit_cannot_switch_recovery_off(
    players: Players, raw: RawClients
) -> None:
    # A host whose journal compacts after 8 KiB of events: carol's chat compacts it several
    # times over, and the journal stays the size of the table, not of what she said.
    port = free_port()
    host = start_host(players, port, program="tests.e2e.programs.small_journal_host")
    bob = players.join(port, "bob", state=JOIN_STATE)
    host.expect("bob sat down")
    carol = raw.join(port, "carol")
    dave = raw.join(port, "dave")
    host.expect("dave is watching")
    host.say("/game tictactoe")
    host.say("b2")
    bob.expect("your move (O)")
    # Twice her budget in one go (10 lines in 5 s): the first ten are said and journaled,
    # 6 KB each; the rest are refused before any work.
    lines = [f"{n:02d} " + "kibitz " * 850 for n in range(20)]
    for seq, text in enumerate(lines, start=1):
        carol.say(seq, text)
    dave.until_text(lines[9][:40])
    carol.until_text("slow down")
    journal = journal_of(players, port)
    records = [json.loads(line)["record"] for line in journal.read_bytes().splitlines()]
    assert "snapshot" in records[0]  # compacted
    said = sum(len(text) for text in lines[:10])
    # What the table keeps of her lines is in the snapshot, and only that: each spectator's
    # last 50 chat lines (/history), each line written once however many read it, and the
    # game's record, up to its chat limit. Beyond them: the randomness, the seats, the flood
    # budgets and at most the 8 KiB of events since.
    assert journal.stat().st_size < said + MAX_CHAT + (24 << 10)
    assert not any(lines[0][:40] in json.dumps(record) for record in records[1:])

    crash(host)
    bob.expect("connection to alice lost — reconnecting…")
    again = start_host(players, port, says=(RESTORED,))  # the real program reads it back
    bob.expect("reconnected to alice's table", timeout=RESTART_TIMEOUT)
    again.expect("bob is back")
    bob.say("/board")  # the game as it stood, and bob's seat: his move
    bob.expect("2  4 |(X)| 6")
    bob.say("a1")
    again.expect("bob played a1")
