"""The archive of records: private, atomic, bounded, and a damaged file is one warning, never a
traceback or a hang."""

from __future__ import annotations

import io
import os
import random
import stat
from pathlib import Path

import pytest

from cli import archive as archive_module
from cli import state_dir
from cli.archive import Archive, file_name
from cli.args import JoinOptions
from cli.colors import Palette
from cli.console import Console
from cli.joining import Guest
from cli.replay import as_written
from cli.replay import main as replay_main
from cli.seats_file import SeatsFile
from cli.shown_lines import shown_rows
from cli.terminal_layout import display_width
from cli.text_client_words import render
from game.record_format import RecordError, parse, quoted, write
from game.table import Table
from net.messages import Show
from tests.game.support import GUEST, HOST


def a_record(moves: tuple[str, ...] = ("a1", "b1", "a2", "b2", "a3"), wall: float = 1e9) -> str:
    table = Table("alice", rng=random.Random(len(moves) + int(wall)))
    table.sit("bob")
    table.play.records.wall = wall
    table.handle(HOST, "/game tictactoe")
    for number, move in enumerate(moves):
        table.handle(HOST if number % 2 == 0 else GUEST, move)
        if number == 1:
            table.handle(GUEST, "good game \x1b[2J")
    if table.match is not None and table.match.in_progress:
        table.handle(HOST, "/resign")
    log = table.play.records.last
    assert log is not None
    return write(log.record_for("guest"))


def test_a_saved_record_is_private_and_read_back(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    name = archive.save(a_record())
    path = archive.path / name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.path.stat().st_mode) == 0o700
    kept, warning = archive.read()
    assert warning is None and [k.name for k in kept] == [name]
    assert kept[0].record.tag("Winner") == "alice"
    assert not [p for p in archive.path.iterdir() if p.name.startswith(".")]  # no temp left


def test_saving_the_same_copy_again_replaces_it(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    text = a_record()
    assert archive.save(text) == archive.save(text)
    assert len(archive.read()[0]) == 1


def test_what_is_not_a_record_is_never_written(tmp_path: Path) -> None:
    with pytest.raises(RecordError):
        Archive(tmp_path).save("tablechat record 1\n[Id x]\n\n\n")
    assert not (tmp_path / "records").exists() or not list((tmp_path / "records").iterdir())


def test_a_name_from_a_peer_cannot_leave_the_archive() -> None:
    text = a_record().replace('[Id "', '[Id "../../etc/')
    assert "/" not in file_name(parse(text))


def test_the_oldest_go_past_the_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive_module, "MAX_RECORDS", 3)
    archive = Archive(tmp_path)
    names = [archive.save(a_record(wall=1e9 + day * 86400)) for day in range(5)]
    assert [k.name for k in archive.read()[0]] == names[:1:-1]


def damage(records: Path, how: str) -> None:
    bad = records / f"20990101T000000Z-bad-{how}.record"
    good = sorted(records.glob("*.record"))[0]
    if how == "truncated":
        bad.write_bytes(good.read_bytes()[:-40])
    elif how == "bit-flipped":
        data = bytearray(good.read_bytes())
        data[20] ^= 0x80  # no longer UTF-8
        bad.write_bytes(bytes(data))
    elif how == "symlink":
        bad.symlink_to(good)
    elif how == "fifo":
        os.mkfifo(bad)
    elif how == "directory":
        bad.mkdir()
    elif how == "huge":
        bad.write_bytes(b"x" * (archive_module.MAX_FILE + 1))


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "how", ["truncated", "bit-flipped", "symlink", "fifo", "directory", "huge"]
)
def test_a_damaged_record_is_skipped_with_one_warning(
    tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = Archive(tmp_path)
    archive.save(a_record())
    damage(archive.path, how)
    kept, warning = archive.read()
    assert len(kept) == 1
    assert warning is not None and "skipped" in warning and "damaged record" in warning
    results, short = archive.results()
    assert len(results) == 1 and short is not None and str(tmp_path) not in short
    # the listing: the good one, and one line on stderr
    monkeypatch.setattr(state_dir, "state_root", lambda *a: tmp_path)
    assert replay_main(["--list"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 1 and "alice against bob" in out
    assert len(err.splitlines()) == 1 and "skipped" in err


def test_replay_prints_the_whole_game_and_its_sgf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(state_dir, "state_root", lambda *a: tmp_path)
    Archive(tmp_path).save(a_record())
    assert replay_main(["1", "--all"]) == 0
    out = capsys.readouterr().out
    assert "<bob> good game ^[[2J" in out and "\x1b" not in out  # peer text is made visible
    assert "1 [X]| O | 3" in out and "** tictactoe: alice wins — 3 in a row" in out
    assert out.index("2. bob b1") < out.index("<bob> good game") < out.index("3. alice a2")
    assert replay_main(["1", "--sgf"]) == 0
    assert capsys.readouterr().out.startswith("(;FF[4]GM[4]")
    with pytest.raises(SystemExit, match="no record number 2"):
        replay_main(["2"])


def test_a_record_copied_from_a_screen_replays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copied = tmp_path / "copied.txt"
    copied.write_text("".join("  " + line for line in a_record().splitlines(keepends=True)))
    assert replay_main([str(copied), "--all"]) == 0
    assert "alice wins" in capsys.readouterr().out


def test_the_join_keeps_a_good_record_and_refuses_a_bad_one_in_one_line(tmp_path: Path) -> None:
    options = JoinOptions(port=1, host="127.0.0.1", name="bob", color=False, retry_for=1.0)
    guest = Guest(options, SeatsFile(tmp_path / "seats.json"), Archive(tmp_path))
    out = io.StringIO()
    console = Console("bob", Palette(False), stdin=io.StringIO(), stdout=out)
    guest._keep_record(console, a_record())
    guest._keep_record(console, 'tablechat record 1\n[Id "\x1b[2J"]\n\n')
    assert len(guest.archive.read()[0]) == 1
    (line,) = out.getvalue().splitlines()
    assert line.startswith("! the host sent a game record that is not one (cut short")


def test_what_nc_prints_of_record_copied_into_a_file_replays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = Table("alice", rng=random.Random(2))
    table.sit("bob")
    table.handle(HOST, "/game tictactoe")
    table.handle(GUEST, "hi \x1b]52;c;x\x07")
    table.handle(HOST, "/resign")
    (answer,) = [d.shown for d in table.handle(GUEST, "/record") if d.to == GUEST]
    printed = render(Show(kind=str(answer.kind), text=answer.text))
    heading, *copied = printed.split("\n")
    assert heading.startswith("* your record of the last game") and "\x1b" not in printed
    path = tmp_path / "copied.record"
    path.write_text("\n".join(copied) + "\n", encoding="utf-8")
    assert replay_main([str(path), "--all"]) == 0
    out = capsys.readouterr().out
    assert "<bob> hi ^[]52;c;x^G" in out and "alice resigned — bob wins" in out


def test_a_long_games_chat_is_bounded_and_says_so() -> None:
    table = Table("alice", rng=random.Random(2))
    table.sit("bob")
    table.handle(HOST, "/game gomoku")
    for number in range(400):
        table.play.records.add("chat", "bob", f"line {number} " + "x" * 90)
    table.handle(HOST, "h8")
    table.handle(HOST, "/resign")
    log = table.play.records.last
    assert log is not None
    record = parse(write(log.record_for("guest")))
    assert record.moves == ["h8"]
    chat = [entry for entry in record.entries if entry.kind == "chat"]
    assert 150 < len(chat) < 400
    assert record.entries[-1].text == f"{400 - len(chat)} more lines said during the game, not kept"
    assert len(write(log.record_for("guest")).encode()) < 64 << 10  # one frame of the wire


def a_record_shown_by_slash_record(said: str) -> Show:
    table = Table("alice", rng=random.Random(2))
    table.sit("bob")
    table.handle(HOST, "/game tictactoe")
    table.handle(GUEST, said)
    table.handle(HOST, "/resign")
    (answer,) = [d.shown for d in table.handle(GUEST, "/record") if d.to == GUEST]
    return Show(kind=str(answer.kind), text=answer.text)


LONG_LINE = "a long line " * 12 + "that ends here"


@pytest.mark.parametrize("where", ["nc", "join"])
def test_a_long_line_of_record_is_printed_whole_and_its_copy_replays(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    show = a_record_shown_by_slash_record(LONG_LINE)
    if where == "nc":
        printed = render(show)
    else:  # the join's console on a 60-column pane, its colors lost in the copy
        printed = "\n".join(shown_rows(show.kind, show.text, None, Palette(False), width=60))
    assert any(LONG_LINE in row for row in printed.split("\n"))
    path = tmp_path / "copied.record"
    # copied from the screen as it is, heading and indent and all, with a blank line after
    path.write_text(printed + "\n\n", encoding="utf-8")
    assert replay_main([str(path), "--all"]) == 0
    assert f"<bob> {LONG_LINE}" in capsys.readouterr().out


def test_a_copy_with_trailing_spaces_and_blank_lines_replays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copied = "".join("  " + line.rstrip("\n") + "   \r\n" for line in a_record().splitlines())
    path = tmp_path / "copied.record"
    path.write_text(copied + "\n  \n\n", encoding="utf-8", newline="")
    assert replay_main([str(path), "--all"]) == 0
    assert "alice wins" in capsys.readouterr().out


def test_a_copy_is_read_back_as_written() -> None:
    text = a_record()
    assert as_written(text) == text
    assert as_written("  " + text.replace("\n", "  \n  ") + "\n") == text
    assert as_written("junk\n" + text) == "junk\n" + text  # left for parse to refuse


def test_the_spectators_copy_is_theirs_in_the_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "theirs.record"
    path.write_text(a_record().replace('[Viewer "bob"]', '[Viewer "spectators"]'))
    assert replay_main([str(path), "--all"]) == 0
    assert "at alice's table, the spectators' copy" in capsys.readouterr().out


def test_the_listing_is_in_columns_as_wide_as_the_widest_cell_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(state_dir, "state_root", lambda *a: tmp_path)
    archive = Archive(tmp_path)
    long_name = "e\u0301\x1b[2J" + "w" * 60  # made visible, and cut
    texts = [a_record(wall=1e9 + day) for day in range(10)]
    texts[3] = texts[3].replace('"bob"', '"bo"').replace('"tictactoe"', '"tictactoe-4x4"')
    texts[5] = texts[5].replace('"bob"', quoted(long_name))
    for text in texts:
        archive.save(text)
    assert replay_main([]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 10 and all("\x1b" not in row for row in rows)
    assert rows[0].startswith(" 1  2001-09-09 01:46:49  alice against ")
    starts = {
        word: {display_width(row[: row.index(word)]) for row in rows}
        for word in ("2001", "alice", "tictactoe", "alice wins")
    }
    assert all(len(columns) == 1 for columns in starts.values()), starts
    cut = next(row for row in rows if "^[" in row)
    assert "…" in cut and "w" * 60 not in cut
