"""Playing tic-tac-toe through the real programs, as a person would type it.

Used after every hostile case to prove the host still does its job: a guest sits down, a whole
game is played, and the result is seen on both screens.
"""

from __future__ import annotations

from tests.e2e.support import Player

# The join (X, it typed /game) takes the left column; the host (O) plays the middle one.
JOIN_MOVES = ("a1", "a2", "a3")
HOST_MOVES = ("b1", "b2")


def start_tictactoe(host: Player, join: Player, join_name: str = "bob") -> None:
    """The join starts a game (so it is X and moves first); wait until both screens say so."""
    join.say("/game tictactoe")
    for player in (host, join):
        player.expect(f"new game: tictactoe — {join_name} (X) against alice (O)")
    join.expect("your move (X)")
    host.expect("waiting for")


def play_tictactoe_to_a_win(host: Player, join: Player, join_name: str = "bob") -> None:
    """A whole game, the join winning; each move is seen by the other side before the next."""
    start_tictactoe(host, join, join_name)
    for number, move in enumerate(JOIN_MOVES):
        join.say(move)
        host.expect(f"{join_name} played {move}")
        if number < len(HOST_MOVES):
            host.expect("your move (O)")
            host.say(HOST_MOVES[number])
            join.expect(f"alice played {HOST_MOVES[number]}")
            join.expect("your move (X)")
    for player in (host, join):
        player.expect(f"{join_name} wins — 3 in a row")
