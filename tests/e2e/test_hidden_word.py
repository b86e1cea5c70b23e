"""The hidden word, end to end: nothing the host sends the guesser gives the secret away.

With the real programs, every frame the host sends towards the guesser during a
hangman game whose secret the other player set is free of the secret until the game ends.

A recording TCP proxy sits between a real ``python -m cli.join`` and the real host and keeps
every byte the host sends towards the join; the bytes are decoded with net's own
:class:`net.codec.Decoder`. The host types ``/game hangman maple syrup``; the join guesses
right letters, wrong letters, a letter already guessed (an error frame) and a wrong whole
answer (``/guess "zebra tulip"``) until the gallows is complete. Half-way the proxy cuts the
connection: the join reconnects through it by itself and the host sends the catch-up (the
shows the join had not displayed, by ``show.seq``, and "welcome back") — which must not give
the secret away either.

Looking for the secret's text is the weak check (it would miss, say, the unguessed letters
leaking one by one, or the answer's length leaking through a hint). The strong one: the same
game is played a second time with a decoy secret of the same shape, with the same letters at the
guessed positions but *different* letters everywhere else. If the frames depend on the secret
only through what the guesser has legitimately uncovered, every ``show`` frame before the game
ends is byte-for-byte the same in both runs. After the end, the answer is revealed.
"""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.support import Players, Proxy

SECRET = "maple syrup"
# Same shape (5 + 5 letters), "a" second and "e" fifth, every other letter different.
DECOY = "waste blond"
RIGHT = ("a", "e")
WRONG_WORD = "zebra tulip"  # shaped like the blanks, wrong for both secrets: a miss
GUESS_WORD = f'/guess "{WRONG_WORD}"'  # a whole answer is guessed with /guess, never plainly
# Letters in neither secret. With WRONG_WORD, six misses: the guesser loses and the answer is
# revealed. The last one ends the game.
WRONG = ("z", "q", "j", "x", "k")
BEFORE_CUT = (RIGHT[0], WRONG[0])
AFTER_CUT = (RIGHT[1], WRONG[1], GUESS_WORD, WRONG[2], WRONG[3])
GUESSES = BEFORE_CUT + AFTER_CUT
FINAL = WRONG[4]


def _shape(text: str) -> str:
    return "".join(c if c in RIGHT or not c.isalpha() else "_" for c in text)


def test_the_decoy_is_a_fair_one() -> None:
    """The comparison below only proves something if the decoy differs where it should."""
    assert _shape(SECRET) == _shape(DECOY)
    assert all(a != b for a, b in zip(SECRET, DECOY, strict=True) if a.isalpha() and a not in RIGHT)
    assert not set("".join(WRONG)) & set(SECRET + DECOY)
    assert WRONG_WORD not in (SECRET, DECOY)


def _play(
    players: Players, proxies: list[Proxy], secret: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """Play one game through a recording proxy, cutting the connection once half-way.

    Returns:
        Every frame the host sent the join before the guess that ends the game, the ``show``
        frames it sent after it, and how many connections the join opened through the proxy.
    """
    host, port = players.host("alice")
    proxy = Proxy(port)
    proxies.append(proxy)
    join = players.join(proxy.port, "bob")
    host.expect("bob sat down")
    host.say(f"/game hangman {secret}")
    host.expect("you set the secret; bob guesses")
    join.expect("alice set the secret; you guess")
    join.expect("your guess")
    host.say("good luck")  # chat among the game's shows
    join.expect("<alice> good luck")

    def guess(letters: tuple[str, ...]) -> None:
        for letter in letters:
            join.say(letter)
            host.expect(f"bob guessed {WRONG_WORD if letter == GUESS_WORD else letter}")
            # The prompt for the next guess is the last thing the host sends about this one,
            # and the proxy records bytes before passing them on: all of it is recorded.
            join.expect("your guess")

    guess(BEFORE_CUT)
    proxy.cut()
    join.expect("reconnected to alice's table")
    join.expect("welcome back, bob")  # the end of the catch-up: it had displayed the rest
    join.say(RIGHT[0])  # again: an error for the guesser alone
    join.expect(f"{RIGHT[0]} was already guessed")
    guess(AFTER_CUT)
    shows_before = len(proxy.show_frames())
    frames = proxy.frames()
    join.say(FINAL)
    for player in (host, join):
        player.expect("alice wins — the gallows is complete")
    return frames, proxy.show_frames()[shows_before:], proxy.connections


def _shows(frames: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    return [(f["kind"], f["text"], f["from"]) for f in frames if f["type"] == "show"]


def test_no_frame_before_the_end_depends_on_the_unguessed_letters(
    players: Players, proxies: list[Proxy]
) -> None:
    frames, after, connections = _play(players, proxies, SECRET)
    decoy_frames, decoy_after, _ = _play(players, proxies, DECOY)

    # The proxy really recorded the game, over both connections: two welcomes (the second a
    # resume), a board per guess plus the first, the error, the chat line.
    shows = _shows(frames)
    assert connections == 2
    welcomes = [f for f in frames if f["type"] == "welcome"]
    assert [w["resumed"] for w in welcomes] == [False, True]
    assert sum(kind == "board" for kind, _, _ in shows) == len(GUESSES) + 1, shows
    assert any(k == "error" and t.startswith(f"{RIGHT[0]} was already") for k, t, _ in shows)
    assert ("chat", "good luck", "alice") in shows
    assert any(kind == "notice" and text.startswith("welcome back") for kind, text, _ in shows)

    # Weak check: no text of the secret, nor any word of it, in any frame before the end.
    for frame in frames:
        wire = json.dumps(frame, ensure_ascii=False)
        for word in [SECRET, *SECRET.split()]:
            assert word not in wire, frame

    # Strong check: the same game with a decoy secret looks exactly the same until it ends.
    assert shows == _shows(decoy_frames)

    # After the end, the guesser is told the answer — each their own.
    assert any(f["kind"] == "result" and SECRET in f["text"] for f in after), after
    assert any(f["kind"] == "result" and DECOY in f["text"] for f in decoy_after), decoy_after
