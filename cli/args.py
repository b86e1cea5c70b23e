"""Command-line arguments of ``python -m cli.host`` and ``python -m cli.join``.

This module is imported before anything else and must stay cheap: only argparse and the
standard library pieces it needs. ``--help`` and ``--version`` are answered from here without
importing asyncio, readline, colorama, game or net (issue 4 §10).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import NoReturn

DEFAULT_PORT = 3580
DEFAULT_ADDRESS = "127.0.0.1"
_FALLBACK_NAME = "player"


@dataclass(frozen=True)
class HostOptions:
    """What ``python -m cli.host`` was asked to do."""

    port: int
    bind: str
    name: str
    color: bool


@dataclass(frozen=True)
class JoinOptions:
    """What ``python -m cli.join`` was asked to do."""

    port: int
    host: str
    name: str
    color: bool


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


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one clear sentence on stderr, exit status 2."""

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


def _common(parser: argparse.ArgumentParser, *, allow_zero_port: bool) -> None:
    port_help = f"TCP port (default {DEFAULT_PORT})"
    if allow_zero_port:
        port_help += "; 0 picks a free port and prints it"
    parser.add_argument(
        "port",
        nargs="?",
        type=_port(allow_zero_port),  # type: ignore[arg-type]
        default=DEFAULT_PORT,
        metavar="PORT",
        help=port_help,
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
        help="plain text only (also when NO_COLOR is set or output is not a terminal)",
    )
    parser.add_argument("--version", action=_VersionAction)


def host_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m cli.host``."""
    parser = _Parser(
        prog="python -m cli.host",
        description="Open a table: chat with one other person and play ASCII games "
        "(tic-tac-toe, gomoku, hangman). Type /help once it runs.",
    )
    _common(parser, allow_zero_port=True)
    parser.add_argument(
        "--bind",
        metavar="ADDR",
        default=DEFAULT_ADDRESS,
        help=f"address to listen on (default {DEFAULT_ADDRESS}: this machine only; "
        "0.0.0.0 or :: to play across a network)",
    )
    return parser


def join_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m cli.join``."""
    parser = _Parser(
        prog="python -m cli.join",
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
    return parser


def parse_host(argv: list[str] | None = None) -> HostOptions:
    """Parse the host's command line (``sys.argv[1:]`` when *argv* is None).

    Raises:
        SystemExit: for --help, --version (status 0) and bad arguments (status 2).
    """
    ns = host_parser().parse_args(sys.argv[1:] if argv is None else argv)
    return HostOptions(port=ns.port, bind=ns.bind, name=_name(ns.name), color=bool(ns.color))


def parse_join(argv: list[str] | None = None) -> JoinOptions:
    """Parse the join's command line (``sys.argv[1:]`` when *argv* is None).

    Raises:
        SystemExit: for --help, --version (status 0) and bad arguments (status 2).
    """
    ns = join_parser().parse_args(sys.argv[1:] if argv is None else argv)
    return JoinOptions(port=ns.port, host=ns.host, name=_name(ns.name), color=bool(ns.color))


def _name(given: str | None) -> str:
    # An empty --name falls back too: the table needs something to call you.
    if given is None or not given.strip():
        return default_name()
    return given
