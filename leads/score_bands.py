"""Lead-score bands (niedrig / mittel / hoch): the one definition the list, the board, the
lead mask, the dashboard (tiles and chart) and the home page use.

The thresholds are settings (`LEADCRM_HIGH_SCORE_THRESHOLD`, `LEADCRM_MID_SCORE_THRESHOLD`),
so the "Hoher Score" tile and the badge colours can never disagree. A band's value is also
its CSS modifier (`lc-score-high`, static/css/app.css).
"""

from __future__ import annotations

import enum

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_SCORE = 100


class ScoreBand(enum.StrEnum):
    LOW = "low"
    MID = "mid"
    HIGH = "high"

    @property
    def label(self) -> str:
        return str({"low": _("niedrig"), "mid": _("mittel"), "high": _("hoch")}[self.value])


def thresholds() -> tuple[int, int]:
    """(mid, high): the lowest score of the "mittel" and of the "hoch" band."""
    conf = settings.LEADCRM
    return conf["MID_SCORE_THRESHOLD"], conf["HIGH_SCORE_THRESHOLD"]


def score_band(score: int) -> ScoreBand:
    mid, high = thresholds()
    if score >= high:
        return ScoreBand.HIGH
    return ScoreBand.MID if score >= mid else ScoreBand.LOW


def band_ranges() -> list[tuple[ScoreBand, int, int]]:
    """Each band with its lowest and highest score, low to high (chart labels)."""
    mid, high = thresholds()
    return [
        (ScoreBand.LOW, 0, mid - 1),
        (ScoreBand.MID, mid, high - 1),
        (ScoreBand.HIGH, high, MAX_SCORE),
    ]


def band_condition(band: ScoreBand, field: str = "score") -> Q:
    """SQL twin of `score_band(score) == band`."""
    _band, low, top = next(r for r in band_ranges() if r[0] == band)
    return Q(**{f"{field}__gte": low, f"{field}__lte": top})
