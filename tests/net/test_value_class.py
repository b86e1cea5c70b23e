"""net.value_class: the same frozen slotted dataclass, defined with one ``exec`` (when built).

Each class is checked against its twin made by ``@dataclass(frozen=True, slots=True)``: for any
field values, the same repr, equality (and inequality with other classes), hash, frozen
errors, ``replace``, ``asdict``, ``fields``, pattern matching, copying and pickling, and the
signature of ``__init__`` before and after the first instance; a ``__post_init__`` runs and may
refuse; a field ``__init__`` cannot build falls back to the dataclass itself.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from net.value_class import value_class


@value_class
class Cheap:
    """A message-like value."""

    TYPE: ClassVar[str] = "cheap"
    kind: str
    count: int = 0
    note: str | None = None
    hidden: str = field(default="h", repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("count must not be negative")


@dataclass(frozen=True, slots=True)
class Twin:
    """The same, as dataclasses makes it."""

    TYPE: ClassVar[str] = "cheap"
    kind: str
    count: int = 0
    note: str | None = None
    hidden: str = field(default="h", repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("count must not be negative")


@value_class
class Empty:
    """No fields at all (an event that carries nothing)."""


@value_class
class Listed:
    """A field __init__ cannot build: made by dataclasses itself."""

    items: list[int] = field(default_factory=list)


def _as_twin(cheap: Cheap) -> str:
    return repr(cheap).replace("Cheap(", "Twin(", 1)


VALUES = st.tuples(
    st.text(max_size=5), st.integers(0, 9), st.none() | st.text(max_size=3), st.text(max_size=2)
)


@given(VALUES, VALUES)
def test_it_behaves_as_the_dataclass_does(one: tuple[Any, ...], two: tuple[Any, ...]) -> None:
    a, b = Cheap(*one), Cheap(*two)
    ta, tb = Twin(*one), Twin(*two)
    assert _as_twin(a) == repr(ta)
    assert (a == b) == (ta == tb) and (a != b) == (ta != tb)
    assert hash(a) == hash(ta)  # the hash of the same values
    assert dataclasses.asdict(a) == dataclasses.asdict(ta)
    assert dataclasses.replace(a, count=5) == Cheap(one[0], 5, one[2], one[3])
    assert copy.copy(a) == a and copy.deepcopy(a) == a and pickle.loads(pickle.dumps(a)) == a
    assert Cheap(kind=one[0], note=one[2]) == Cheap(one[0], 0, one[2])


def test_equality_is_between_instances_of_the_same_class_only() -> None:
    twin: object = Twin("x")
    assert Cheap("x") != twin
    assert Cheap("x").__eq__(twin) is NotImplemented
    assert Empty() == Empty() and hash(Empty()) == hash(())
    assert Cheap("x", hidden="a") == Cheap("x", hidden="b")  # compare=False, as in dataclasses


def test_it_is_frozen_slotted_and_a_dataclass() -> None:
    value = Cheap("x", 1)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'count'"):
        value.count = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'kind'"):
        del value.kind
    assert not hasattr(value, "__dict__")
    assert [f.name for f in dataclasses.fields(value)] == ["kind", "count", "note", "hidden"]
    assert Cheap.__match_args__ == Twin.__match_args__
    match value:
        case Cheap(kind, count):
            assert (kind, count) == ("x", 1)
    assert Cheap.TYPE == "cheap"


def test_post_init_runs_and_may_refuse() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        Cheap("x", -1)
    with pytest.raises(TypeError):
        Cheap(*())  # type: ignore[call-arg]


def test_a_default_factory_is_left_to_dataclasses() -> None:
    assert Listed() == Listed([]) and Listed([1]).items == [1]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Listed().items = [2]  # type: ignore[misc]


def _parameters(cls: type) -> list[tuple[str, object, object]]:
    return [(p.name, p.default, p.kind) for p in inspect.signature(cls).parameters.values()]


def test_the_signature_is_the_dataclasses_one_before_and_after_the_first_instance() -> None:
    @value_class
    class Unbuilt:
        kind: str
        count: int = 0
        note: str | None = None
        hidden: str = field(default="h", repr=False, compare=False)

    compiled_later = Unbuilt.__init__
    assert _parameters(Unbuilt) == _parameters(Twin)
    assert Unbuilt("x", 2) == Unbuilt(kind="x", count=2)
    assert Unbuilt.__init__ is not compiled_later  # the compiled one took its place
    assert _parameters(Unbuilt) == _parameters(Twin)
    with pytest.raises(TypeError):
        Unbuilt()  # type: ignore[call-arg]
