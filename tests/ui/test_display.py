"""Values as a reader sees them (ui.display) and the format modules they agree with."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django_countries.fields import Country

from ui.display import date_text, datetime_text, money_text, value_text

STAMP = dt.datetime(2026, 12, 2, 16, 22, 2, 368304, tzinfo=dt.UTC)  # 17:22 in Berlin


@pytest.mark.parametrize(
    ("lang", "date", "stamp"),
    [("de", "02.12.2026", "02.12.2026 17:22"), ("en", "12/02/2026", "12/02/2026 05:22 PM")],
)
def test_dates_local_and_in_the_readers_format(lang, date, stamp):
    with translation.override(lang):
        assert date_text(STAMP.date()) == date
        assert datetime_text(STAMP) == stamp
        assert value_text(STAMP) == stamp
        assert "+00:00" not in value_text(STAMP)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_strftime_twins_agree_with_the_template_formats(lang):
    local = timezone.localtime(STAMP)
    with translation.override(lang):
        assert datetime_text(STAMP) == date_format(local, "SHORT_DATETIME_FORMAT")
        assert date_text(local.date()) == date_format(local.date(), "SHORT_DATE_FORMAT")


def test_countries_by_name_and_booleans_in_words():
    with translation.override("de"):
        assert value_text(Country("DE")) == "Deutschland"
        assert value_text(True) == "ja"
        assert value_text(None) == "—"
        assert value_text(Decimal("1234.5")) == "1.234,5"
        assert money_text(Decimal("1234.5")) == "1.234,50 €"
    with translation.override("en"):
        assert value_text(Country("DE")) == "Germany"
        assert money_text(Decimal("1234.5")) == "1,234.50 €"
