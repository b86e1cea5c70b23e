"""The programs on their own: --help, --version, start-up cost, and each expected failure.

Expected failures are one clear sentence on stderr and a non-zero exit,
never a traceback; ``python -m cli.join --help`` does not import asyncio.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from net.codec import encode
from tests.cli.support import REPO
from tests.e2e.support import Players, child_env


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=child_env(home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )


def _one_sentence(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize("module", ["cli.join", "cli.host"])
def test_help_does_not_import_asyncio(module: str, tmp_path: Path) -> None:
    done = _run(tmp_path, "-X", "importtime", "-m", module, "--help")
    assert done.returncode == 0
    assert "usage: python -m " + module in done.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    for heavy in ("asyncio", "readline", "colorama", "game", "net"):
        assert heavy not in imported, f"--help imported {heavy}"


def test_help_describes_the_options(tmp_path: Path) -> None:
    host = _run(tmp_path, "-m", "cli.host", "--help").stdout
    join = _run(tmp_path, "-m", "cli.join", "--help").stdout
    for option in ("PORT", "--port", "--name", "--no-color", "--bell", "--version", "--bind"):
        assert option in host
    for option in ("PORT", "--port", "--name", "--no-color", "--bell", "--version", "--host"):
        assert option in join
    assert "ring the terminal bell when it is your turn" in join


@pytest.mark.parametrize("module", ["cli.join", "cli.host"])
def test_version(module: str, tmp_path: Path) -> None:
    done = _run(tmp_path, "-m", module, "--version")
    assert done.returncode == 0
    assert done.stdout.startswith(f"python -m {module} 0.1.0")


@pytest.mark.parametrize("port", ["70000", "-5", "abc"])
def test_bad_port(port: str, tmp_path: Path) -> None:
    done = _run(tmp_path, "-m", "cli.join", port)
    assert done.returncode == 2
    sentence = _one_sentence(done.stderr)
    assert f"bad port {port!r}" in sentence and "1 to 65535" in sentence


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that is bound but not listening: connecting is refused, and nobody can race us."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port someone else is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_nothing_listening(silent_port: int, tmp_path: Path) -> None:
    done = _run(tmp_path, "-m", "cli.join", str(silent_port))
    assert done.returncode == 1
    assert _one_sentence(done.stderr) == (
        f"python -m cli.join: no table at 127.0.0.1:{silent_port} — is the host running?"
    )


def test_address_in_use(busy_port: int, tmp_path: Path) -> None:
    done = _run(tmp_path, "-m", "cli.host", str(busy_port))
    assert done.returncode == 1
    sentence = _one_sentence(done.stderr)
    assert f"port {busy_port} on 127.0.0.1 is already in use" in sentence
    assert "another port" in sentence


def test_unknown_bind_address(tmp_path: Path) -> None:
    done = _run(tmp_path, "-m", "cli.host", "0", "--bind", "no-such-host.invalid")
    assert done.returncode == 1
    assert "cannot listen on no-such-host.invalid" in _one_sentence(done.stderr)


def _fake_host(answer: dict[str, object]) -> tuple[socket.socket, threading.Thread]:
    """A one-shot host that reads the hello and answers *answer* (one frame), then closes."""
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            connection.settimeout(10)
            connection.recv(65536)  # the hello; its content does not matter here
            connection.sendall(encode(answer))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server, thread


def _join_a_fake_host(answer: dict[str, object], home: Path) -> subprocess.CompletedProcess[str]:
    """Run the join against a one-shot host that answers its hello with *answer*."""
    server, thread = _fake_host(answer)
    with server:
        done = _run(home, "-m", "cli.join", str(server.getsockname()[1]), "--name", "bob")
        thread.join(timeout=10)
    return done


@pytest.mark.parametrize(
    ("answer", "sentence"),
    [
        (
            {"type": "refuse", "reason": "this table is full", "code": "full"},
            "refused you: this table is full",
        ),
        (
            {
                "type": "welcome",
                "protocol": "tablechat",
                "version": 4,
                "name": "bob",
                "host": "eve",
                "token": "t",
                "resumed": False,
                "last_seq": 0,
            },
            "did not answer like a tablechat table: the host speaks tablechat protocol version 4",
        ),
    ],
    ids=["refused", "version mismatch"],
)
def test_a_refused_or_mismatched_hello(
    answer: dict[str, object], sentence: str, tmp_path: Path
) -> None:
    done = _join_a_fake_host(answer, tmp_path)
    assert done.returncode == 1
    line = _one_sentence(done.stderr)
    assert line.startswith("python -m cli.join: ")
    assert sentence in line


# What a hostile host might put in any reason: a clipboard write (OSC 52), a screen clear (CSI),
# a bidi override, a carriage return, a newline starting a forged line, and a C1 CSI.
HOSTILE_REASON = "bad\x1b]52;c;SGVsbG8=\x07\x1b[2J\u202eevil\r\nFAKE: line\x9b31m"


@pytest.mark.parametrize(
    "answer",
    [
        {"type": "refuse", "reason": HOSTILE_REASON, "code": "full"},
        {"type": "error", "reason": HOSTILE_REASON},
        {"type": "bye", "reason": HOSTILE_REASON},
    ],
    ids=["refuse", "error", "bye"],
)
def test_a_hostile_reason_is_shown_visibly_in_one_line(
    answer: dict[str, object], tmp_path: Path
) -> None:
    """The join's failure sentence quotes the host's words; they must not drive the terminal."""
    done = _join_a_fake_host(answer, tmp_path)
    assert done.returncode == 1
    line = _one_sentence(done.stderr)  # the newline and CR did not start a line of their own
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\r"):
        assert raw not in done.stderr, f"{raw!r} reached the terminal"
    assert "^[]52;c;SGVsbG8=^G^[[2J" in line
    assert "\\u202e" in line


def test_a_slow_host_gets_a_connecting_line_at_once(players: Players) -> None:
    """A newcomer is not left staring at nothing while the welcome is slow."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    may_welcome = threading.Event()

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            connection.settimeout(10)
            connection.recv(65536)  # the hello
            # The welcome waits for the test to have seen the line, however slow the machine.
            if may_welcome.wait(10):
                connection.sendall(encode(_WELCOME))
                connection.recv(65536)  # until the join leaves (its bye, or EOF)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    with server:
        join = players.start("cli.join", str(port), "--name", "bob")
        join.expect(f"* connecting to 127.0.0.1:{port}…")
        may_welcome.set()
        join.expect("you joined eve's table")
        join.say("/q")
        assert join.wait_exit() == 0
        thread.join(timeout=10)


_WELCOME = {
    "type": "welcome",
    "protocol": "tablechat",
    "version": 1,
    "name": "bob",
    "host": "eve",
    "token": "t",
    "resumed": False,
    "last_seq": 0,
}
