"""Real host and join processes in pseudo-terminals, for the end-to-end tests of cli/.

Every process is started with ``sys.executable -m cli.host|cli.join`` from the repository root,
listens on 127.0.0.1 with port 0 (the host prints the port it got: no fixed ports, no races),
is waited on with bounded timeouts only, and is terminated — then killed — in teardown, also
when the test failed.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import time
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parents[2]
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
    env["HOME"] = str(home)  # issue 5 adds a per-user state file: never touch the real one
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
        self.child.close()
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
        deadline = time.monotonic() + timeout
        while self.child.isalive():  # a waitpid(WNOHANG) each time: the program's exit
            if time.monotonic() > deadline:
                raise AssertionError(f"still running {timeout:g} s after its terminal closed")
            time.sleep(0.02)

    def stop(self) -> None:
        """Terminate (then kill) the program if it still runs.

        pexpect can raise while doing so (PtyProcessError, OSError): the program is then
        killed by its process id all the same, and the error is raised afterwards.
        """
        try:
            if self.child.isalive():
                self.child.terminate(force=True)
            self.child.close(force=True)
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
    ) -> Player:
        """Start ``python -m MODULE ARGS``. Each program is a different person (its own state
        directory, so one join never resumes another's seat) unless given the same *state*.
        Its terminal has :data:`ROWS` rows and *columns* columns; *extra* goes to
        :func:`child_env`.

        With *shell* it is started from a shell, as in a terminal window, and that shell
        ignores SIGHUP. Closing a real window hangs the terminal up — the program's reads end
        at once — and sends SIGHUP to the shell, which passes it on to the program only
        afterwards; here it never comes, so the program sees only its input ending: the
        order a window's close usually takes, made certain."""
        state = state if state is not None else f"program-{len(self.started)}"
        env = child_env(self.home, no_color=no_color, term=term, state=state, extra=extra)
        argv = [sys.executable, "-m", module, *args]
        if shell:
            # "; exit" keeps the shell there: a lone command it would replace itself with.
            argv = ["/bin/sh", "-c", 'trap "" HUP; "$@"; exit $?', "sh", *argv]
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
