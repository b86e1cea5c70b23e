"""Join codes, their rate limit, and seat tokens: pure logic with injected time and randomness."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import random
import secrets
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from net.admission import (
    ADMIT,
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_TRACKED,
    JoinCodeGate,
    SeatTokens,
    format_code,
    new_join_code,
    normalize_code,
    token_hash,
)

# --- codes ---------------------------------------------------------------------------------------


def test_codes_are_short_and_unambiguous() -> None:
    code = new_join_code()
    assert len(code) == CODE_LENGTH == 8
    assert set(code) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(CODE_ALPHABET)


def test_codes_come_from_the_injected_source() -> None:
    assert new_join_code(random.Random(5)) == new_join_code(random.Random(5))
    assert new_join_code(lambda n: 0) == CODE_ALPHABET[0] * CODE_LENGTH
    assert len(new_join_code(random.SystemRandom(), length=8)) == 8
    assert set(new_join_code(secrets.randbelow)) <= set(CODE_ALPHABET)


def test_codes_use_the_whole_alphabet() -> None:
    rng = random.Random(1)
    seen = set().union(*(new_join_code(rng) for _ in range(300)))
    assert seen == set(CODE_ALPHABET)


def test_code_length_must_be_positive() -> None:
    with pytest.raises(ValueError):
        new_join_code(length=0)


def test_typed_codes_are_normalised() -> None:
    assert normalize_code(" k7q-x3m\n") == "K7QX3M"
    assert format_code("k7qx3m9p") == "K7QX-3M9P"
    assert normalize_code(format_code("ABCDEF")) == "ABCDEF"


# --- the gate ------------------------------------------------------------------------------------


def test_no_code_lets_everyone_in() -> None:
    gate = JoinCodeGate(None)
    assert gate.check("10.0.0.1", None, 0.0) is ADMIT
    assert gate.check("10.0.0.1", "anything", 0.0) is ADMIT


def test_right_wrong_and_missing_codes() -> None:
    gate = JoinCodeGate("K7Q-X3M")
    assert gate.code == "K7QX3M"
    assert gate.check("a", "k7q x3m", 0.0).ok
    wrong = gate.check("a", "K7QX3N", 0.0)
    assert (wrong.ok, wrong.code, wrong.reason) == (False, "bad-code", "wrong join code")
    missing = gate.check("a", None, 0.0)
    assert (missing.code, missing.reason) == ("bad-code", "this table needs a join code")


def test_five_failures_in_a_minute_rate_limit_that_address_even_with_the_right_code() -> None:
    gate = JoinCodeGate("ABCDEF")
    for second in range(5):
        assert gate.check("1.2.3.4", "WRONG1", float(second)).code == "bad-code"
    limited = gate.check("1.2.3.4", "ABCDEF", 10.0)
    assert (limited.code, limited.wait) == ("rate-limited", 50.0)
    assert limited.reason == "too many wrong join codes from your address — try again in 50 s"
    assert gate.check("5.6.7.8", "ABCDEF", 10.0).ok  # other addresses are unaffected
    assert gate.check("1.2.3.4", "ABCDEF", 59.9).code == "rate-limited"
    assert gate.check("1.2.3.4", "ABCDEF", 60.0).ok  # the first failure has aged out


def test_rate_limited_attempts_do_not_extend_the_block() -> None:
    gate = JoinCodeGate("ABCDEF", max_failures=2, window=10.0)
    gate.check("a", "x", 0.0)
    gate.check("a", "x", 1.0)
    for t in range(2, 10):
        assert gate.check("a", "x", float(t)).code == "rate-limited"
    assert gate.check("a", "x", 10.0).code == "bad-code"  # one slot free again


def test_success_forgets_earlier_failures() -> None:
    gate = JoinCodeGate("ABCDEF", max_failures=3)
    gate.check("a", "x", 0.0)
    gate.check("a", "x", 1.0)
    assert gate.check("a", "ABCDEF", 2.0).ok
    assert gate.check("a", "x", 3.0).code == "bad-code"
    assert gate.check("a", "x", 4.0).code == "bad-code"
    assert gate.check("a", "x", 5.0).code == "bad-code"
    assert gate.check("a", "x", 6.0).code == "rate-limited"


def test_a_guesser_with_many_addresses_locks_nobody_else_out() -> None:
    gate = JoinCodeGate("ABCDEF")
    for i in range(500):
        for second in range(5):
            assert gate.check(f"10.0.{i // 250}.{i % 250}", "WRONG1", float(second)).code
    assert gate.check("192.168.1.1", "ABCDEF", 6.0).ok  # the person with the code gets in
    assert gate.check("10.0.0.1", "ABCDEF", 6.0).code == "rate-limited"  # a guesser does not


def test_an_ipv6_network_counts_as_one_address() -> None:
    gate = JoinCodeGate("ABCDEF", max_failures=2)
    gate.check("2001:db8:1:2::1", "x", 0.0)
    gate.check("2001:db8:1:2::ffff", "x", 1.0)  # another address in the same /64
    assert gate.check("2001:db8:1:2:abcd::9", "ABCDEF", 2.0).code == "rate-limited"
    assert gate.check("2001:db8:1:3::1", "ABCDEF", 2.0).ok  # another /64


def test_memory_is_bounded_however_many_addresses_guess() -> None:
    gate = JoinCodeGate("ABCDEF")
    for i in range(MAX_TRACKED * 3):
        gate.check(f"addr{i}", "nope", i * 0.001)
    assert gate.tracked_addresses <= MAX_TRACKED


def test_a_code_is_hopeless_to_guess_at_five_thousand_guesses_a_minute() -> None:
    minutes = len(CODE_ALPHABET) ** CODE_LENGTH / 2 / 5_000  # found, on average, halfway
    assert minutes / (60 * 24 * 365) > 100  # years


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["ABCDEF", "WRONG1", None]),
            st.floats(min_value=0, max_value=5),
        ),
        max_size=60,
    )
)
def test_an_address_never_gets_more_than_its_share_of_guesses(
    attempts: list[tuple[str, str | None, float]],
) -> None:
    gate = JoinCodeGate("ABCDEF", max_failures=3, window=10.0)
    now = 0.0
    wrong: dict[str, list[float]] = {}
    for address, code, step in attempts:
        now += step
        verdict = gate.check(address, code, now)
        if verdict.ok:
            wrong.pop(address, None)  # a success forgets that address's failures
        elif verdict.code == "bad-code":
            wrong.setdefault(address, []).append(now)
        for times in wrong.values():
            # never more wrong guesses checked from one address than its share in a window
            assert len([t for t in times if now < t + 10.0]) <= 3


def test_codes_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, Any]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    gate = JoinCodeGate("ABCDEF")
    gate.check("a", "ABCDEX", 0.0)
    gate.check("a", "ABCDEF", 0.0)
    assert calls == [(b"ABCDEX", b"ABCDEF"), (b"ABCDEF", b"ABCDEF")]


def test_gate_rejects_silly_settings() -> None:
    with pytest.raises(ValueError):
        JoinCodeGate("--")
    with pytest.raises(ValueError):
        JoinCodeGate("ABC", window=0)


# --- seat tokens ---------------------------------------------------------------------------------


def test_tokens_prove_a_seat_and_rotate_on_resume() -> None:
    tokens: SeatTokens[str] = SeatTokens()
    first = tokens.issue("guest")
    assert len(first) >= 22  # 16 random bytes
    assert tokens.verify(first) == "guest"
    resumed = tokens.resume(first)
    assert resumed is not None
    seat, second = resumed
    assert seat == "guest" and second != first
    assert tokens.verify(second) == "guest"
    third = tokens.resume(second)  # the new token arrived: the one before it retires
    assert third is not None and third[1] not in (first, second)
    assert tokens.verify(first) is None  # two rotations back: dead
    assert tokens.resume(first) is None
    assert tokens.verify(second) == "guest"  # presented last, its welcome may be lost
    assert tokens.verify(third[1]) == "guest"


def test_a_join_whose_welcome_was_lost_can_resume_with_the_token_it_presented() -> None:
    counter = itertools.count()
    tokens: SeatTokens[str] = SeatTokens(lambda n: f"tok{next(counter)}")
    held = tokens.issue("guest")
    # The join resumes with `held`; the welcome carrying the new token never reaches it.
    lost = tokens.resume(held)
    assert lost == ("guest", "tok1")
    # It tries again with the only token it has: still its seat, and a new token again.
    again = tokens.resume(held)
    assert again == ("guest", "tok2")
    assert tokens.verify("tok1") is None  # never confirmed, superseded: dead
    assert tokens.verify(held) == "guest"  # still the one it may be holding
    # This welcome arrives; presenting the newest retires the old one for good.
    assert tokens.resume("tok2") == ("guest", "tok3")
    assert tokens.verify(held) is None
    assert tokens.resume(held) is None
    assert tokens.verify("tok2") == "guest" and tokens.verify("tok3") == "guest"


def test_at_most_two_tokens_per_seat_and_none_after_revoke() -> None:
    counter = itertools.count()
    tokens: SeatTokens[str] = SeatTokens(lambda n: f"tok{next(counter)}")
    tokens.issue("guest")
    for _ in range(5):
        tokens.resume("tok0")  # the lost-welcome case, repeated
    valid = [t for t in (f"tok{i}" for i in range(7)) if tokens.verify(t) is not None]
    assert valid == ["tok0", "tok5"]
    tokens.revoke("guest")
    assert all(tokens.verify(f"tok{i}") is None for i in range(7))
    fresh = tokens.issue("guest")  # a new guest: nothing from before is valid
    assert [t for t in (f"tok{i}" for i in range(8)) if tokens.verify(t)] == [fresh]


def test_revoked_unknown_and_odd_tokens_fail() -> None:
    tokens: SeatTokens[int] = SeatTokens()
    token = tokens.issue(1)
    assert 1 in tokens
    tokens.revoke(1)
    tokens.revoke(1)  # harmless twice
    assert 1 not in tokens
    for odd in (token, None, "", "x" * 300, 42):
        assert tokens.verify(odd) is None  # type: ignore[arg-type]


def test_token_source_is_injectable_and_seats_are_independent() -> None:
    counter = itertools.count()
    tokens: SeatTokens[str] = SeatTokens(lambda n: f"tok{next(counter)}-{n}")
    assert tokens.issue("a") == "tok0-16"
    assert tokens.issue("b") == "tok1-16"
    assert tokens.verify("tok0-16") == "a" and tokens.verify("tok1-16") == "b"
    assert tokens.issue("a") == "tok2-16"  # a new token for a kills the old
    assert tokens.verify("tok0-16") is None


def test_tokens_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, Any]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    tokens: SeatTokens[str] = SeatTokens(lambda n: "t-" + "abc"[len(calls) % 3])
    tokens.issue("a")
    tokens.issue("b")
    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert tokens.verify("t-a") == "a"
    assert len(calls) == 4  # both slots of every seat compared, even after the first match
    calls.clear()
    assert tokens.verify("t-zz") is None
    assert len(calls) == 4


def test_only_hashes_of_tokens_are_kept() -> None:
    tokens: SeatTokens[str] = SeatTokens(lambda n: "secret-token")
    token = tokens.issue("guest")
    assert token_hash(token) == hashlib.sha256(b"secret-token").hexdigest()
    assert tokens.hashes("guest") == (token_hash(token), None)
    assert token.encode() not in repr(vars(tokens)).encode()
    assert tokens.hashes("nobody") is None


def test_tokens_are_restored_from_their_hashes() -> None:
    source = iter(["t1", "t2", "t3"])
    tokens: SeatTokens[str] = SeatTokens(lambda n: next(source))
    tokens.issue("guest")
    assert tokens.resume("t1") == ("guest", "t2")
    hashes = tokens.hashes("guest")
    assert hashes == (token_hash("t2"), token_hash("t1"))
    restored: SeatTokens[str] = SeatTokens(lambda n: "t9")
    restored.restore("guest", *hashes)
    assert restored.verify("t2") == "guest" and restored.verify("t1") == "guest"
    assert restored.resume("t2") == ("guest", "t9") and restored.verify("t1") is None


def test_a_hash_that_is_not_sha256_is_refused() -> None:
    tokens: SeatTokens[str] = SeatTokens()
    for bad in ("", "zz" * 32, "ab" * 31):
        with pytest.raises(ValueError, match="SHA-256"):
            tokens.restore("guest", bad)
