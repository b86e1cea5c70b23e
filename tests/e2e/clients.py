"""Real ``nc`` and ``telnet`` in pseudo-terminals: people without Python at a tablechat table.

These are programs nobody here wrote (Debian's netcat-openbsd and inetutils-telnet; .ci/run
installs them), so they are driven exactly as a person would: started in a terminal, lines typed
and Enter pressed. What they do, learnt by running them against a bare socket server:

* ``nc HOST PORT`` sends nothing until Enter (the host sees silence, then a person), ends each
  line with LF, and echoes nothing itself (the terminal's cooked mode echoes and edits the line).
  Ctrl-D does NOT end the connection (this nc half-closes only with ``-N``); Ctrl-C ends nc, and
  the host reads end-of-file. When the host closes, nc stays until Enter (or Ctrl-C) is pressed.
* ``telnet HOST PORT`` sends nothing on connect and ends lines with CR LF. It prints "Trying …",
  "Connected to …" and "Escape character is '^]'." before anything the host sends, and
  "Connection closed by foreign host." when the host closes (then it exits by itself). Ctrl-D
  sends a literal 0x04 byte; Ctrl-C sends ``IAC IP IAC DO TIMING-MARK`` even though the client
  never negotiated, then DISCARDS everything the host sends until an ``IAC WONT/WILL
  TIMING-MARK`` answers it — every time Ctrl-C is pressed. Ctrl-] then ``quit`` leaves.
* ``telnet -- HOST -PORT`` (the dash asks inetutils telnet to negotiate) sends ``IAC DO
  ENCRYPT, WILL ENCRYPT, DO SGA, WILL TTYPE, NAWS, TSPEED, LFLOW, LINEMODE, NEW-ENVIRON, DO
  STATUS`` at once, as its first bytes. Refused everything, it stays a line-at-a-time terminal
  with local echo. Ctrl-D sends ``IAC EOF``; Ctrl-C as above.

A terminal shows the host's CR LF as CR CR LF under nc (the pty adds a CR), so tests match text,
never line ends. The terminal also echoes what is typed: expect a client's own words only on the
*other* screens.
"""

from __future__ import annotations

import enum
import shutil

import pexpect
import pytest

from tests.e2e.support import TIMEOUT, Player, Players, child_env

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
            f"tests/textclients needs {' and '.join(missing)}: run .ci/run, or "
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
        if client is not Client.NC:
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
        self.child.close()

    def interrupt(self) -> None:
        """Press Ctrl-C (nc ends; telnet sends IAC IP and waits for its timing mark)."""
        self.child.sendintr()


def start(players: Players, client: Client, port: int, name: str) -> TextClient:
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
