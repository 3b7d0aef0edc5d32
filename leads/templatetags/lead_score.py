"""`{{ score|score_band }}` and `{% score_threshold "mid" %}`: the score bands of
leads/score_bands.py for templates (mask, home)."""

from django import template

from leads.score_bands import score_band as _score_band
from leads.score_bands import thresholds

register = template.Library()


@register.filter
def score_band(score) -> str:
    return str(_score_band(int(score or 0)))


@register.simple_tag
def score_threshold(name: str) -> int:
    mid, high = thresholds()
    return {"mid": mid, "high": high}[name]
