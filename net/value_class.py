"""Frozen, slotted dataclasses that cost less to define when a program starts.

``@dataclass(frozen=True, slots=True)`` compiles six methods for each class when its module is
imported — ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and
``__delattr__``, each through its own ``exec`` — and the messages and protocol events are
imported by every program before its first prompt: that compiling is a good part of a join's
start-up. :func:`value_class` makes the same class with one ``exec``, for ``__init__`` alone
(generated as the frozen dataclass's is, so that building a message costs what it did), and
that one only when the class builds its first instance: most of these classes are built later
than the first prompt or never (a join sees no ``refuse``). The other methods are shared by
every such class and do exactly what the generated ones do:

* ``Name(field=value, …)`` over the fields shown in the repr;
* equality of the compared fields between instances of the very same class,
  ``NotImplemented`` otherwise; the hash of the hashed fields' values (the compared ones
  unless a field says otherwise);
* assigning or deleting a field raises :class:`dataclasses.FrozenInstanceError`; copying and
  pickling go through ``__getstate__`` / ``__setstate__``, as a frozen slotted dataclass's do.

It is still a dataclass: :func:`dataclasses.fields`, :func:`dataclasses.replace`,
:func:`dataclasses.asdict` and ``__match_args__`` work as before. A class with a field this
``__init__`` does not build (a ``default_factory``, keyword-only or ``init=False``) is made by
:func:`dataclasses.dataclass` itself.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any, TypeVar, dataclass_transform

__all__ = ["value_class"]

T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def value_class(cls: type[T]) -> type[T]:
    """Make *cls* a frozen, slotted dataclass, defined cheaply (see the module docstring).

    Returns:
        The new class (slots make a new one, as with :func:`dataclasses.dataclass`).
    """
    if not _plain(cls):
        return dataclasses.dataclass(frozen=True, slots=True)(cls)
    # Any: the methods are set on the class the dataclass made, which no type checker follows.
    made: Any = dataclasses.dataclass(init=False, repr=False, eq=False, slots=True)(cls)
    fields = dataclasses.fields(made)
    made.__init__ = _init_when_first_built(made, fields)
    made.__value_shown__ = tuple(f.name for f in fields if f.repr)
    compared = tuple(f.name for f in fields if f.compare)
    hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
    made.__value_compared__ = compared
    made.__value_hashed__ = hashed
    made.__repr__ = _repr
    made.__eq__ = _eq
    made.__hash__ = _hash
    made.__setattr__ = _setattr
    made.__delattr__ = _delattr
    made.__getstate__ = _getstate
    made.__setstate__ = _setstate
    made_class: type[T] = made
    return made_class


def _plain(cls: type) -> bool:
    """Whether every field of *cls* is one the generated ``__init__`` builds: a plain default
    or none (no ``default_factory``, keyword-only or ``init=False`` field, no ``KW_ONLY``)."""
    for name in getattr(cls, "__annotations__", {}):
        value = cls.__dict__.get(name)
        if isinstance(value, dataclasses.Field) and (
            value.default_factory is not dataclasses.MISSING
            or value.kw_only is True
            or not value.init
        ):
            return False
    return not any("KW_ONLY" in str(hint) for hint in getattr(cls, "__annotations__", {}).values())


def _init_when_first_built(cls: Any, fields: tuple[dataclasses.Field[Any], ...]) -> Any:
    """An ``__init__`` that compiles the class's own (:func:`_init`) when the first instance is
    built, puts it in its place and runs it. Until then :func:`inspect.signature` of the class
    reads the signature the compiled one will have."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init = _init(cls, fields)
        cls.__init__ = init
        init(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [inspect.Parameter("self", positional)]
    for f in fields:
        default = inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        parameters.append(inspect.Parameter(f.name, positional, default=default))
    __init__.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return __init__


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Any:
    """The ``__init__`` a frozen dataclass of *fields* has, compiled in one ``exec``."""
    names: dict[str, Any] = {"__set": object.__setattr__}
    params, body = [], []
    for f in fields:
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            names[f"__default_{f.name}"] = f.default
            params.append(f"{f.name}=__default_{f.name}")
        body.append(f"    __set(self, {f.name!r}, {f.name})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "    pass")
    exec(source, names)
    init = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _repr(self: Any) -> str:
    cls = type(self)
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in cls.__value_shown__)
    return f"{cls.__qualname__}({shown})"


def _values(self: Any, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(self, name) for name in names)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = type(self).__value_compared__
    return _values(self, names) == _values(other, names)


def _hash(self: Any) -> int:
    return hash(_values(self, type(self).__value_hashed__))


def _setattr(self: Any, name: str, value: object) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, f.name) for f in dataclasses.fields(self)]


def _setstate(self: Any, state: list[Any]) -> None:
    for f, value in zip(dataclasses.fields(self), state, strict=True):
        object.__setattr__(self, f.name, value)
