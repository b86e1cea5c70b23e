"""The README's commands work as written.

* The play commands run from a fresh virtual environment with nothing installed, from the
  repository root — the way a newcomer who has just cloned the repo would run them.
* .ci/run runs the README's test command verbatim.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pexpect
import pytest

from tests.cli.support import REPO
from tests.e2e.support import OPEN_LINE, TIMEOUT

README = (REPO / "README.md").read_text(encoding="utf-8")
TEST_COMMAND = "python -m pip install -e '.[test]' && python -m pytest"


def _code_lines() -> list[str]:
    """Every line of the README's code blocks (fenced or indented), comments removed."""
    lines: list[str] = []
    fenced = False
    for line in README.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced or line.startswith("    "):
            lines.append(line.split("  #", 1)[0].strip())
    return [line for line in lines if line]


def test_readme_gives_the_test_command_and_ci_runs_it_verbatim() -> None:
    assert TEST_COMMAND in _code_lines()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert TEST_COMMAND in [line.strip() for line in ci]


def test_readme_gives_the_play_commands() -> None:
    # python3: stock Debian and Ubuntu have no "python" outside a virtual environment
    commands = _code_lines()
    assert "python3 -m cli.host" in commands
    assert "python3 -m cli.join" in commands


def test_readme_makes_a_virtual_environment_before_pip() -> None:
    # PEP 668: pip refuses to install into the system's Python on stock Debian and Ubuntu
    commands = _code_lines()
    venv_line = "python3 -m venv .venv && . .venv/bin/activate"
    assert venv_line in commands
    assert commands.index(venv_line) < commands.index(TEST_COMMAND)


def test_readme_says_the_tests_need_nc_and_telnet_and_what_leaving_costs() -> None:
    text = " ".join(README.split())
    assert "The tests need the real `nc` and `telnet`" in text
    # the promises below are each kept by a test through the real programs (tests/e2e)
    for promise in (
        "**Leaving** is `/q`, Ctrl-D or Ctrl-C",
        "**A dropped connection** (Wi-Fi gone, a laptop asleep) is not leaving",
        "**Closing a window, SIGHUP or SIGTERM** is not leaving either",
        "**A crashed host** (killed, out of memory, power lost) loses nothing",
    ):
        assert promise in text


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The interpreter of a new virtual environment with nothing installed (not even pip)."""
    where = tmp_path_factory.mktemp("fresh-venv")
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(where)
    scripts = where / ("Scripts" if os.name == "nt" else "bin")
    return scripts / ("python.exe" if os.name == "nt" else "python")


def _fresh_env(home: Path) -> dict[str, str]:
    # Only what a person's shell would have: no PYTHONPATH pointing at the checkout.
    keep = {"PATH", "LANG", "LC_ALL", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(HOME=str(home), TERM="xterm", NO_COLOR="1", PYTHONUTF8="1")
    return env


@pytest.mark.parametrize("module", ["cli.host", "cli.join"])
def test_help_from_a_fresh_venv(module: str, fresh_python: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(fresh_python), "-m", module, "--help"],
        cwd=REPO,
        env=_fresh_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"usage: python -m {module}" in done.stdout


def test_a_session_from_a_fresh_venv(fresh_python: Path, tmp_path: Path) -> None:
    """``python3 -m cli.host`` / ``python3 -m cli.join`` as the README gives them, plus a port
    (0: no fixed ports), run by a fresh virtual environment's interpreter."""
    assert fresh_python != Path(sys.executable)
    env = _fresh_env(tmp_path)
    spawned: list[pexpect.spawn] = []

    def spawn(command: str) -> pexpect.spawn:
        program, *args = command.split()
        assert program == "python3"
        child = pexpect.spawn(str(fresh_python), args, env=env, cwd=str(REPO), timeout=TIMEOUT)
        spawned.append(child)
        return child

    try:
        host = spawn("python3 -m cli.host 0 --name alice")
        host.expect(OPEN_LINE)
        match = host.match
        assert isinstance(match, re.Match)
        port = int(match.group(1))
        host.expect_exact(f"to join: python3 -m cli.join {port}".encode())  # as the README says
        join = spawn(f"python3 -m cli.join {port} --name bob")
        join.expect_exact(b"you joined alice's table")
        join.expect_exact(b"<bob> ")  # the prompt
        join.send(b"hello from a fresh venv\r")
        host.expect_exact(b"<bob> hello from a fresh venv")
        host.send(b"/q\r")
        join.expect_exact(b"alice left")
        join.expect(pexpect.EOF)
        host.expect(pexpect.EOF)
    finally:
        for child in spawned:
            child.close(force=True)
