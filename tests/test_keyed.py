"""Keyed hashes: one person, one suggester; receipts hold minutes and month and cannot be forged."""

from __future__ import annotations

import re

import pytest

from bot.keyed import NotOurReceipt, Receipt, check_receipt, sign_receipt, suggester

SECRET = "123456:ABC-secret"


def test_a_suggester_is_stable_per_person_and_says_nothing_of_the_id() -> None:
    one, again, other = (suggester(SECRET, p) for p in ("a" * 32, "a" * 32, "b" * 32))
    assert one == again != other
    assert re.fullmatch(r"[0-9a-f]{64}", one) and "a" * 32 not in one
    assert suggester("another-token", "a" * 32) != one


def test_a_receipt_holds_only_minutes_and_month_and_checks() -> None:
    code = sign_receipt(SECRET, Receipt(minutes=25, year=2026, month=11))
    assert re.fullmatch(r"BREW-25-202611-[A-Z2-7]{10}", code)
    assert check_receipt(SECRET, code) == Receipt(25, 2026, 11)
    assert check_receipt(SECRET, f"  {code.lower()} ") == Receipt(25, 2026, 11)


@pytest.mark.parametrize("change", ["minutes", "month", "key", "shape"])
def test_a_changed_receipt_is_refused(change: str) -> None:
    code = sign_receipt(SECRET, Receipt(minutes=25, year=2026, month=11))
    if change == "minutes":
        code = code.replace("BREW-25-", "BREW-250-")
    elif change == "month":
        code = code.replace("-202611-", "-202612-")
    elif change == "shape":
        code = code[:-1]
    secret = "another-token" if change == "key" else SECRET
    with pytest.raises(NotOurReceipt):
        check_receipt(secret, code)
