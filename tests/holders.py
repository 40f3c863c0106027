"""The holder the tests' simulated signature certificates are issued to, defined once.

Tiers that need another birth date or address derive it with :func:`dataclasses.replace`.
"""

from __future__ import annotations

from datetime import date

from sim.factory import pki

HANAKO = pki.Holder(
    name="山田\u3000花子",
    sex=pki.Sex.FEMALE,
    birth_date=date(1989, 1, 7),
    address="東京都千代田区千代田１丁目１番１号",
    prefecture="Tokyo-to",
    municipality="Chiyoda-ku",
)
"""A holder in Chiyoda-ku, born on the last day of Showa."""
