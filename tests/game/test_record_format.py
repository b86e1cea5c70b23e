"""The record format: what write gives, parse reads back to the same text, and nothing that is
not a record is taken for one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.record_format import MAX_RECORD, Entry, Record, RecordError, parse, write
from game.record_magic import MAGIC

# any text at all, lone surrogates (which JSON can carry) and controls included
TEXT = st.text(st.characters(exclude_categories=()), max_size=30)
KEY = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,10}", fullmatch=True)
TAGS = st.lists(st.tuples(KEY, TEXT), max_size=6).map(tuple)
ENTRY = st.one_of(
    st.builds(Entry, st.sampled_from(["move", "chat", "kibitz", "takeback"]), TEXT, TEXT),
    st.builds(Entry, st.just("note"), st.just(""), TEXT),
)
RECORDS = st.builds(Record, TAGS, st.lists(ENTRY, max_size=8).map(tuple), TAGS)


@given(RECORDS)
def test_write_parse_write_is_the_same_text(record: Record) -> None:
    text = write(record)
    assert parse(text) == record
    assert write(parse(text)) == text


@given(RECORDS)
def test_a_record_holds_only_printable_text_and_line_breaks(record: Record) -> None:
    # cat of a record cannot drive a terminal: every control of a peer's text is an escape
    assert all(c.isprintable() for line in write(record).split("\n") for c in line)


def test_the_layout_is_the_documented_one() -> None:
    record = Record(
        (("Id", "x-1"), ("Game", "tictactoe")),
        (Entry("move", "alice", "b2"), Entry("chat", "bob", 'say "hi"\x1b[2J')),
        (("Result", "draw"),),
    )
    assert write(record) == (
        f"{MAGIC}\n"
        '[Id "x-1"]\n[Game "tictactoe"]\n\n'
        'move "alice" "b2"\nchat "bob" "say \\"hi\\"\\u001b[2J"\n\n'
        '[Result "draw"]\n'
    )


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "cut short"),
        (f'{MAGIC}\n[Id "x"]\n', "a part is missing"),
        (f'{MAGIC}\n\n\n[Id "x"]', "cut short"),
        ("tablechat record 9\n\n\n", "not a tablechat record"),
        (f"{MAGIC}\n[Id x]\n\n\n", "in double quotes"),
        (f'{MAGIC}\n[Id "x" "y"]\n\n\n', "one value"),
        (f'{MAGIC}\n\nmove "a"\n\n', "holds 2 values"),
        (f'{MAGIC}\n\nshout "a" "b"\n\n', "not a move"),
        (f'{MAGIC}\n\nchat "a" "b\\q"\n\n', "bad escape"),
        (f'{MAGIC}\n\nchat "a" "\\u0041"\n\n', "bad escape"),  # A is written as A
        (f'{MAGIC}\n\nchat "a" "b\x1b"\n\n', "control character"),
        (f'{MAGIC}\n\nchat "a" "b\n\n', "not closed"),
        (f'{MAGIC}\n[Id "x"]x\n\n\n', "not a tag"),
        (f"{MAGIC}\n\n\n" + "x" * MAX_RECORD, "longer than"),
    ],
)
def test_what_is_not_a_record_is_refused_saying_why(text: str, why: str) -> None:
    with pytest.raises(RecordError, match=why):
        parse(text)


@given(st.binary(max_size=200))
def test_arbitrary_bytes_are_a_record_or_a_record_error(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    try:
        record = parse(text)
    except RecordError:
        return
    assert write(record) == text


def test_a_tag_name_that_is_not_one_is_never_written() -> None:
    with pytest.raises(ValueError, match="not a tag name"):
        write(Record((("bad key", "x"),)))
