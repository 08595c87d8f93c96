"""Load the ISO 3166-1 countries (from django-countries' data) into core.Country."""

from django.db import migrations


def load_countries(apps, schema_editor):
    from django.utils import translation
    from django_countries import countries

    Country = apps.get_model("core", "Country")
    with translation.override("en"):
        rows = []
        for code, name in countries:
            iso3 = countries.alpha3(code)
            if iso3:
                rows.append(Country(iso3=iso3, iso2=code, name_en=str(name)))
    Country.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
