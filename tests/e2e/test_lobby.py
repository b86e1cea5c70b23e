"""A lobby server of many tables on one port, through the real programs: joins, nc and telnet.

One server, three pairs playing at three tables at once — join/join, join/nc, telnet/join —
spectators at two of them (nc and a join), and someone in the lobby reading ``/tables`` at
every step. A chat line said at one table reaches that table only. Then the server is killed
with SIGKILL mid-game and started again on the same port: every table comes back, every join
resumes its own seat by itself (with the token the lobby gave it when it sat down), and the
games go on; a table opened for a game nobody had sat at yet still starts it. The people on
nc and telnet lost their connections with the old process; their seats are kept for the grace
period, as a dropped join's would be.
"""

from __future__ import annotations

import re

from tests.e2e.support import (
    RESTART_TIMEOUT,
    Client,
    Player,
    Players,
    TextClient,
    crash,
    free_port,
)

OPEN = re.compile(rb"lobby is open on 127\.0\.0\.1:(\d+)")


def start_server(players: Players, port: int) -> Player:
    server = players.start("cli.host", str(port), "--lobby", "--name", "club", state="club")
    assert int(server.expect_re(OPEN).group(1)) == port
    return server


def join(players: Players, port: int, name: str) -> Player:
    player = players.start("cli.join", str(port), "--name", name, state=name)
    player.expect("you are in club's lobby as " + name)
    player.expect(f"<{name}> ")
    assert b"club's table" not in player.raw  # a lobby, not a table: said once
    return player


def text_client(players: Players, port: int, client: Client, name: str) -> TextClient:
    person = TextClient(client, port, players)
    person.sit(name)
    person.expect(f"you are in club's lobby as {name}")
    return person


def tables(lobby: TextClient, *rows: str) -> None:
    """*lobby* (someone in the lobby) types /tables and reads exactly *rows*, in order."""
    lobby.say("/tables")
    lobby.expect(f"tables ({len(rows)} open, at most 1000):")
    for row in rows:
        lobby.expect(row)


def test_three_tables_at_once_then_kill_9_and_every_join_resumes(players: Players) -> None:
    port = free_port()
    server = start_server(players, port)
    lobby = text_client(players, port, Client.NC, "lou")
    ann, cat, fay = (
        join(players, port, "ann"),
        join(players, port, "cat"),
        join(players, port, "fay"),
    )
    bob = join(players, port, "bob")
    dan = text_client(players, port, Client.NC, "dan")
    eve = text_client(players, port, Client.TELNET, "eve")
    ann.say("/open tictactoe")
    ann.expect("you opened table 1 for tictactoe")
    cat.say("/open tictactoe")
    cat.expect("you opened table 2 for tictactoe")
    eve.say("/open tictactoe")
    eve.expect("you opened table 3 for tictactoe")
    tables(
        lobby,
        "1: tictactoe, ann — open seat: /sit 1",
        "2: tictactoe, cat — open seat: /sit 2",
        "3: tictactoe, eve — open seat: /sit 3",
    )
    bob.say("/sit 1")
    dan.say("/sit 2")
    fay.say("/sit 3")
    for opener, sitting in ((ann, "bob"), (cat, "dan"), (eve, "fay")):
        opener.expect(f"{sitting} sat down")
        opener.expect("your move (X)")
    watcher_nc = text_client(players, port, Client.NC, "sam")
    watcher_join = join(players, port, "tia")
    watcher_nc.say("/watch 1")
    watcher_nc.expect("watching ann and bob")
    watcher_join.say("/watch 3")
    watcher_join.expect("watching eve and fay")
    tables(
        lobby,
        "1: tictactoe, ann vs bob, 1 watching",
        "2: tictactoe, cat vs dan",
        "3: tictactoe, eve vs fay, 1 watching",
    )

    # Each opener plays the centre, each sitter a corner: three games at once.
    for opener, sitter, name in ((ann, bob, "ann"), (cat, dan, "cat"), (eve, fay, "eve")):
        opener.say("5")
        sitter.expect(f"{name} played b2")
    for sitter, opener, name in ((bob, ann, "bob"), (dan, cat, "dan"), (fay, eve, "fay")):
        sitter.say("1")
        opener.expect(f"{name} played a1")
    watcher_nc.expect("bob to move")
    watcher_join.expect("fay to move")

    # A line said at one table stays there; lobby chat stays in the lobby.
    ann.say("only for table one")
    bob.expect("only for table one")
    watcher_nc.expect("only for table one")
    dan.say("only for table two")
    cat.expect("only for table two")
    lobby.say("only for the lobby")
    lobby.say("/tables")  # a barrier: answered after everything said before it is delivered
    lobby.expect("3: tictactoe, eve vs fay, 1 watching")
    cat.say("/board")  # the same barrier at the other tables
    cat.expect("your move (X)")
    fay.say("/score")
    fay.expect("score")
    for other in (cat, dan, eve, fay, watcher_join):
        assert b"only for table one" not in other.raw
    for other in (ann, bob, eve, fay, watcher_nc, watcher_join):
        assert b"only for table two" not in other.raw
    for player in (ann, bob, cat, dan, eve, fay, watcher_nc, watcher_join):
        assert b"only for the lobby" not in player.raw

    # A table opened for a game nobody has sat at yet: it keeps that game across the kill.
    lobby.say("/open gomoku")
    lobby.expect("you opened table 4 for gomoku")

    # kill -9 mid-games, start again on the same port: the tables are back, the joins resume.
    crash(server)
    server = start_server(players, port)
    server.expect("restored 4 tables after a restart")
    for player in (ann, bob, cat, fay):
        # the server lost, whoever sits across
        player.expect("connection to club lost — reconnecting…", timeout=RESTART_TIMEOUT)
        player.expect("reconnected to club: back at your table", timeout=RESTART_TIMEOUT)
    watcher_join.expect("back in club's lobby as tia", timeout=RESTART_TIMEOUT)
    bob.expect("ann is back", timeout=RESTART_TIMEOUT)
    ann.say("9")
    bob.expect("ann played c3")
    fay.expect("eve's connection dropped")  # eve was on telnet: her seat is kept for her
    late = text_client(players, port, Client.NC, "liz")
    tables(
        late,
        "1: tictactoe, ann vs bob",
        "2: tictactoe, cat vs dan",
        "3: tictactoe, eve vs fay",
        "4: gomoku, lou — open seat: /sit 4",
    )
    late.say("/sit 4")  # lou's seat is kept for him; sitting down starts his game
    late.expect("new game: gomoku")
    cat.say("3")
    cat.expect("waiting for dan")
