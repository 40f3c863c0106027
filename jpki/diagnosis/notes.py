"""The general notes a report ends with: which ones apply, not their words."""

from __future__ import annotations

from enum import StrEnum, unique

__all__ = ["Note"]


@unique
class Note(StrEnum):
    """A piece of general guidance; :mod:`jpki.diagnosis.words` says it."""

    LOST_CARD = "lost_card"
    """Suspend a lost card at once (free dial, 24 hours), report it; re-issue fees."""
    EXPRESS_ISSUANCE = "express_issuance"
    """Re-issue after a loss can be express (特急発行, since 2024-12-02)."""
    MOVING_ABROAD = "moving_abroad"
    """The card stays usable abroad with the prior procedure (since 2024-05-27)."""
    FOREIGN_LANGUAGES = "foreign_languages"
    """Help in foreign languages (guidebook p.19); for foreign residents."""
    HEALTH_INSURANCE = "health_insurance"
    """The card as a health insurance card (guidebook section 9)."""
    CALL_CENTRE = "call_centre"
    """Whom to call."""
    COUNTER = "counter"
    """Where the counter is and when it is open."""
