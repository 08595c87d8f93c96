"""Load the ISO 3166-1 countries (from django-countries' data) into core.Country."""

from django.db import migrations


def load(apps, schema_editor):
    from armstrace.core.countries import load_countries

    load_countries(apps.get_model("core", "Country"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
