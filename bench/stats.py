"""Summaries of timing samples: median and 95th percentile, nothing fancier."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Summary", "percentile"]


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The *fraction* quantile of *samples* (linear interpolation between order statistics).

    :raises ValueError: no samples, or a fraction outside 0..1.
    """
    if not samples:
        raise ValueError("no samples")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"a quantile is 0..1, not {fraction}")
    ordered = sorted(samples)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class Summary:
    """Median and 95th percentile of *n* samples, in seconds."""

    n: int
    median: float
    p95: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> Summary:
        """Summarise *samples* (seconds).

        :raises ValueError: no samples.
        """
        if not samples:
            raise ValueError("no samples")
        return cls(len(samples), statistics.median(samples), percentile(samples, 0.95))

    def to_json_us(self) -> dict[str, float | int]:
        """``{"n", "median_us", "p95_us"}``, microseconds rounded to 0.01."""
        return {
            "n": self.n,
            "median_us": round(self.median * 1e6, 2),
            "p95_us": round(self.p95 * 1e6, 2),
        }

    def to_json_ms(self) -> dict[str, float | int]:
        """``{"n", "median_ms", "p95_ms"}``, milliseconds rounded to 0.01."""
        return {
            "n": self.n,
            "median_ms": round(self.median * 1e3, 2),
            "p95_ms": round(self.p95 * 1e3, 2),
        }
