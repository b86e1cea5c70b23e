"""Spectators, as properties over any conversation: a spectator never learns a hangman secret
before the result, kibitz never reaches a player during a game, a late spectator is shown what
an early one last saw, and watching changes nothing the players are shown.

A script is a list of actions — a line typed by the host, the guest or a spectator, a seat
change (sit, drop, resume, leave) or someone starting or stopping to watch — drawn by
hypothesis and played against a real :class:`~game.table.Table`. An action that cannot happen
now (a line from an empty seat) is passed over.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from game.delivery import Delivery, Kind, Seat, Spectator
from game.table import Table
from tests.game.support import GUEST, HIDDEN, HOST, SEEN, secrets

Action = tuple[str, str]  # (who, what): who is "host", "guest", "spectator", or "table"

PLAYER_LINES = [
    "/game tictactoe",
    "/game hangman",
    "/resign",
    "/rematch",
    "/board",
    "/who",
    "/score",
    "/help watch",
    "5",
    "1",
    "b2",
    "c3",
    "e",
    "a",
    "hi",
    "//9",
]
SPECTATOR_LINES = [*PLAYER_LINES, "/guess abc", "/move 5", "go alice", "/q", "/who"]
TABLE_EVENTS = ["sit", "drop", "resume", "leave", "watch", "watch"]


@dataclass
class Run:
    """One table and the spectators at it, driven by a script."""

    table: Table
    spectators: list[Spectator] = field(default_factory=list)
    first: Spectator | None = None  # watches from the start and never leaves
    fans: tuple[str, ...] = ("fan",)  # the names newcomers choose, in turn (then numbered)

    @classmethod
    def open(
        cls,
        words: list[str],
        *,
        seated: bool = True,
        watched: bool = True,
        first: str = "carol",
        fans: tuple[str, ...] = ("fan",),
    ) -> Run:
        run = cls(Table("alice", rng=random.Random(3), words=words), fans=fans)
        if seated:
            run.table.sit("bob")
        if watched:
            run.first, _ = run.table.watch(first)
            run.spectators.append(run.first)
        return run

    def act(self, action: Action, pick: int = 0) -> tuple[Seat | Spectator | None, list[Delivery]]:
        """Do ``action``; ``pick`` chooses which spectator speaks. Returns who acted and what
        everyone was shown (``None`` and nothing when the action could not happen)."""
        who, what = action
        table = self.table
        if who == "table":
            return None, self._event(what)
        if who == "host":
            return HOST, table.handle(HOST, what)
        if who == "guest":
            if table.guest_name is None or not table.guest_connected:
                return None, []
            return GUEST, table.handle(GUEST, what)
        talkers = [s for s in self.spectators if s in table.spectators]
        if what.startswith("/q"):
            talkers = [s for s in talkers if s != self.first]
        if not talkers:
            return None, []
        spectator = talkers[pick % len(talkers)]
        return spectator, table.handle(spectator, what)

    def _event(self, what: str) -> list[Delivery]:
        table = self.table
        if what == "sit":
            return table.sit("bob")[1] if table.guest_name is None else []
        if what == "watch":
            count = len(self.spectators)
            spectator, out = table.watch(f"{self.fans[count % len(self.fans)]}{count}")
            self.spectators.append(spectator)
            return out
        if what == "drop":
            return table.drop(GUEST, 60)
        if what == "resume":
            return table.resume(GUEST, caught_up=False) if table.guest_name is not None else []
        return table.leave(GUEST)


def actions(player_lines: list[str], spectator_lines: list[str]) -> st.SearchStrategy[Action]:
    return st.one_of(
        st.tuples(st.just("host"), st.sampled_from(player_lines)),
        st.tuples(st.just("guest"), st.sampled_from(player_lines)),
        st.tuples(st.just("spectator"), st.sampled_from(spectator_lines)),
        st.tuples(st.just("table"), st.sampled_from(TABLE_EVENTS)),
    )


def seen_by(deliveries: list[Delivery], spectator: Spectator) -> list[tuple[Kind, str, str | None]]:
    return [
        (d.shown.kind, d.shown.text, d.shown.sender) for d in deliveries if d.reaches(spectator)
    ]


def in_progress(table: Table) -> bool:
    return table.match is not None and table.match.in_progress


# -- the secret ------------------------------------------------------------------------------------
GUESSER = [*SEEN, *SEEN.upper(), "hello there", "/board", "/guess abc", "7", "/who"]
SETTER = ["hi", "e", "/board", "nice", "/score"]
WATCHER = [*SEEN, "/board", "/guess abc", "/game hangman abc", "who wins?", "/who", "//m"]
HANGMAN_EVENTS = ["drop", "resume", "watch", "watch"]


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_no_spectator_learns_the_secret_before_the_result(data: st.DataObject) -> None:
    """Non-interference, as for the guesser (test_table_secrecy): the same script with the
    secret and with a decoy that swaps every hidden letter shows every spectator the same
    thing until the game ends — and the secret itself never."""
    secret = data.draw(secrets())
    decoy = secret.translate(str.maketrans(HIDDEN, HIDDEN[1:] + HIDDEN[0]))
    set_by_host = data.draw(st.booleans())  # or picked by the table: both players guess
    script = data.draw(
        st.lists(
            st.tuples(
                st.one_of(
                    st.tuples(st.just("host"), st.sampled_from(SETTER)),
                    st.tuples(st.just("guest"), st.sampled_from(GUESSER)),
                    st.tuples(st.just("spectator"), st.sampled_from(WATCHER)),
                    st.tuples(st.just("table"), st.sampled_from(HANGMAN_EVENTS)),
                ),
                st.integers(0, 5),
            ),
            max_size=30,
        )
    )
    runs = [Run.open([word]) for word in (secret, decoy)]
    start = (f'/game hangman "{secret}"', f'/game hangman "{decoy}"')
    for run, line in zip(runs, start, strict=True):
        run.spectators.append(run.table.watch("dave")[0])
        run.table.handle(HOST, line if set_by_host else "/game hangman")
    for action, pick in script:
        shown = [run.act(action, pick)[1] for run in runs]
        if not in_progress(runs[0].table):
            break  # the result may name the secret, to everyone
        for index, spectator in enumerate(runs[0].spectators):
            real = seen_by(shown[0], spectator)
            assert real == seen_by(shown[1], runs[1].spectators[index]), action
            if len(secret) >= 8 and any(c in HIDDEN for c in secret):
                assert not any(secret in text for _, text, _ in real), action


# -- kibitz, late spectators, and the players' view ----------------------------------------------
script_of_anything = st.lists(
    st.tuples(actions(PLAYER_LINES, SPECTATOR_LINES), st.integers(0, 5)), max_size=40
)


@settings(max_examples=150, deadline=None)
@given(script_of_anything)
def test_kibitz_never_reaches_a_player_during_a_game(script: list[tuple[Action, int]]) -> None:
    run = Run.open(["apple", "melon"])
    for action, pick in script:
        playing = in_progress(run.table)
        who, out = run.act(action, pick)
        if isinstance(who, Spectator):
            chat_to_seats = [d for d in out if isinstance(d.to, Seat) and d.shown.kind is Kind.CHAT]
            assert not (playing and chat_to_seats), (action, out)
        spectator_names = set(run.table.spectators.names())
        for d in out:
            if isinstance(d.to, Seat) and d.shown.kind is Kind.CHAT and playing:
                assert d.shown.sender not in spectator_names, (action, d)


# names and lines a spectator might choose to coach a player; "zq" marks them as theirs
COACHING_NAMES = ("zq guess E now ", "zq play 5 ", "zq the word is apple ")
COACHING_LINES = ["zq guess e", "zq play c3 now", "//zq try 5", "/guess zq", "/move zq5"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(actions(PLAYER_LINES, [*SPECTATOR_LINES, *COACHING_LINES]), st.integers(0, 5)),
        max_size=40,
    )
)
def test_nothing_a_spectator_chose_reaches_a_player_during_a_game(
    script: list[tuple[Action, int]],
) -> None:
    """A spectator's name is text they chose, as much as their lines are —
    during a game neither reaches a player seat ("zq guess E now is watching" would coach the
    guesser; so would the player's own /who naming them)."""
    run = Run.open(["apple", "melon"], first="zq hint e", fans=COACHING_NAMES)
    for action, pick in script:
        playing = in_progress(run.table)
        _, out = run.act(action, pick)
        if not (playing or in_progress(run.table)):
            continue
        chosen = ["zq", *(s.name for s in run.spectators)]
        for d in out:
            if isinstance(d.to, Seat):
                assert not any(text in d.shown.text for text in chosen), (action, d)
                assert d.shown.sender not in chosen, (action, d)


def test_a_spectator_arriving_or_leaving_mid_game_is_news_to_the_spectators_only() -> None:
    run = Run.open(["apple"])
    table = run.table
    assert run.first is not None
    table.handle(HOST, "/game hangman")
    coach, arrival = table.watch("guess E now")
    assert not [d for d in arrival if isinstance(d.to, Seat)]
    assert [d.shown.text for d in arrival if d.reaches(run.first)] == ["guess E now is watching"]
    assert [d for d in table.unwatch(coach) if isinstance(d.to, Seat)] == []
    table.handle(HOST, "/resign")
    _, between = table.watch("dave")
    assert [d.to for d in between if d.shown.text == "dave is watching"][:2] == [HOST, GUEST]


@settings(max_examples=150, deadline=None)
@given(script_of_anything)
def test_a_late_spectator_sees_the_board_an_early_one_last_saw(
    script: list[tuple[Action, int]],
) -> None:
    run = Run.open(["apple", "melon"])
    assert run.first is not None
    last_board: str | None = None
    for action, pick in script:
        _, out = run.act(action, pick)
        boards = [text for kind, text, _ in seen_by(out, run.first) if kind is Kind.BOARD]
        last_board = boards[-1] if boards else last_board
        late, arrival = run.table.watch("late")
        first_board = next((t for k, t, _ in seen_by(arrival, late) if k is Kind.BOARD), None)
        assert first_board == last_board, action
        run.table.unwatch(late)


# /who is the one answer that differs: it lists the spectators
UNCHANGED_LINES = [line for line in PLAYER_LINES if line != "/who"]
PLAYERS_ONLY = st.lists(
    st.one_of(
        st.tuples(st.just("host"), st.sampled_from(UNCHANGED_LINES)),
        st.tuples(st.just("guest"), st.sampled_from(UNCHANGED_LINES)),
        st.tuples(st.just("table"), st.sampled_from(["sit", "drop", "resume", "leave"])),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(PLAYERS_ONLY, st.integers(0, 3))
def test_watching_changes_nothing_the_players_are_shown(
    script: list[Action], watchers: int
) -> None:
    plain, watched = Run.open(["apple"], watched=False), Run.open(["apple"], watched=False)
    for n in range(watchers):
        watched.table.watch(f"fan{n}")
    for action in script:
        alone = plain.act(action)[1]
        beside = [d for d in watched.act(action)[1] if isinstance(d.to, Seat)]
        assert alone == beside, action


def test_the_script_runner_reaches_every_kind_of_action() -> None:
    """The properties above mean something only if their scripts get somewhere: a game is
    played to the end with spectators kibitzing, coming and going."""
    run = Run.open(["apple"])
    shown: list[Delivery] = []
    script: list[Action] = [
        ("table", "watch"),
        ("host", "/game tictactoe"),
        ("spectator", "go alice"),
        ("host", "5"),
        ("guest", "good luck"),
        ("guest", "1"),
        ("table", "drop"),
        ("table", "resume"),
        ("host", "3"),
        ("guest", "2"),
        ("host", "7"),
        ("spectator", "gg"),
    ]
    for action in script:
        shown += run.act(action)[1]
    assert run.first is not None
    kinds = {kind for kind, _, _ in seen_by(shown, run.first)}
    assert kinds == {Kind.NOTICE, Kind.BOARD, Kind.RESULT, Kind.CHAT}
    assert not in_progress(run.table)
