"""cli.args: the command lines of host and join (issue 4 §1)."""

from __future__ import annotations

import pytest

from cli.args import DEFAULT_PORT, parse_host, parse_join


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
