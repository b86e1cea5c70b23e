"""--help and --version name the program as it was invoked: a console script by its own name,
``python -m cli.join`` for the module (what a person typed, so the usage line can be copied)."""

from __future__ import annotations

import pytest

from cli.args import program_name


@pytest.mark.parametrize(
    ("argv0", "expected"),
    [
        ("/home/u/.venv/bin/tablechat-join", "tablechat-join"),
        ("C:\\venv\\Scripts\\tablechat-join.exe", "tablechat-join"),
        ("/work/main/cli/join.py", "python -m cli.join"),  # what -m puts in sys.argv[0]
        ("-m", "python -m cli.join"),
        ("", "python -m cli.join"),
    ],
)
def test_program_name(argv0: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", [argv0, "--version"])
    if "\\" in argv0:
        monkeypatch.setattr("os.path.basename", lambda p: p.rsplit("\\", 1)[-1])
    assert program_name("cli.join") == expected


def test_embedded_main_uses_the_module_form(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["/usr/bin/pytest"])
    assert program_name("cli.host", ["--version"]) == "python -m cli.host"


def test_console_script_version(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli import join  # noqa: PLC0415

    monkeypatch.setattr("sys.argv", ["/venv/bin/tablechat-join", "--version"])
    with pytest.raises(SystemExit) as exc:
        join.main()
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("tablechat-join ")
