"""A guest whose program breaks the protocol loses the seat at once (no grace period), and a
join whose connection ends in a protocol error stops instead of trying to resume."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from pathlib import Path

from net.codec import encode
from net.messages import Welcome
from tests.cli.support import REPO
from tests.e2e.support import Players, WireGuests, child_env

WAIT = 10.0


def test_a_guest_that_breaks_the_protocol_frees_the_seat_at_once(
    players: Players, wire: WireGuests
) -> None:
    # The default grace period (5 minutes) is in force: a lost guest would keep the seat, so the
    # next join would be refused as "full" if a protocol error counted as a lost connection.
    host, port = players.host("alice")
    odd = wire(port, "odd")
    assert odd.answer()["type"] == "welcome"
    host.expect("odd sat down")
    odd.peer.send(encode({"type": "gimme"}))
    host.expect("disconnected odd: protocol error")
    assert odd.last_frames() == [{"type": "error", "reason": "unknown message type 'gimme'"}]
    players.join(port, "bob")
    host.expect("bob sat down")


def test_the_join_stops_when_its_connection_ends_in_a_protocol_error(tmp_path: Path) -> None:
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            connection.settimeout(WAIT)
            connection.recv(65536)  # the hello
            welcome = Welcome(name="bob", host="eve", token="t" * 22)
            error = {"type": "error", "reason": "you sent nonsense\n* eve left"}
            connection.sendall(encode(welcome.to_dict()) + encode(error))
            connection.recv(65536)  # until the join closes

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    with server:
        port = server.getsockname()[1]
        # stdin stays open (a pipe nobody writes to): the join must end because of the error,
        # not because its input ran out.
        with subprocess.Popen(
            [sys.executable, "-m", "cli.join", str(port), "--name", "bob", "--retry-for", "30"],
            cwd=REPO,
            env=child_env(tmp_path),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as join:
            try:
                # Not communicate(): it would close stdin at once, and the join would leave on
                # end of input before the error arrived. Output is a few lines: pipes hold it.
                join.wait(timeout=WAIT)
            finally:
                join.kill()
            assert join.stdout is not None and join.stderr is not None
            out, err = join.stdout.read(), join.stderr.read()
        thread.join(timeout=WAIT)
    assert join.returncode == 1
    assert "reconnecting" not in out
    assert "the connection to eve's table failed: peer reported a protocol error: " in out
    assert "you sent nonsense^J* eve left" in out  # one line: the peer cannot forge a notice
    assert "Traceback" not in err
