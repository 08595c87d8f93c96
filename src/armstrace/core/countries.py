"""ISO 3166-1 countries from django-countries' data, loaded into core.Country (idempotent)."""

from typing import Any


def load_countries(country_model: Any) -> int:
    """Insert every ISO country that has an alpha-3 code; takes the model so migrations can pass theirs."""
    from django.utils import translation
    from django_countries import countries

    with translation.override("en"):
        rows = [country_model(iso3=countries.alpha3(code), iso2=code, name_en=str(name))
                for code, name in countries if countries.alpha3(code)]
    country_model.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
