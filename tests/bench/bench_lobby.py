"""What a lobby of 500 tables costs: memory per table and per connection, and a move's latency
with 2,000 people connected beside the same move on an idle server, in the same run.

Run from the repository root::

    python tests/bench/bench_lobby.py [TABLES]

The lobby server (``cli.lobby_hosting.LobbyServer``, the program's own code, on a free
loopback port, keeping no journal as on port 0) runs in this process, and only it: the people
are a child process of plain text clients (nc's side of the wire), so the resident memory
measured here is the server's alone. The run:

1. one pair opens a table of m,n,k on the biggest board (26×26, five in a row, so that 300
   moves fit in one game nobody wins), two people watch it, and the pair plays 100 moves on
   the otherwise idle server: each move timed from the mover's line leaving the child to the
   other player's "… played" line arriving;
2. the others arrive in the lobby (TABLES×4 connections in all, by default 1,000 players and
   1,000 spectators): the growth of the server's resident memory per connection;
3. they open TABLES−1 tables, sit down, and two watch each of them: the growth per table,
   its game started (each a 15×15 gomoku board);
4. the timed pair plays 100 moves more with everyone connected and the other tables quiet (the
   target's "loaded"); then 100 more while every other table plays a move every few
   milliseconds in turn (each move sent to two players and two spectators): printed beside,
   without a target, since the people's own process then competes for the same two cores.

Targets: the loaded p99 at most 2× the idle p99, and under 50 KiB per table. The soft limit
on open files is raised to what 2,000 connections need (each side holds one descriptor per
connection) when the hard limit allows. Exit status 0 always: this is a measurement, not a
test.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # runnable without installing

from cli.args import HostOptions
from cli.lobby_hosting import LobbyServer
from game.lobby_limits import LobbyLimits

PROBE_MOVES = 100  # three runs of them fit in the timed table's game, which nobody wins
#: The timed table's game: the biggest board, for moves enough to measure a p99 by.
PROBE_GAME = "tictactoe 26x26 k=5"
BATCH = 12  # people arriving at once: within the waiting room's 16 per address
LOAD_PAUSE = 0.004  # seconds between the other tables' moves


def _rss() -> int:
    """This process's resident set size, in bytes (Linux's /proc; getrusage's peak elsewhere)."""
    gc.collect()
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _raise_file_limit(needed: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def _cells(columns: str, rows: int) -> list[str]:
    """Cells on the odd rows, in *columns*: no two of them touch, so nobody wins."""
    return [f"{column}{row}" for row in range(1, rows + 1, 2) for column in columns]


#: The opener's (X) and the sitter's (O) moves, at gomoku and at the timed table.
GOMOKU = (_cells("acegikmo", 15), _cells("bdfhjln", 15))
PROBE = (_cells("acegikmoqsuwy", 26), _cells("bdfhjlnprtvxz", 26))


# ---------------------------------------------------------------------------- the people (child)
class Person:
    """One text client: reads every line the server sends, and can wait for one."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._waiting: list[tuple[bytes, asyncio.Future[float]]] = []
        self._writer: asyncio.StreamWriter | None = None

    async def arrive(self, port: int) -> None:
        reader, self._writer = await asyncio.open_connection("127.0.0.1", port)
        asyncio.get_running_loop().create_task(self._read(reader))
        welcomed = self.expect(b"you are in")
        self.say(self.name)
        await welcomed

    def say(self, line: str) -> None:
        assert self._writer is not None
        self._writer.write(line.encode() + b"\n")

    def expect(self, marker: bytes) -> asyncio.Future[float]:
        """A future set to the arrival time of the next line holding *marker*."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting.append((marker, future))
        return future

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            if not self._waiting:
                continue
            now = time.perf_counter()
            for entry in list(self._waiting):
                if entry[0] in line and not entry[1].done():
                    entry[1].set_result(now)
                    self._waiting.remove(entry)


async def _table(opener: Person, sitter: Person, number: int, game: str = "gomoku") -> None:
    opened = opener.expect(f"you opened table {number}".encode())
    opener.say(f"/open {game}")
    await opened
    started = opener.expect(b"your move")
    sitter.say(f"/sit {number}")
    await started


async def _timed_moves(pair: tuple[Person, Person], moves: list[tuple[int, str]]) -> list[float]:
    """Play *moves* (0: the opener's, 1: the sitter's) in turn; the seconds each took."""
    took = []
    for mover, cell in moves:
        other = pair[1 - mover]
        seen = other.expect(f"{pair[mover].name} played".encode())
        sent = time.perf_counter()
        pair[mover].say(cell)
        took.append(await seen - sent)
    return took


def _moves(start: int, count: int, cells: tuple[list[str], list[str]]) -> list[tuple[int, str]]:
    order = [m for pair in zip(*cells, strict=False) for m in pair]
    return [(i % 2, order[i]) for i in range(start, start + count)]


async def _background(pairs: list[tuple[Person, Person]], stop: asyncio.Event) -> int:
    """Every other table plays its next move in turn until *stop*; returns how many."""
    played = 0
    step = [0] * len(pairs)
    while not stop.is_set():
        for index, pair in enumerate(pairs):
            if stop.is_set():
                break
            move = step[index]
            if move >= 2 * len(GOMOKU[1]):
                continue
            mover, cell = _moves(move, 1, GOMOKU)[0]
            pair[mover].say(cell)
            step[index] += 1
            played += 1
            await asyncio.sleep(LOAD_PAUSE)
    return played


async def _people(port: int, tables: int) -> None:
    def tell(what: str, **values: object) -> None:
        print(json.dumps({"step": what, **values}), flush=True)

    stdin = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)

    async def measured(what: str, **values: object) -> None:
        tell(what, **values)
        await stdin.readline()  # the server has measured itself

    probe = (Person("ann"), Person("bob"))
    for person in probe:
        await person.arrive(port)
    await _table(*probe, 1, PROBE_GAME)
    watchers = [Person(f"w{n}") for n in range(2 * tables)]
    for watcher in watchers[:2]:  # the timed table is watched in every run: the same move
        await watcher.arrive(port)
        seen = watcher.expect(b"you watch as")
        watcher.say("/watch 1")
        await seen
    idle = await _timed_moves(probe, _moves(0, PROBE_MOVES, PROBE))
    await measured("idle")
    crowd = [Person(f"p{n}") for n in range(2 * (tables - 1))]
    everyone = crowd + watchers[2:]
    for start in range(0, len(everyone), BATCH):
        await asyncio.gather(*(p.arrive(port) for p in everyone[start : start + BATCH]))
    await measured("connected", people=len(everyone))
    pairs = [(crowd[2 * i], crowd[2 * i + 1]) for i in range(tables - 1)]
    for number, pair in enumerate(pairs, start=2):
        await _table(*pair, number)
    for number in range(2, tables + 1):
        for watcher in watchers[2 * (number - 1) : 2 * number]:
            seen = watcher.expect(b"you watch as")
            watcher.say(f"/watch {number}")
            await seen
    await measured("tables")
    loaded = await _timed_moves(probe, _moves(PROBE_MOVES, PROBE_MOVES, PROBE))
    stop = asyncio.Event()
    load = loop.create_task(_background(pairs, stop))
    await asyncio.sleep(0.5)  # the load under way
    busy = await _timed_moves(probe, _moves(2 * PROBE_MOVES, PROBE_MOVES, PROBE))
    stop.set()
    played = await load
    tell("done", idle=idle, loaded=loaded, busy=busy, background=played)


def child(port: int, tables: int) -> None:
    """The people's process."""
    _raise_file_limit(4 * tables + 100)
    asyncio.run(_people(port, tables))


# ---------------------------------------------------------------------------- the server
async def serve(tables: int) -> None:
    limits = LobbyLimits(tables=tables, people=10 * tables, people_per_address=10 * tables)
    options = HostOptions(port=0, bind="127.0.0.1", name="bench", color=False, lobby=True)
    server = LobbyServer(options, limits=limits, out=lambda line: None)
    listening = await server.start()
    base = _rss()
    people = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--child",
        str(server.port),
        str(tables),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert people.stdout is not None and people.stdin is not None
    rss: dict[str, int] = {}
    result: dict[str, object] = {}
    count = 0
    while line := await people.stdout.readline():
        step = json.loads(line)
        if step["step"] == "done":
            result = step
            break
        rss[step["step"]] = _rss()
        count = int(step.get("people", count))
        people.stdin.write(b"go\n")
        await people.stdin.drain()
    await people.wait()
    listening.close()
    per_connection = (rss["connected"] - rss["idle"]) / max(1, count)
    per_table = (rss["tables"] - rss["connected"]) / max(1, tables - 1)
    idle = [t * 1e3 for t in result["idle"]]  # type: ignore[attr-defined]
    loaded = [t * 1e3 for t in result["loaded"]]  # type: ignore[attr-defined]
    busy = [t * 1e3 for t in result["busy"]]  # type: ignore[attr-defined]

    def p99(values: list[float]) -> float:
        return statistics.quantiles(values, n=100, method="inclusive")[98]

    print(f"server resident memory: {base / 2**20:.1f} MiB at start")
    print(f"per connection in the lobby: {per_connection / 1024:.1f} KiB ({count} people)")
    print(
        f"per table (players seated, a gomoku game on): {per_table / 1024:.1f} KiB "
        f"— target under 50 KiB"
    )
    print(
        f"everything: {(rss['tables'] - base) / 2**20:.1f} MiB for {tables} tables and "
        f"{count + 4} connections (spectators' watching included)"
    )
    print(f"a move, idle (1 table): p50 {statistics.median(idle):.2f} ms, p99 {p99(idle):.2f} ms")
    print(
        f"a move, loaded ({tables} tables, {count + 4} connected, the others quiet): "
        f"p50 {statistics.median(loaded):.2f} ms, p99 {p99(loaded):.2f} ms"
    )
    print(f"loaded p99 / idle p99: {p99(loaded) / p99(idle):.2f} — target at most 2")
    print(
        f"a move, busy (every other table playing too, {result['background']} moves beside "
        f"it): p50 {statistics.median(busy):.2f} ms, p99 {p99(busy):.2f} ms "
        f"({p99(busy) / p99(idle):.2f}× idle; the people's process shares the CPU)"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), int(sys.argv[3]))
        return
    tables = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    limit = _raise_file_limit(4 * tables + 100)
    print(f"open files: soft limit {limit} (needed about {4 * tables + 100})")
    os.environ.setdefault("PYTHONUTF8", "1")
    asyncio.run(serve(tables))


if __name__ == "__main__":
    main()
