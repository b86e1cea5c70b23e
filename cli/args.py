"""Command-line arguments of ``python -m cli.host`` and ``python -m cli.join``.

This module is imported before anything else and must stay cheap: only argparse and the
standard library pieces it needs. ``--help`` and ``--version`` are answered from here without
importing asyncio, readline, colorama, game or net.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import Final, NamedTuple, NoReturn

from cli.terminal_modes import ACCESSIBLE_VARIABLE, accessible

DEFAULT_PORT = 3580
#: How a person starts Python, in a command the host prints for them to type: ``python3`` (the
#: README's; Debian has no ``python`` outside a virtual environment, which has both), and
#: ``python`` on Windows, where ``python3`` may be only the Store's placeholder.
PYTHON: Final = "python" if sys.platform == "win32" else "python3"
DEFAULT_ADDRESS = "127.0.0.1"
#: How long the host keeps a dropped guest's seat: "up to 5 minutes", as people are told.
DEFAULT_GRACE = 300.0
#: How long the join keeps trying to reconnect after its connection was lost.
DEFAULT_RETRY_FOR = 60.0
# A code is sent in hello.code, which the protocol bounds at 256 characters.
_MAX_CODE = 256
#: Where the join also finds the join code, so that it need not sit in the process list.
CODE_VARIABLE = "TABLECHAT_CODE"
_FALLBACK_NAME = "player"


# The options are named tuples: as immutable as frozen dataclasses, and defined without
# compiling six methods each as the module is imported (a millisecond of every start).
class HostOptions(NamedTuple):
    """What ``python -m cli.host`` was asked to do."""

    port: int
    bind: str
    name: str
    color: bool
    grace: float = DEFAULT_GRACE
    code: str | None = None  # normalised (see net.admission.normalize_code); None: none given
    bell: bool = False  # ring the terminal bell when it is your turn or an offer is made to you
    fresh: bool = False  # forget the table a killed host left on this port (its journal)
    accessible: bool = False  # words mode: boards in words, whole lines only
    lobby: bool = False  # serve many tables and no console person (cli.lobby_hosting)
    per_address: int | None = None  # a lobby's connections per address; None: its default


class JoinOptions(NamedTuple):
    """What ``python -m cli.join`` was asked to do."""

    port: int
    host: str
    name: str
    color: bool
    code: str | None = None  # normalised; None: none given
    retry_for: float = DEFAULT_RETRY_FOR
    bell: bool = False  # ring the terminal bell when it is your turn or an offer is made to you
    named: bool = False  # --name was given (else name is the login name)
    accessible: bool = False  # words mode: boards in words, whole lines only


def program_name(module: str, argv: list[str] | None = None) -> str:
    """Return the name to show in --help, --version and error sentences.

    ``python -m cli.join`` under ``-m`` (sys.argv[0] is then the module's ``.py`` file), the
    basename of the console script otherwise (``tablechat-join``). When *argv* is given the
    program is being embedded (tests call ``main([...])``), so the ``-m`` form is used.

    Args:
        module: the module path, e.g. ``"cli.join"``.
        argv: the arguments passed to ``main`` (None: they come from sys.argv).
    """
    default = f"python -m {module}"
    if argv is not None or not sys.argv:
        return default
    base = os.path.basename(sys.argv[0])
    stem, ext = os.path.splitext(base)
    if ext.lower() == ".py" or not stem or base.startswith("-"):
        return default
    # On Windows a console script is a launcher such as tablechat-join.exe.
    return stem if ext.lower() == ".exe" else base


def default_name() -> str:
    """Return the login name, or a neutral fallback when the system cannot tell.

    getpass.getuser() raises (OSError, KeyError, ImportError on some platforms) when neither the
    environment nor the password database knows the user, e.g. in a bare container.
    """
    import getpass  # noqa: PLC0415 (lazy: keeps start-up cheap)

    try:
        name = getpass.getuser().strip()
    except Exception:  # every failure here means "unknown user", never a reason to stop
        return _FALLBACK_NAME
    return name or _FALLBACK_NAME


def package_version() -> str:
    """Return the installed tablechat version, or a marked fallback when run from a checkout."""
    # Imported here: importlib.metadata is slow-ish and only --version needs it.
    from importlib import metadata  # noqa: PLC0415 (lazy: keeps start-up cheap)

    try:
        return metadata.version("tablechat")
    except metadata.PackageNotFoundError:
        return "0.1.0 (not installed)"


class _VersionAction(argparse.Action):
    """``--version`` that looks the version up only when asked (keeps start-up cheap)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(f"{parser.prog} {package_version()}")
        parser.exit(0)


def _help_width() -> int:
    """The width argparse lays help out in: ``shutil.get_terminal_size().columns`` less 2.

    Found the way shutil finds it — ``COLUMNS`` when a positive number, else the terminal on
    ``sys.__stdout__``, else 80 — without importing shutil: argparse builds a formatter for
    every ``add_argument`` (to check its metavar), and shutil would bring bz2, lzma and zlib
    into every start of a program that shows no help.
    """
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        stdout = sys.__stdout__
        try:
            columns = 0 if stdout is None else os.get_terminal_size(stdout.fileno()).columns
        except (AttributeError, ValueError, OSError):  # closed, detached, not a terminal
            columns = 0
    return (columns or 80) - 2


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's own layout, at :func:`_help_width`."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_help_width())


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one clear sentence on stderr, exit status 2."""

    def __init__(self, *, prog: str, description: str) -> None:
        super().__init__(prog=prog, description=description, formatter_class=_HelpFormatter)

    def error(self, message: str) -> NoReturn:
        # argparse would print the whole usage block first; a person needs only the sentence.
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _port(allow_zero: bool) -> object:
    """Build an argparse ``type`` that accepts a TCP port number with a clear error otherwise."""
    low = 0 if allow_zero else 1

    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            value = -1
        if not low <= value <= 65535:
            raise argparse.ArgumentTypeError(
                f"bad port {text!r}: a port is a whole number from {low} to 65535"
            )
        return value

    parse.__name__ = "port"  # argparse names the type in some messages
    return parse


def _seconds(text: str) -> float:
    """An argparse ``type`` for a duration in seconds (0 or more, finite)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1e9:  # also rejects nan and inf
        raise argparse.ArgumentTypeError(f"bad duration {text!r}: give a number of seconds")
    return value


_seconds.__name__ = "seconds"


def _code(text: str) -> str:
    """An argparse ``type`` for a join code: normalised, non-empty, within the protocol limit."""
    # Same rule as net.admission.normalize_code, without importing net (keeps --help cheap).
    code = "".join(text.split()).replace("-", "").upper()
    if not code or len(code) > _MAX_CODE:
        raise argparse.ArgumentTypeError(
            f"bad join code {text!r}: give the letters and digits the host printed"
        )
    return code


_code.__name__ = "code"


def _code_attached(argv: list[str]) -> list[str]:
    """*argv* with ``--code VALUE`` written ``--code=VALUE``.

    Dashes in a code are ignored, so ``--code -K7Q-X3M-`` is a code; argparse would take the
    value for an option, as it does any word starting with ``-``, and stop. Attached, a value is
    never read as an option. Abbreviations (``--co``) are attached too, and argparse still
    decides what they abbreviate; a next word starting with ``--`` is left alone (``--code
    --name bob`` forgot the code, and argparse says so).
    """
    out: list[str] = []
    at = 0
    while at < len(argv):
        word = argv[at]
        if word == "--":  # the rest are operands
            return out + argv[at:]
        following = argv[at + 1] if at + 1 < len(argv) else "--"
        if len(word) >= 3 and "--code".startswith(word) and not following.startswith("--"):
            out.append(f"{word}={following}")
            at += 2
            continue
        out.append(word)
        at += 1
    return out


def _common(parser: argparse.ArgumentParser, *, allow_zero_port: bool) -> None:
    port_help = f"TCP port (default {DEFAULT_PORT})"
    if allow_zero_port:
        port_help += "; 0 picks a free port and prints it"
    parser.add_argument(
        "port",
        nargs="?",
        type=_port(allow_zero_port),  # type: ignore[arg-type]
        default=None,
        metavar="PORT",
        help=port_help,
    )
    # The same port as an option too: people try --port first.
    parser.add_argument(
        "--port",
        dest="port_option",
        type=_port(allow_zero_port),  # type: ignore[arg-type]
        default=None,
        metavar="PORT",
        help="the same as the PORT argument",
    )
    parser.add_argument(
        "--name",
        metavar="NAME",
        default=None,
        help="the name the other person sees (default: your login name)",
    )
    parser.add_argument(
        "--no-color",
        dest="color",
        action="store_false",
        help=(
            "plain text only (also when NO_COLOR is set and not empty, with TERM=dumb, or when "
            "output is not a terminal)"
        ),
    )
    parser.add_argument(
        "--bell",
        action="store_true",
        help="ring the terminal bell when it is your turn or you have an offer to answer",
    )
    parser.add_argument(
        "--accessible",
        action="store_true",
        help=(
            "for screen readers: boards said in words, a move and whose turn in one line, "
            f"whole lines only (also when {ACCESSIBLE_VARIABLE} is set and not empty)"
        ),
    )
    parser.add_argument("--version", action=_VersionAction)


def _the_port(parser: argparse.ArgumentParser, ns: argparse.Namespace) -> int:
    """The port from PORT or --port; both given and different is an error (status 2)."""
    given = {p for p in (ns.port, ns.port_option) if p is not None}
    if len(given) > 1:
        parser.error(f"two different ports given: {ns.port} and --port {ns.port_option} — give one")
    return given.pop() if given else DEFAULT_PORT


def host_parser(prog: str = "python -m cli.host") -> argparse.ArgumentParser:
    """Return the argument parser of the host program, named *prog*."""
    parser = _Parser(
        prog=prog,
        description="Open a table: chat with one other person and play ASCII games "
        "(tic-tac-toe, gomoku, hangman). Type /help once it runs.",
    )
    _common(parser, allow_zero_port=True)
    parser.add_argument(
        "--bind",
        metavar="ADDR",
        default=DEFAULT_ADDRESS,
        help=f"address to listen on (default {DEFAULT_ADDRESS}: this machine only; "
        "0.0.0.0 or :: to play across a network; a join code is then printed)",
    )
    parser.add_argument(
        "--code",
        metavar="CODE",
        type=_code,
        default=None,
        help="the join code people must give (default: a random one when --bind is not "
        "loopback, none on loopback)",
    )
    parser.add_argument(
        "--grace",
        metavar="SECONDS",
        type=_seconds,
        default=DEFAULT_GRACE,
        help=f"how long a guest whose connection dropped keeps their seat "
        f"(default {DEFAULT_GRACE:g})",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="start an empty table, forgetting the one a crashed host left on this port "
        "(by default it is restored: game, score, chat and the guest's seat)",
    )
    parser.add_argument(
        "--lobby",
        action="store_true",
        help="serve many tables on this port, with nobody at this console: people arrive in "
        "a lobby (/tables, /open, /sit N, /watch N); --name names the server",
    )
    parser.add_argument(
        "--per-address",
        metavar="N",
        type=_per_address,
        default=None,
        help="with --lobby: how many people may connect from one address at once (default "
        "32; more for a class or a LAN party behind one NAT address)",
    )
    return parser


def _per_address(text: str) -> int:
    """--per-address N: a whole number of at least 1."""
    try:
        value = int(text, 10)
    except ValueError:  # "²" passes str.isdigit but is no number int() reads
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"bad --per-address {text!r}: give a whole number, 1 or more"
        )
    return value


def join_parser(prog: str = "python -m cli.join") -> argparse.ArgumentParser:
    """Return the argument parser of the join program, named *prog*."""
    parser = _Parser(
        prog=prog,
        description="Sit down at someone's table: chat and play ASCII games with them. "
        "Type /help once it runs.",
    )
    _common(parser, allow_zero_port=False)
    parser.add_argument(
        "--host",
        metavar="ADDR",
        default=DEFAULT_ADDRESS,
        help=f"address of the host's machine (default {DEFAULT_ADDRESS})",
    )
    parser.add_argument(
        "--code",
        metavar="CODE",
        type=_code,
        default=None,
        help="the join code the host printed (needed when the host is on a network; "
        f"also read from {CODE_VARIABLE}; asked for on a terminal when missing or wrong)",
    )
    parser.add_argument(
        "--retry-for",
        metavar="SECONDS",
        type=_seconds,
        default=DEFAULT_RETRY_FOR,
        help=f"how long to keep reconnecting after the connection drops "
        f"(default {DEFAULT_RETRY_FOR:g})",
    )
    return parser


def parse_host(
    argv: list[str] | None = None,
    prog: str = "python -m cli.host",
    environ: Mapping[str, str] | None = None,
) -> HostOptions:
    """Parse the host's command line (``sys.argv[1:]`` when *argv* is None).

    Args:
        argv: the arguments after the program name.
        prog: the program's name, for --help and error sentences.
        environ: the environment (default ``os.environ``): a non-empty
            :data:`~cli.terminal_modes.ACCESSIBLE_VARIABLE` is ``--accessible``.

    Raises:
        SystemExit: for --help, --version (status 0) and bad arguments (status 2).
    """
    parser = host_parser(prog)
    ns = parser.parse_args(_code_attached(sys.argv[1:] if argv is None else argv))
    if ns.per_address is not None and not ns.lobby:
        parser.error("--per-address counts the connections to a lobby: give it with --lobby")
    return HostOptions(
        port=_the_port(parser, ns),
        bind=ns.bind,
        name=_name(ns.name),
        color=bool(ns.color),
        grace=ns.grace,
        code=ns.code,
        bell=bool(ns.bell),
        fresh=bool(ns.fresh),
        accessible=bool(ns.accessible) or accessible(environ),
        lobby=bool(ns.lobby),
        per_address=ns.per_address,
    )


def parse_join(
    argv: list[str] | None = None,
    prog: str = "python -m cli.join",
    environ: Mapping[str, str] | None = None,
) -> JoinOptions:
    """Parse the join's command line (``sys.argv[1:]`` when *argv* is None).

    Args:
        argv: the arguments after the program name.
        prog: the program's name, for --help and error sentences.
        environ: the environment (default ``os.environ``): :data:`CODE_VARIABLE` gives the join
            code when ``--code`` does not; a non-empty
            :data:`~cli.terminal_modes.ACCESSIBLE_VARIABLE` is ``--accessible``.

    Raises:
        SystemExit: for --help, --version (status 0) and bad arguments (status 2).
    """
    parser = join_parser(prog)
    ns = parser.parse_args(_code_attached(sys.argv[1:] if argv is None else argv))
    code = ns.code
    from_environment = (os.environ if environ is None else environ).get(CODE_VARIABLE, "")
    if code is None and from_environment.strip():
        try:
            code = _code(from_environment)
        except argparse.ArgumentTypeError:
            parser.error(
                f"bad join code in {CODE_VARIABLE}: give the letters and digits the host printed"
            )
    return JoinOptions(
        port=_the_port(parser, ns),
        host=ns.host,
        name=_name(ns.name),
        color=bool(ns.color),
        code=code,
        retry_for=ns.retry_for,
        bell=bool(ns.bell),
        named=ns.name is not None and bool(ns.name.strip()),
        accessible=bool(ns.accessible) or accessible(environ),
    )


def _name(given: str | None) -> str:
    # An empty --name falls back too: the table needs something to call you.
    if given is None or not given.strip():
        return default_name()
    return given
