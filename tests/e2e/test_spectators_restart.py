"""Spectators and the host's restart (issue 10 §3 with issue 11's spectators): the host is
killed with SIGKILL while two people watch. Their connections died with it, so after the
replay nobody watches — their going is replayed as events like any other, though the players,
mid-game, are not shown their names (issue 11 review) — and bob's
``show.seq`` goes on exactly: every number once, in order, across both processes, nothing
a spectator said during the game among his frames."""

from __future__ import annotations

import json

from tests.e2e.proxy import Proxy
from tests.e2e.support import Players
from tests.e2e.test_host_restart import RESTART_TIMEOUT, RESTORED, crash, free_port, start_host
from tests.e2e.tools import RawClients

KIBITZ = "bob should play a corner"


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
    # They stopped watching mid-game: the players are not shown their names (issue 11 review)
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
