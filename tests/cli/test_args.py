"""cli.args: the command lines of host and join."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pytest

from cli.args import (
    DEFAULT_PORT,
    HostOptions,
    JoinOptions,
    host_parser,
    join_parser,
    parse_host,
    parse_join,
)
from game.lobby_limits import LobbyLimits
from tests.cli.support import REPO


def test_defaults() -> None:
    host = parse_host(["--name", "alice"])
    assert (host.port, host.bind, host.name, host.color) == (
        DEFAULT_PORT,
        "127.0.0.1",
        "alice",
        True,
    )
    join = parse_join(["--no-color"])
    assert (join.port, join.host, join.color) == (3580, "127.0.0.1", False)
    assert join.name  # the login name or the fallback, never empty


def test_port_and_addresses() -> None:
    assert parse_host(["4000", "--bind", "0.0.0.0"]).port == 4000
    assert parse_host(["0"]).port == 0  # the host may pick a free port and print it
    assert parse_join(["65535", "--host", "10.0.0.2"]).host == "10.0.0.2"


@pytest.mark.parametrize("bad", ["0", "65536", "-1", "http", "80.5"])
def test_join_bad_port_is_one_sentence(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        parse_join([bad])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "bad port" in err and "65535" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        parse_host(["--version"])
    assert exc.value.code == 0
    assert "0.1.0" in capsys.readouterr().out


@pytest.mark.parametrize("parse", [parse_host, parse_join])
def test_port_as_an_option_too(parse: Callable[[list[str]], HostOptions | JoinOptions]) -> None:
    assert parse(["--port", "4000"]).port == 4000
    assert parse(["4000", "--port", "4000"]).port == 4000  # the same twice: fine
    assert parse([]).port == DEFAULT_PORT


@pytest.mark.parametrize("parse", [parse_host, parse_join])
def test_two_different_ports_is_one_clear_sentence(
    parse: Callable[[list[str]], HostOptions | JoinOptions], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        parse(["4000", "--port", "4001"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "two different ports given: 4000 and --port 4001" in err


def test_a_bad_port_option_is_checked_like_the_argument(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        parse_join(["--port", "0"])  # the join needs a real port; only the host may pick one
    assert "bad port '0'" in capsys.readouterr().err
    assert parse_host(["--port", "0"]).port == 0


def test_bell() -> None:
    assert not parse_host([]).bell and not parse_join([]).bell
    assert parse_host(["--bell"]).bell and parse_join(["--bell"]).bell


def test_fresh() -> None:
    assert not parse_host([]).fresh
    assert parse_host(["4000", "--fresh"]).fresh
    assert "--fresh" in host_parser().format_help()
    with pytest.raises(SystemExit):
        parse_join(["--fresh"])  # only the host keeps a table


def test_per_address_is_a_lobby_option_and_its_default_is_the_lobbys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert parse_host(["--lobby"]).per_address is None  # the lobby's own default
    assert parse_host(["--lobby", "--per-address", "100"]).per_address == 100
    for argv, why in (
        (["--per-address", "100"], "--per-address counts the connections to a lobby: give it "),
        (["--lobby", "--per-address", "0"], "bad --per-address '0': give a whole number, 1 or "),
        (["--lobby", "--per-address", "many"], "bad --per-address 'many'"),
        (["--lobby", "--per-address", "²"], "bad --per-address '²'"),  # a digit, no number
    ):
        with pytest.raises(SystemExit) as exc:
            parse_host(argv)
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert why in err and err.count("\n") == 1
    # The number the help, the README and docs/lobby.md give is the lobby's.
    people = LobbyLimits().people_per_address
    assert f"(default {people};" in " ".join(host_parser().format_help().split())
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert f"Up to {people} people may connect from one address" in readme
    docs = " ".join((REPO / "docs" / "lobby.md").read_text(encoding="utf-8").split())
    assert f"{people} people per address" in docs


@pytest.mark.parametrize(
    "argv",
    [
        ["--code", "-K7Q-X3M-"],
        ["--code=-K7Q-X3M-"],
        ["--co", "-k7q x3m"],
        ["4000", "--code", "-K7QX3M"],
    ],
)
def test_a_code_may_start_with_a_dash(argv: list[str]) -> None:
    # Dashes are ignored in a code, so "-K7Q-X3M-" is a code, never an option.
    assert parse_join(argv).code == "K7QX3M"
    assert parse_host(argv).code == "K7QX3M"


def test_the_join_code_from_the_environment(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_join([], environ={"TABLECHAT_CODE": "k7q-x3m"}).code == "K7QX3M"
    assert parse_join([], environ={"TABLECHAT_CODE": " "}).code is None  # set but empty: none
    given = parse_join(["--code", "AAAA"], environ={"TABLECHAT_CODE": "K7QX3M"})
    assert given.code == "AAAA"  # the command line wins
    with pytest.raises(SystemExit) as exc:
        parse_join([], environ={"TABLECHAT_CODE": "-" * 300})
    assert exc.value.code == 2
    assert "bad join code in TABLECHAT_CODE" in capsys.readouterr().err


def test_whether_a_name_was_given() -> None:
    assert parse_join(["--name", "bob"]).named
    assert not parse_join([]).named and not parse_join(["--name", " "]).named


def test_a_missing_code_is_not_taken_from_the_next_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exc:
        parse_join(["--code", "--name", "bob"])
    assert exc.value.code == 2
    assert "--code: expected one argument" in capsys.readouterr().err
    assert parse_join(["--", "4000"]).port == 4000


def test_accessible_by_option_or_by_a_non_empty_environment_variable() -> None:
    assert parse_join(["--accessible"], environ={}).accessible
    assert parse_host(["--accessible"], environ={}).accessible
    assert parse_join([], environ={"ACCESSIBLE": "1"}).accessible
    assert parse_host([], environ={"ACCESSIBLE": "1"}).accessible
    assert not parse_join([], environ={"ACCESSIBLE": ""}).accessible
    assert not parse_host([], environ={}).accessible


@pytest.mark.parametrize("columns", [None, "40", "132", "0", "wide"])
@pytest.mark.parametrize("make", [host_parser, join_parser])
def test_help_is_laid_out_as_argparse_lays_it(
    columns: str | None,
    make: Callable[[], argparse.ArgumentParser],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # cli.args finds the width without importing shutil; the help must not notice.
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    ours, argparses = make(), make()
    argparses.formatter_class = argparse.HelpFormatter
    assert ours.format_help() == argparses.format_help()
    assert ours.format_usage() == argparses.format_usage()
