"""cli.args: the command lines of host and join (issue 4 §1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cli.args import DEFAULT_PORT, HostOptions, JoinOptions, host_parser, parse_host, parse_join


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


def test_whether_a_name_was_given() -> None:
    assert parse_join(["--name", "bob"]).named
    assert not parse_join([]).named and not parse_join(["--name", " "]).named
