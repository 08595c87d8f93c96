"""Shared fixtures: two States with a user per role, a small catalogue, and record factories."""

from __future__ import annotations

import datetime as dt
import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

PASSWORD = "Correct-Horse-Battery-9"


@pytest.fixture
def states(db):
    from armstrace.core.countries import load_countries
    from armstrace.core.models import Country, Organisation

    if not Country.objects.filter(iso3="LBY").exists():  # a transactional test before us flushed them
        load_countries(Country)
    lby, ner = Country.objects.get(iso3="LBY"), Country.objects.get(iso3="NER")
    return {
        "A": Organisation.objects.create(name="Commission A", country=lby),
        "A_site": Organisation.objects.create(name="Depot A1", country=lby, kind="site"),
        "B": Organisation.objects.create(name="Commission B", country=ner),
        "panel": Organisation.objects.create(name="Panel of Experts", country=None, kind="international"),
    }


@pytest.fixture
def make_user(states):
    from armstrace.core.models import User

    def make(username: str, role: str = "registrar", org: str = "A"):
        user = User(username=username, role=role, organisation=states[org])
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def registrar(make_user):
    return make_user("reg_a", "registrar", "A")


@pytest.fixture
def registrar_b(make_user):
    return make_user("reg_b", "registrar", "B")


@pytest.fixture
def catalogue(states):
    from armstrace.catalogue.models import Calibre, Manufacturer, ManufacturerAlias, WeaponModel
    from armstrace.core.context import acting

    with acting(reason="test catalogue"):
        cal = Calibre(name="7.62×39mm", aliases="M43")
        cal.save()
        maker = Manufacturer(name="Kalashnikov Concern", country_id="RUS")
        maker.save()
        ManufacturerAlias(manufacturer=maker, name="ИЖМАШ", script="Cyrillic").save()
        ManufacturerAlias(manufacturer=maker, name="Izhmash").save()
        akm = WeaponModel(name="AKM", manufacturer=None, weapon_type="assault_rifle", un_category="salw_small",
                          calibre=cal, aliases="AK-47")
        akm.save()
        sa7 = WeaponModel(name="9K32M Strela-2M", weapon_type="manpads", un_category="VII", aliases="SA-7b")
        sa7.save()
    return {"calibre": cal, "maker": maker, "akm": akm, "sa7": sa7}


@pytest.fixture
def make_weapon(catalogue):
    from armstrace.core.services import save_record
    from armstrace.registry.models import Weapon

    def make(user, serial: str = "AK123456", **fields):
        values = {"weapon_type": "assault_rifle", "manufacturer": catalogue["maker"], "model": catalogue["akm"],
                  "calibre": catalogue["calibre"], "serial_number": serial, **fields}
        return save_record(Weapon(**values), user)

    return make


@pytest.fixture
def add_event():
    from armstrace.core.services import save_record
    from armstrace.registry.models import WeaponEvent

    def add(user, weapon, kind: str, date: dt.date = dt.date(2012, 1, 1), **fields):
        return save_record(WeaponEvent(item=weapon, kind=kind, date=date, **fields), user)

    return add
