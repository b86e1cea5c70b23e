"""What the end-to-end tests are made of: the real programs, the network between them, and the
clients that are not the join program. Every wait is bounded; everything started is stopped.

Programs in pseudo-terminals (:class:`Players`, :class:`Player`)
    Real host and join processes in pseudo-terminals, for the end-to-end tests of cli/. Every
    process is started with ``sys.executable -m cli.host|cli.join`` from the repository root,
    listens on 127.0.0.1 with port 0 (the host prints the port it got: no fixed ports, no
    races), is waited on with bounded timeouts only, and is killed, with its process group, in
    teardown, also when the test failed.

A TCP proxy that relays, records, holds back and cuts connections (:class:`Proxy`)
    It sits on 127.0.0.1 (a free port) between a join — a real ``python -m cli.join`` or a raw
    protocol client — and the real host, and plays the network between them:

    * it records every byte the host sends towards the join (decoded with net's own sans-IO
      :class:`net.codec.Decoder`, so a frame the host sends that our codec would reject is
      caught);
    * :meth:`Proxy.cut` resets every connection it carries (no bye: both sides see a lost
      connection) and keeps listening, so a join behind it can come back;
    * while :attr:`Proxy.refusing` is set, new connections are closed at once (the network
      stays down);
    * while :attr:`Proxy.holding` is set, what the join sends is swallowed, never reaching the
      host (a message lost in the network); :meth:`Proxy.wait_held` waits until given bytes
      were swallowed.

    Two threads pump each connection; host -> join bytes are recorded *before* they are
    forwarded, so by the time the join shows something, the proxy has already recorded the frame
    that carried it. Every wait is bounded; :meth:`Proxy.close` stops every thread and closes
    every socket.

Raw sockets towards the real host (:class:`RawPeer`, :func:`frame`, :func:`hello`, :func:`say`)
    The hostile clients here are deliberately *not* built on net/: they must be able to send
    bytes that net/ would never produce (bad headers, half frames, garbage) and to misbehave at
    the socket level (never read, half-close). What they receive is decoded with net's own
    sans-IO :class:`net.codec.Decoder`, so a frame the host sends that our codec would reject is
    caught too. Every socket has a timeout, and every wait is bounded: a host that hangs fails
    the test rather than stalling it. Nothing sleeps.

A raw protocol guest, a wire-level guest, the join's state file (:class:`RawClients`,
:class:`WireGuests`, :func:`seats_file`)
    The raw guest speaks through :func:`net.connect` on an event loop running in a thread of its
    own, so the (synchronous, pexpect-driven) tests can use it step by step while its keep-alive
    keeps running. The wire guest is a plain socket (a :class:`RawPeer`): it can send what net
    would never send (a ``say.seq`` out of order, lines after a ``bye``) and it does not close
    when told to, as a broken or hostile program might. Every wait is bounded.

Real ``nc`` and ``telnet`` in pseudo-terminals: people without Python at a tablechat table
(:class:`TextClient`)
    These are programs nobody here wrote (Debian's netcat-openbsd and inetutils-telnet; .ci/run
    installs them), so they are driven exactly as a person would: started in a terminal, lines
    typed and Enter pressed. What they do, learnt by running them against a bare socket server:

    * ``nc HOST PORT`` sends nothing until Enter (the host sees silence, then a person), ends
      each line with LF, and echoes nothing itself (the terminal's cooked mode echoes and edits
      the line). Ctrl-D does NOT end the connection (this nc half-closes only with ``-N``);
      Ctrl-C ends nc, and the host reads end-of-file. When the host closes, nc stays until Enter
      (or Ctrl-C) is pressed.
    * ``telnet HOST PORT`` sends nothing on connect and ends lines with CR LF. It prints
      "Trying …", "Connected to …" and "Escape character is '^]'." before anything the host
      sends, and "Connection closed by foreign host." when the host closes (then it exits by
      itself). Ctrl-D sends a literal 0x04 byte; Ctrl-C sends ``IAC IP IAC DO TIMING-MARK`` even
      though the client never negotiated, then DISCARDS everything the host sends until an
      ``IAC WONT/WILL TIMING-MARK`` answers it — every time Ctrl-C is pressed. Ctrl-] then
      ``quit`` leaves.
    * ``telnet -- HOST -PORT`` (the dash asks inetutils telnet to negotiate) sends ``IAC DO
      ENCRYPT, WILL ENCRYPT, DO SGA, WILL TTYPE, NAWS, TSPEED, LFLOW, LINEMODE, NEW-ENVIRON, DO
      STATUS`` at once, as its first bytes. Refused everything, it stays a line-at-a-time
      terminal with local echo. Ctrl-D sends ``IAC EOF``; Ctrl-C as above.

    A terminal shows the host's CR LF as CR CR LF under nc (the pty adds a CR), so tests match
    text, never line ends. The terminal also echoes what is typed: expect a client's own words
    only on the *other* screens.

Playing tic-tac-toe through the real programs, as a person would type it
(:func:`play_tictactoe_to_a_win`)
    Used after every hostile case to prove the host still does its job: a guest sits down, a
    whole game is played, and the result is seen on both screens.

The host's restart (:func:`start_host`, :func:`crash`)
    A test cannot ask for a fixed port, and a host on port 0 keeps no journal (it could not be
    found again): a test binds port 0 itself to learn a free port (:func:`free_port`), then
    gives it to the host.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import os
import re
import select
import shutil
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pexpect
import pytest

from cli.seats_file import SeatsFile
from net.codec import Decoder, encode
from net.connection import Connection, ConnectionClosed, Refused, connect
from net.errors import RemoteProtocolError
from net.messages import Hello, Say, Show
from tests.cli.support import REPO

# --- programs in pseudo-terminals -----------------------------------------------------------------

TIMEOUT = 5.0  # seconds for any one expected output; generous for a loaded 2-core CI machine
ROWS = 60
OPEN_LINE = re.compile(rb"table is open on 127\.0\.0\.1:(\d+)")


class _Sink:
    """A pexpect log file that keeps every raw byte the child wrote to its terminal."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> None:
        self.data += data

    def flush(self) -> None:
        pass


def child_env(
    home: Path,
    *,
    no_color: bool = True,
    term: str = "xterm",
    state: str = "state",
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a child program: a private HOME, the repo importable, UTF-8.

    *state* names the program's own state directory (XDG_STATE_HOME, where the join keeps its
    seat tokens): programs given the same *state* are the same person on the same machine.
    *extra* variables are set last (``{"NO_COLOR": ""}``).
    """
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "COLUMNS", "LINES"}}
    env["HOME"] = str(home)  # the programs keep per-user state: never touch the real one
    # Set explicitly: an XDG_STATE_HOME inherited from the test runner would be the real one.
    env["XDG_STATE_HOME"] = str(home / "xdg-state" / state)
    env["TERM"] = term
    env["PYTHONUTF8"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    if no_color:
        env["NO_COLOR"] = "1"
    env.update(extra or {})
    return env


class Player:
    """One running program in a pseudo-terminal."""

    def __init__(
        self, program: str, args: list[str], env: dict[str, str], columns: int = 220
    ) -> None:
        self.sink = _Sink()
        self.child = pexpect.spawn(
            program,
            args,
            env=env,
            cwd=str(REPO),
            timeout=TIMEOUT,
            dimensions=(ROWS, columns),  # default wide: no line of ours wraps
        )
        self.child.logfile_read = self.sink
        # pexpect sleeps 100 ms after closing the terminal, for the kernel to report the exit:
        # :meth:`reap` asks the kernel whether the program is gone instead.
        self.child.ptyproc.delayafterclose = 0.0

    @property
    def raw(self) -> bytes:
        """Everything the program wrote to its terminal so far."""
        return bytes(self.sink.data)

    def type(self, text: str) -> None:
        """Type *text* without pressing Enter."""
        self.child.send(text.encode())

    def say(self, line: str) -> None:
        """Type *line* and press Enter."""
        self.child.send(line.encode() + b"\r")

    def expect(self, text: str, timeout: float = TIMEOUT) -> None:
        """Wait until *text* appears (after what earlier expects consumed)."""
        self.child.expect_exact(text.encode(), timeout=timeout)

    def expect_re(
        self, pattern: bytes | re.Pattern[bytes], timeout: float = TIMEOUT
    ) -> re.Match[bytes]:
        """Wait for a regular expression on the raw bytes; return the match."""
        self.child.expect(pattern, timeout=timeout)
        match = self.child.match
        assert isinstance(match, re.Match)
        return match

    def wait_exit(self, timeout: float = TIMEOUT) -> int:
        """Wait for the program to end by itself; return its exit status."""
        self.child.expect(pexpect.EOF, timeout=timeout)
        self.reap(timeout)
        status = self.child.exitstatus
        assert status is not None, f"ended by signal {self.child.signalstatus}"
        return int(status)

    def close_terminal(self, timeout: float = TIMEOUT) -> None:
        """Close the terminal's window, as a terminal emulator does, and wait for the program
        to end.

        The master side of the pseudo-terminal is closed and nothing else is done: the kernel
        hangs the terminal up (reads on it end, SIGHUP goes to the session leader) and the
        programs in it find out as they would when a person closes the window.
        """
        proc = self.child.ptyproc
        proc.fileobj.close()
        # What ptyprocess's own close() records: it must not flush or signal the program later.
        proc.closed = True
        self.reap(timeout, after="its terminal closed")

    def reap(self, timeout: float = TIMEOUT, *, after: str = "it ended its output") -> None:
        """Wait until the program has exited (its exit status is then known), then close its
        terminal; fail if it still runs after *timeout* seconds.

        For a program that ended or was signalled: its terminal's end of file comes a moment
        before the kernel can report the exit, so the exit is polled for, not assumed.

        Args:
            timeout: Seconds the program has to be gone.
            after: What it should be gone after, for the failure's message.

        Raises:
            AssertionError: It still runs after *timeout* seconds.
        """
        deadline = time.monotonic() + timeout
        while self.child.isalive():  # a waitpid(WNOHANG) each time: reaps it once it exited
            if time.monotonic() > deadline:
                raise AssertionError(f"still running {timeout:g} s after {after}")
            time.sleep(0.005)
        self.child.close()  # the terminal only: nothing is left to signal

    def stop(self) -> None:
        """Kill the program if it still runs, with whatever else runs in its process group (a
        shell's command), and reap it.

        A teardown has nothing left to learn from how a program ends, so it is killed at once
        (SIGKILL) rather than asked to stop and given time. pexpect can raise while closing
        (PtyProcessError, OSError): the program is then killed by its process id all the same,
        and the error is raised afterwards.
        """
        try:
            if self.child.isalive():
                # The child is a session leader (pexpect's setsid): its id names its group.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.child.pid, signal.SIGKILL)
            self.reap(after="SIGKILL")
        except BaseException:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(self.child.pid, signal.SIGKILL)
                os.waitpid(self.child.pid, 0)  # reap it: the kill is sure to be delivered
            raise


class Players:
    """Starts programs for one test and cleans every one of them up."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.started: list[Player] = []

    def start(
        self,
        module: str,
        *args: str,
        no_color: bool = True,
        term: str = "xterm",
        state: str | None = None,
        columns: int = 220,
        extra: dict[str, str] | None = None,
        shell: bool = False,
        job_control: bool = False,
    ) -> Player:
        """Start ``python -m MODULE ARGS``. Each program is a different person (its own state
        directory, so one join never resumes another's seat) unless given the same *state*.
        Its terminal has :data:`ROWS` rows and *columns* columns; *extra* goes to
        :func:`child_env`.

        With *shell* it is started from a shell, as in a terminal window, and that shell
        ignores SIGHUP. Closing a real window hangs the terminal up — the program's reads end
        at once — and sends SIGHUP to the shell, which passes it on to the program only
        afterwards; here it never comes, so the program sees only its input ending: the
        order a window's close usually takes, made certain.

        With *job_control* it is started by a shell with job control (``set -m``), as a shell
        in a window runs it: Ctrl-Z stops it and gives the terminal back to the shell, which
        then reads one line (press Enter) and brings the program back with ``fg``."""
        state = state if state is not None else f"program-{len(self.started)}"
        env = child_env(self.home, no_color=no_color, term=term, state=state, extra=extra)
        argv = [sys.executable, "-m", module, *args]
        if shell:
            # "; exit" keeps the shell there: a lone command it would replace itself with.
            argv = ["/bin/sh", "-c", 'trap "" HUP; "$@"; exit $?', "sh", *argv]
        elif job_control:
            argv = ["/bin/sh", "-c", 'set -m; "$@"; read more; fg', "sh", *argv]
        player = Player(argv[0], argv[1:], env, columns)
        self.started.append(player)
        return player

    def start_shell(self, command: str) -> Player:
        """Run *command* with /bin/sh in a pseudo-terminal (to look at the terminal afterwards)."""
        player = Player("/bin/sh", ["-c", command], child_env(self.home))
        self.started.append(player)
        return player

    def host(self, name: str = "alice", *args: str, **kw: object) -> tuple[Player, int]:
        """Start a host on a free port; return it and the port it printed."""
        host = self.start("cli.host", "0", "--name", name, *args, **kw)  # type: ignore[arg-type]
        port = int(host.expect_re(OPEN_LINE).group(1))
        host.expect(f"<{name}> ")  # the prompt: readline owns the terminal, typing is safe
        return host, port

    def join(self, port: int, name: str = "bob", *args: str, **kw: object) -> Player:
        """Start a join towards *port* and wait until it sat down."""
        join = self.start("cli.join", str(port), "--name", name, *args, **kw)  # type: ignore[arg-type]
        join.expect("you joined")
        join.expect(f"<{name}> ")  # the prompt: readline owns the terminal, typing is safe
        return join

    def pair(self, host_name: str = "alice", join_name: str = "bob") -> tuple[Player, Player, int]:
        """A host and a seated join; the host has seen the join sit down."""
        host, port = self.host(host_name)
        join = self.join(port, join_name)
        host.expect(join_name)
        return host, join, port

    def cleanup(self) -> None:
        """Stop every program started, each guarded: one that fails to stop (and is killed by
        its process id instead) never leaves the others running. The first error is raised
        once all are stopped, so a teardown that went wrong is not silent."""
        errors: list[Exception] = []
        for player in self.started:
            try:
                player.stop()
            except Exception as exc:
                errors.append(exc)
        if errors:
            raise errors[0]


def tictactoe_started(host: Player, join: Player) -> None:
    """With bob seated at alice's table: alice starts tic-tac-toe and plays b2; bob (O) is to
    move, and both screens have said so."""
    host.expect("bob sat down")
    host.say("/game tictactoe")
    host.expect("your move (X)")
    join.expect("waiting for alice (X)")
    host.say("b2")
    join.expect("your move (O)")


# --- the TCP proxy --------------------------------------------------------------------------------

WAIT = 5.0  # seconds for anything that should happen "at once" on a loaded 2-core machine
LOOPBACK = "127.0.0.1"


def decode_all(data: bytes) -> tuple[list[dict[str, Any]], RemoteProtocolError | None]:
    """Decode *data* with net's decoder: the frames it holds and the error that stopped it."""
    decoder = Decoder()
    frames: list[dict[str, Any]] = []
    try:
        decoder.receive_data(data)
        while (obj := decoder.next_message()) is not None:
            frames.append(obj)
    except RemoteProtocolError as exc:
        return frames, exc
    return frames, None


class Proxy:
    """A TCP relay on 127.0.0.1:0 towards the host at *upstream_port* (see the module doc).

    Each connection a join opens through it gets its own connection to the host, and its own
    record of the host -> join bytes (decoded separately: a cut connection may end mid-frame).
    """

    def __init__(self, upstream_port: int) -> None:
        """Listen on a free port; connect to the host at *upstream_port* for each join."""
        self.upstream_port = upstream_port
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind((LOOPBACK, 0))
        self.listener.listen(4)
        self.listener.settimeout(0.2)  # so the acceptor notices close() without a wake-up
        self.port: int = self.listener.getsockname()[1]
        # While set, new connections are closed at once: the network is down.
        self.refusing = threading.Event()
        # While set, join -> host bytes are swallowed (kept in _held), never forwarded.
        self.holding = threading.Event()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._held = bytearray()
        self._streams: list[bytearray] = []
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        acceptor = threading.Thread(target=self._accept, daemon=True)
        acceptor.start()
        self._threads.append(acceptor)

    @property
    def connections(self) -> int:
        """How many connections the join has opened through the proxy so far."""
        with self._lock:
            return len(self._streams)

    def frames(self) -> list[dict[str, Any]]:
        """Every frame the host sent towards the join so far, in order, over all connections."""
        with self._lock:
            streams = [bytes(stream) for stream in self._streams]
        frames: list[dict[str, Any]] = []
        for stream in streams:
            decoded, error = decode_all(stream)
            assert error is None, f"the host sent a frame net's own decoder rejects: {error}"
            frames += decoded
        return frames

    def received(self) -> list[bytes]:
        """The raw bytes the host sent towards the client so far, one entry per connection.

        For clients that do not speak frames (people on nc/telnet get plain text lines).
        """
        with self._lock:
            return [bytes(stream) for stream in self._streams]

    def show_frames(self) -> list[dict[str, Any]]:
        """The decoded ``show`` frames sent towards the join so far, in order."""
        return [f for f in self.frames() if f["type"] == "show"]

    def wait_held(self, marker: bytes, timeout: float = WAIT) -> bytes:
        """Wait until the bytes swallowed while :attr:`holding` contain *marker*; return them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while marker not in self._held:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{marker!r} never reached the proxy: {bytes(self._held)!r}")
                self._changed.wait(left)
            return bytes(self._held)

    def cut(self) -> None:
        """Reset every carried connection (both sides see a lost connection, no bye)."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                # Linger 0: close sends RST, like a network that went away. shutdown() first
                # wakes the pump thread blocked in recv() on this socket.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def close(self) -> None:
        """Stop accepting, close every socket, and wait (bounded) for the threads."""
        # First no new connections (a join reconnects at once after a cut), then cut the rest.
        self._stop.set()
        with contextlib.suppress(OSError):
            # Wakes the acceptor blocked in accept() (it fails at once) rather than leaving it
            # to see _stop at its next 0.2 s timeout.
            self.listener.shutdown(socket.SHUT_RDWR)
        self._threads[0].join(WAIT)
        with contextlib.suppress(OSError):
            self.listener.close()
        self.cut()
        for thread in self._threads[1:]:
            thread.join(WAIT)
        alive = [thread.name for thread in self._threads if thread.is_alive()]
        assert not alive, f"proxy threads still running after close: {alive}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener was closed
            if self._stop.is_set() or self.refusing.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection((LOOPBACK, self.upstream_port), timeout=WAIT)
            except OSError:
                client.close()  # the host is gone: the join sees the connection end
                continue
            stream = bytearray()
            with self._lock:
                self._streams.append(stream)
                self._sockets += [client, upstream]
            for sock in (client, upstream):
                sock.settimeout(None)  # pumps block; cut()/close() unblock them
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for source, target, record in ((client, upstream, None), (upstream, client, stream)):
                pump = threading.Thread(
                    target=self._pump, args=(source, target, record), daemon=True
                )
                pump.start()
                self._threads.append(pump)

    def _pump(self, source: socket.socket, target: socket.socket, record: bytearray | None) -> None:
        """Forward *source* to *target*; *record* is given for host -> join only."""
        try:
            while chunk := source.recv(65536):
                if record is not None:
                    with self._lock:
                        record += chunk
                elif self.holding.is_set():
                    with self._changed:
                        self._held += chunk
                        self._changed.notify_all()
                    continue
                target.sendall(chunk)
            target.shutdown(socket.SHUT_WR)  # pass the half-close on
        except OSError:
            pass


# --- raw sockets ----------------------------------------------------------------------------------


def frame(body: bytes) -> bytes:
    """A frame with a correct 4-byte big-endian length header around *body*."""
    return len(body).to_bytes(4, "big") + body


def hello_body(name: str) -> bytes:
    """The JSON body of a well-formed version-1 hello asking for *name*."""
    return encode(
        {
            "type": "hello",
            "protocol": "tablechat",
            "version": 1,
            "name": name,
            "code": None,
            "token": None,
        }
    )[4:]


def hello(name: str) -> bytes:
    """A complete, well-formed hello frame."""
    return frame(hello_body(name))


def say(seq: int, text: str) -> bytes:
    """A complete ``say`` frame."""
    return encode({"type": "say", "seq": seq, "text": text})


class RawPeer:
    """One plain TCP socket towards the host, with bounded reads decoded as frames."""

    def __init__(self, port: int, *, rcvbuf: int | None = None, mss: int | None = None) -> None:
        """Connect to 127.0.0.1:*port*; *rcvbuf* shrinks our receive buffer and *mss* the TCP
        segment size we announce (both set pre-connect). A small *mss* makes the host's kernel
        size its send buffer for a slow link (~50 KB, not the ~3 MB loopback gets), so what
        the host queues for us shows in its own send buffer, as it would over a real slow link.
        """
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if mss is not None:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
        self.sock.settimeout(WAIT)
        self.sock.connect((LOOPBACK, port))
        self.received = bytearray()
        self.eof = False

    def send(self, data: bytes) -> None:
        """Send all of *data* (bounded by the socket timeout)."""
        self.sock.sendall(data)

    def frames(self) -> list[dict[str, Any]]:
        """Every frame received so far; the host must never send what net cannot decode."""
        frames, error = decode_all(bytes(self.received))
        assert error is None, f"the host sent a frame net's own decoder rejects: {error}"
        return frames

    def read_until(
        self, done: Callable[[list[dict[str, Any]]], bool], timeout: float = WAIT
    ) -> list[dict[str, Any]]:
        """Read until *done(frames)* holds or the host closes; fail after *timeout* seconds."""
        deadline = time.monotonic() + timeout
        while not done(frames := self.frames()):
            if self.eof:
                return frames
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"host did not answer as expected; frames so far: {frames}")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                chunk = b""
            finally:
                self.sock.settimeout(WAIT)
            if not chunk:
                self.eof = True
            self.received += chunk
        return frames

    def read_to_eof(self, timeout: float = WAIT) -> list[dict[str, Any]]:
        """Read until the host closes the connection (fail after *timeout* seconds)."""
        return self.read_until(lambda _frames: False, timeout) if not self.eof else self.frames()

    def nothing_yet(self) -> bool:
        """True if the host has neither sent anything nor closed: looked at without waiting."""
        readable, _, _ = select.select([self.sock], [], [], 0)
        return not readable  # readable: a byte waits, or the host closed (EOF)

    def close(self) -> None:
        """Close the socket (idempotent)."""
        with contextlib.suppress(OSError):
            self.sock.close()


# --- raw and wire guests, the join's seats file ---------------------------------------------------

GUEST_TIMEOUT = 5.0  # seconds a raw or wire guest waits for the host
T = TypeVar("T")


class RawGuest:
    """One protocol-level guest connection, driven synchronously from a test."""

    def __init__(self, clients: RawClients, connection: Connection) -> None:
        self._clients = clients
        self.connection = connection
        self.shows: list[Show] = []  # every show received, in order

    @property
    def token(self) -> str:
        """The seat token from this connection's welcome."""
        assert self.connection.welcome is not None
        return self.connection.welcome.token

    def say(self, seq: int, text: str) -> None:
        """Send ``say(seq, text)``."""
        self._clients.run(self.connection.send(Say(seq=seq, text=text)))

    def until(self, test: Callable[[Show], bool], timeout: float = GUEST_TIMEOUT) -> Show:
        """Read shows until one passes *test*; return it (all are kept in :attr:`shows`)."""

        async def read() -> Show:
            while True:
                message = await self.connection.recv()
                assert isinstance(message, Show)
                self.shows.append(message)
                if test(message):
                    return message

        return self._clients.run(asyncio.wait_for(read(), timeout))

    def until_text(self, text: str, timeout: float = GUEST_TIMEOUT) -> Show:
        """Read shows until one contains *text*."""
        return self.until(lambda show: text in show.text, timeout)

    def closed_reason(self, timeout: float = GUEST_TIMEOUT) -> ConnectionClosed:
        """Read until the connection ends; return how it ended."""

        async def read() -> ConnectionClosed:
            while True:
                try:
                    message = await self.connection.recv()
                except ConnectionClosed as closed:
                    return closed
                assert isinstance(message, Show)
                self.shows.append(message)

        return self._clients.run(asyncio.wait_for(read(), timeout))

    def abort(self) -> None:
        """Cut the socket at once, without bye: a connection lost, as far as the host knows."""

        async def cut() -> None:
            # net's Connection has no public "cut" (programs never need one): use the link's.
            self.connection._link.abort("cut by the test")

        self._clients.run(cut())

    def leave(self) -> None:
        """Say bye and close."""
        self._clients.run(self.connection.close("left"))


class RawClients:
    """An event loop in a thread, and the raw guests made on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._guests: list[RawGuest] = []

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = GUEST_TIMEOUT + 1) -> T:
        """Run *coro* on the loop thread and return its result (bounded)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def join(
        self, port: int, name: str = "mallory", *, token: str | None = None, code: str | None = None
    ) -> RawGuest:
        """Connect to 127.0.0.1:*port* and say hello; raises Refused when refused."""
        hello = Hello(name=name, code=code, token=token)
        connection = self.run(connect("127.0.0.1", port, hello))
        guest = RawGuest(self, connection)
        self._guests.append(guest)
        return guest

    def refused(
        self, port: int, name: str = "mallory", *, token: str | None = None, code: str | None = None
    ) -> Refused:
        """Connect expecting a refusal; return it."""
        try:
            self.join(port, name, token=token, code=code)
        except Refused as refused:
            return refused
        raise AssertionError("the host accepted a hello it should have refused")

    def close(self) -> None:
        """Close every guest, stop the loop and its thread."""
        for guest in self._guests:
            # Teardown: a connection already gone is fine.
            with contextlib.suppress(Exception):
                self.run(guest.connection.close("left"), timeout=3)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(3)
        self.loop.close()


class WireGuest:
    """A guest on a plain socket: says hello (with a token to resume), then what the test says.

    It never answers pings and never closes by itself: only :meth:`close` does.
    """

    def __init__(self, port: int, name: str, *, token: str | None = None) -> None:
        """Connect to 127.0.0.1:*port* and send a hello for *name* (resuming with *token*)."""
        self.peer = RawPeer(port)
        self.peer.send(encode(Hello(name=name, token=token).to_dict()))

    def answer(self) -> dict[str, Any]:
        """Wait for the host's answer to the hello (welcome or refuse) and return it."""
        frames = self.peer.read_until(bool)
        assert frames, "the host closed without answering the hello"
        return frames[0]

    @property
    def token(self) -> str:
        """The seat token of this connection's welcome."""
        answer = self.answer()
        assert answer["type"] == "welcome", answer
        token = answer["token"]
        assert isinstance(token, str)
        return token

    def say(self, seq: int, text: str) -> None:
        """Send ``say(seq, text)``; a host that already closed is not an error here."""
        with contextlib.suppress(OSError):
            self.peer.send(say(seq, text))

    def last_frames(self, timeout: float = GUEST_TIMEOUT) -> list[dict[str, Any]]:
        """Read until the host closes; return every frame after the answer to the hello."""
        frames = self.peer.read_to_eof(timeout)
        assert self.peer.eof, "the host did not close the connection"
        return [f for f in frames[1:] if f["type"] not in {"ping", "pong", "show"}]

    def close(self) -> None:
        """Close the socket (idempotent)."""
        self.peer.close()


class WireGuests:
    """Opens wire guests for one test and closes every one of them."""

    def __init__(self) -> None:
        self._opened: list[WireGuest] = []

    def __call__(self, port: int, name: str = "bob", *, token: str | None = None) -> WireGuest:
        """Connect a :class:`WireGuest`; it is closed at teardown."""
        guest = WireGuest(port, name, token=token)
        self._opened.append(guest)
        return guest

    def bob_at_alices_table(self, players: Players) -> tuple[Player, int, WireGuest]:
        """Start the host alice and seat a wire guest bob (welcomed; alice saw him sit down).

        Returns:
            The host, its port and bob.
        """
        host, port = players.host("alice")
        bob = self(port, "bob")
        assert bob.answer()["type"] == "welcome"
        host.expect("bob sat down")
        return host, port, bob

    def close(self) -> None:
        """Close every guest opened."""
        for guest in self._opened:
            guest.close()


def seats_file(home: Path, state: str) -> Path:
    """Where the join started with that *state* (see :meth:`Players.start`) keeps its seats."""
    return home / "xdg-state" / state / "tablechat" / "seats.json"


def stored_token(home: Path, state: str, port: int, name: str = "bob") -> str:
    """The seat token the join with *state* keeps for *name* at 127.0.0.1:*port*."""
    # Read as the join reads it: the file keys tokens by table and --name.
    entry = SeatsFile(seats_file(home, state)).get(f"127.0.0.1:{port}", name)
    assert entry is not None
    return entry.token


# --- nc and telnet --------------------------------------------------------------------------------

#: The host's first question to a person (contract T's greeting ends with it).
NAME_PROMPT = "what is your name?"
#: What the host asks next when the table needs a join code.
CODE_PROMPT = "join code"
#: inetutils telnet's last line of its own before the host's bytes.
TELNET_READY = "Escape character is '^]'."
#: inetutils telnet's line when the host closed the connection.
TELNET_CLOSED = "Connection closed by foreign host."
PACKAGES = {"nc": "netcat-openbsd", "telnet": "inetutils-telnet"}


class Client(enum.Enum):
    """The real programs a person may connect with."""

    NC = "nc"
    TELNET = "telnet"
    NEGOTIATING_TELNET = "telnet --"  # ``telnet -- HOST -PORT`` negotiates options at once

    def argv(self, port: int) -> tuple[str, list[str]]:
        """The program and its arguments towards 127.0.0.1:*port*."""
        if self is Client.NC:
            return "nc", ["127.0.0.1", str(port)]
        if self is Client.TELNET:
            return "telnet", ["127.0.0.1", str(port)]
        return "telnet", ["--", "127.0.0.1", f"-{port}"]


def require_programs() -> None:
    """Fail (not skip) with the way out when nc or telnet is not installed: CI installs them."""
    missing = [PACKAGES[name] for name in PACKAGES if shutil.which(name) is None]
    if missing:
        pytest.fail(
            f"the nc and telnet tests in tests/e2e need {' and '.join(missing)}: run .ci/run, or "
            f"apt-get install --no-install-recommends {' '.join(missing)}",
            pytrace=False,
        )


class TextClient(Player):
    """A person on nc or telnet, in a pseudo-terminal of their own."""

    def __init__(self, client: Client, port: int, players: Players) -> None:
        """Start *client* towards 127.0.0.1:*port*; *players* stops it at teardown.

        Raises:
            pexpect.TIMEOUT: telnet did not say it is connected.
        """
        require_programs()
        program, args = client.argv(port)
        super().__init__(program, args, child_env(players.home))
        players.started.append(self)
        self.client = client
        if client is Client.NC:
            # nc never changes its terminal's modes: a line typed ahead waits in the line
            # discipline until nc reads it, so pexpect's pause before each write (for programs
            # that switch modes, or echo, after a prompt) is a fixed wait for nothing.
            self.child.delaybeforesend = None
        else:
            # telnet's own lines come first: wait them out so no later expect matches them.
            self.expect(TELNET_READY)

    def sit(self, name: str, code: str | None = None) -> None:
        """Answer the host's banner with *name* (and *code* when the table asks for one)."""
        self.expect(NAME_PROMPT)
        self.say(name)
        if code is not None:
            self.expect(CODE_PROMPT)
            self.say(code)

    def leave(self, last_line: str) -> None:
        """Type /q, read the host's *last_line*, and see the program end (bounded waits).

        nc outlives the closed connection (until a write to it fails, or Ctrl-C): the person
        presses Ctrl-C. telnet ends by itself after saying the host closed it.
        """
        self.say("/q")
        self.expect(last_line)
        if self.client is Client.NC:
            self.interrupt()  # what the person does: this nc outlives the connection
        else:
            self.expect(TELNET_CLOSED)
        self.wait_ended()

    def wait_ended(self, timeout: float = TIMEOUT) -> None:
        """Wait until the program is gone, however it ended (nc dies of Ctrl-C's SIGINT)."""
        self.child.expect(pexpect.EOF, timeout=timeout)
        self.reap(timeout)

    def interrupt(self) -> None:
        """Press Ctrl-C (nc ends; telnet sends IAC IP and waits for its timing mark)."""
        self.child.sendintr()


def start_text_client(players: Players, client: Client, port: int, name: str) -> TextClient:
    """Connect *client* to the host on *port* and answer its banner with *name*."""
    person = TextClient(client, port, players)
    person.sit(name)
    return person


def sat_down(host: Player, person: TextClient, name: str = "bob") -> None:
    """Both screens say *name* sat down at alice's table."""
    host.expect(f"{name} sat down")
    person.expect(f"welcome to alice's table, {name}")


def assert_plain_text(wire: bytes) -> None:
    """*wire* is what a text client received: UTF-8 lines ending CR LF, nothing a terminal obeys."""
    assert wire, "nothing was captured"
    assert b"\xff" not in wire, "0xFF reached a client that never negotiated telnet"
    assert b"\x1b" not in wire, "an escape sequence reached the person's terminal"
    text = wire.decode("utf-8")  # raises on anything but UTF-8
    assert "\x9b" not in text and "\u202e" not in text and "\x07" not in text
    assert wire.endswith(b"\r\n"), wire[-80:]
    bare = wire.replace(b"\r\n", b"")
    assert b"\r" not in bare and b"\n" not in bare, "a line ended other than CR LF"


# --- tic-tac-toe as a person plays it -------------------------------------------------------------

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


# --- the host's restart ---------------------------------------------------------------------------

HOST_STATE = "alice"  # the host's state directory: the same person on the same machine
JOIN_STATE = "bob"
RESTART_TIMEOUT = 15.0  # the join's back-off reaches 5 s between attempts; load margin on top
RESTORED = "restored alice's table after a restart"


def free_port() -> int:
    """A port nothing listens on now (the host binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def journal_of(players: Players, port: int) -> Path:
    """Where alice's host keeps the journal of the table on *port*."""
    return players.home / "xdg-state" / HOST_STATE / "tablechat" / "tables" / f"{port}.journal"


def start_host(
    players: Players,
    port: int,
    *args: str,
    says: tuple[str, ...] = (),
    program: str = "cli.host",
) -> Player:
    """Start alice's host on *port*, see it say *says* (in order), and wait for its prompt.

    *program* is the module run: ``cli.host``, or one of tests/e2e/programs/ (a host with one
    rule changed for the test).
    """
    host = players.start(program, str(port), "--name", "alice", *args, state=HOST_STATE)
    assert int(host.expect_re(OPEN_LINE).group(1)) == port
    for text in says:
        host.expect(text)
    host.expect("<alice> ")
    return host


def crash(host: Player) -> None:
    """SIGKILL: no bye, no cleanup; return once the process is gone (its port is free)."""
    host.child.kill(signal.SIGKILL)
    host.child.expect(pexpect.EOF)
    host.reap(after="SIGKILL")


# --- hostile chat ---------------------------------------------------------------------------------

#: Chat lines a terminal would act on, each with what a screen shows of it instead: the escapes
#: made visible, never obeyed.
HOSTILE = {
    "clear screen": ("\x1b[2J", "^[[2J"),
    "OSC 52 clipboard": ("\x1b]52;c;cm0gLXJmIH4=\x07", "^[]52;c;cm0gLXJmIH4=^G"),
    "OSC 8 link": ("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "^[]8;;http://evil^[\\click"),
    "C1 CSI": ("\x9b31mred", "\\u009b31mred"),
    "lone ESC": ("a\x1bb", "a^[b"),
    # The table itself turns a CR in chat into a space; either way nothing is overwritten.
    "carriage return": ("real\rforged", "real forged"),
    "bidi override": ("abc\u202edef", "abc\\u202edef"),
}
