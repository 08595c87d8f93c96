"""A deterministic, plainly synthetic national dataset in the spirit of the seed scenario.

Libya 2011–12 and the Sahel (DOMAIN.md, last section): storage sites and brigades, branch
offices registering ex-combatants' weapons, thousands of SALW with per-manufacturer serial
formats, MANPADS components (mostly SA-7b, some SA-24), ammunition and explosives lots. Every
organisation name says "(synthetic)" and every record's notes say so. Same scale + seed →
same data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from armstrace.catalogue.models import Calibre, Manufacturer, WeaponModel
from armstrace.core.context import acting
from armstrace.core.importing import bulk_write
from armstrace.core.models import Country, Organisation, Role, User
from armstrace.core.registration import REGISTRY
from armstrace.core.services import save_record
from armstrace.registry import lifecycle
from armstrace.registry.models import (
    AmmunitionLot,
    ComponentEvent,
    LotTransaction,
    ManpadsComponent,
    ManpadsSystem,
    Weapon,
    WeaponEvent,
)
from armstrace.stockpile.models import Exposure, SecurityAssessment, Site, StockMovement, Stocktake, StorageUnit

SYNTHETIC = "SYNTHETIC DEMONSTRATION DATA"
PASSWORD_SUFFIX = "-demo-2026!"
HOME, NEIGHBOUR = "LBY", "NER"

# (model name, manufacturer name or None, share of weapons, serial format)
WEAPON_MIX = [
    ("AKM", None, 0.22, "izhmash"), ("Type 56", "Norinco", 0.16, "norinco"), ("AK-47", None, 0.08, "izhmash"),
    ("PM md. 63", "Uzina Mecanică Cugir", 0.06, "cugir"), ("AR-M1", "Arsenal AD", 0.04, "arsenal"),
    ("M70", "Zastava Arms", 0.04, "digits7"),
    ("FN FAL", "FN Herstal", 0.08, "digits7"), ("G3", "Heckler & Koch", 0.05, "g3"), ("PKM", None, 0.07, "pk"),
    ("DShK", None, 0.03, "pk"), ("KPV", None, 0.02, "pk"), ("RPG-7", None, 0.08, "rpg"),
    ("Makarov PM", None, 0.04, "pk"), ("Browning Hi-Power", "FN Herstal", 0.03, "digits7"),
]
SERIAL_LETTERS = "АБВГДЕЖИКЛМНПРСТУФХ"


def serial_for(fmt: str, rng: random.Random, year: int) -> str:
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if fmt == "izhmash":
        if rng.random() < .5:
            return f"{rng.choice(SERIAL_LETTERS)}{rng.choice(SERIAL_LETTERS)} {digits(4)}"
        return digits(6)
    if fmt == "norinco":
        return f"{rng.choice(['66', '26', '386'])}{digits(7)}"
    if fmt == "cugir":
        return f"{rng.choice('ABCDEFGHKLMNPRSTUVXZ')}{rng.choice('ABCDEFGHKLMNPRSTUVXZ')}-{digits(4)}-{year}"
    if fmt == "arsenal":
        return f"10-{digits(6)}"
    if fmt == "g3":
        return f"{rng.choice('ABCDG')}{rng.randint(1, 9)} {digits(5)}"
    if fmt == "pk":
        return f"{rng.choice(SERIAL_LETTERS)}{rng.choice(SERIAL_LETTERS)} {digits(3)}"
    if fmt == "rpg":
        return f"{digits(2)}{rng.choice(SERIAL_LETTERS)} {digits(4)}"
    return digits(7)


@dataclass
class DemoResult:
    users: list[tuple[str, str, str, str]] = field(default_factory=list)  # (user, password, role, org)
    counts: dict[str, int] = field(default_factory=dict)


def _org(name: str, kind: str, country: Country | None, parent: Organisation | None = None) -> Organisation:
    org, _ = Organisation.objects.get_or_create(name=name, country=country,
                                                defaults={"kind": kind, "parent": parent})
    return org


def _user(username: str, role: str, org: Organisation, result: DemoResult) -> User:
    password = f"{username}{PASSWORD_SUFFIX}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, organisation=org, first_name="Demo", last_name=role)
        user.set_password(password)
        user.save()
    result.users.append((username, password, user.get_role_display(), str(org)))
    return user


def build_organisations(result: DemoResult, scale: int) -> dict:
    lby, ner = Country.objects.get(iso3=HOME), Country.objects.get(iso3=NEIGHBOUR)
    ministry = _org("Ministry of Defence (synthetic)", "ministry", lby)
    commission = _org("National Small Arms Commission (synthetic)", "agency", lby)
    police = _org("Criminal Investigation Department (synthetic)", "agency", lby)
    sites = [_org(f"Depot {i:03d} (synthetic)", "site", lby, ministry) for i in range(1, 6 * scale + 1)]
    units = [_org(f"Brigade {i:02d} (synthetic)", "unit", lby, ministry) for i in range(1, 4 * scale + 1)]
    branches = [_org(f"Branch office {i:02d} (synthetic)", "branch", lby, commission) for i in range(1, 38)]
    niger = _org("Niger National Commission (synthetic)", "agency", ner)
    panel = _org("UN Panel of Experts (synthetic)", "international", None)
    people = {
        "registrar": _user("registrar", Role.REGISTRAR, commission, result),
        "custodian": _user("custodian", Role.CUSTODIAN, sites[0], result),
        "investigator": _user("investigator", Role.INVESTIGATOR, police, result),
        "analyst": _user("analyst", Role.ANALYST, commission, result),
        "focalpoint": _user("focalpoint", Role.FOCAL_POINT, commission, result),
        "auditor": _user("auditor", Role.AUDITOR, commission, result),
        "admin": _user("admin", Role.ADMINISTRATOR, ministry, result),
        "niger": _user("niger", Role.REGISTRAR, niger, result),
        "panel": _user("panel", Role.ANALYST, panel, result),
    }
    return {"sites": sites, "units": units, "branches": branches, "people": people, "lby": lby, "ner": ner,
            "ministry": ministry, "niger": niger}


def _events_for(rng: random.Random, orgs: dict, year: int) -> list[tuple[str, dt.date, Organisation | None]]:
    """A plausible life: registered at a site, often issued to a brigade; some lost, stolen, destroyed."""
    start = dt.date(2011, 10, 1) + dt.timedelta(days=rng.randint(0, 400))
    site = rng.choice(orgs["sites"])
    events = [("registered", start, site)]
    roll = rng.random()
    if roll < 0.45:
        events.append(("issued", start + dt.timedelta(days=rng.randint(5, 200)), rng.choice(orgs["units"])))
        if rng.random() < 0.25:
            events.append(("returned", events[-1][1] + dt.timedelta(days=rng.randint(10, 300)), site))
    elif roll < 0.50:
        events.append(("reported_lost", start + dt.timedelta(days=rng.randint(30, 500)), None))
    elif roll < 0.54:
        events.append(("reported_stolen", start + dt.timedelta(days=rng.randint(30, 500)), None))
    elif roll < 0.60:
        events.append(("destroyed", start + dt.timedelta(days=rng.randint(60, 700)), None))
    return events


def _owner(items, state: Country, org: Organisation) -> None:
    for item in items:
        item.owner_state, item.owner_org = state, org


MOVEMENT_FOR_EVENT = {"registered": "receipt", "issued": "issue", "returned": "receipt", "reported_lost": "loss",
                      "reported_stolen": "theft", "destroyed": "destruction"}


def build_items(model, event_model, key, items, lives, state, org, stores=None, custodian=None) -> None:
    """Write items, their events and stock movements; status/holder follow the derived life.

    `stores` maps a site's organisation id to the storage unit that receives this kind of item.
    """
    _owner(items, state, org)
    created = bulk_write(REGISTRY[key], items, SYNTHETIC, run_after_import=False)
    events = []
    for item, life in zip(created, lives, strict=True):
        derived = lifecycle.derive((kind, str(holder.pk) if holder else None) for kind, _d, holder in life)
        item.status = derived.status
        holders = [h for _k, _d, h in life if h is not None]
        item.holder_org = holders[-1] if holders and derived.status not in lifecycle.MISSING else None
        for kind, date, holder in life:
            events.append(event_model(item=item, kind=kind, date=date, holder_org=holder, owner_state=state,
                                      owner_org=org, notes=SYNTHETIC))
    event_key = "weapon-events" if key == "weapons" else "component-events"
    bulk_write(REGISTRY[event_key], events, SYNTHETIC, run_after_import=False)
    model._base_manager.bulk_update(created, ["status", "holder_org"], batch_size=2000)
    if stores:
        field = "weapon" if model is Weapon else "component"
        movements = []
        for item, life in zip(created, lives, strict=True):
            unit = stores.get(life[0][2].pk) if life[0][2] is not None else None
            if unit is None or life[0][0] != "registered":
                continue
            for kind, date, holder in life:
                if kind in MOVEMENT_FOR_EVENT:
                    movements.append(StockMovement(
                        kind=MOVEMENT_FOR_EVENT[kind], date=date, storage_unit=unit, site_id=unit.site_id,
                        quantity=1, counterpart=holder if kind == "issued" else None, owner_state=state,
                        owner_org=org, reference=SYNTHETIC, second_person=custodian if kind in (
                            "reported_lost", "reported_stolen", "destroyed") or field == "component" else None,
                        **{field: item}))
        bulk_write(REGISTRY["movements"], movements, SYNTHETIC, run_after_import=False)


def generate(scale: int = 1, seed: int = 2370) -> DemoResult:
    rng = random.Random(seed)
    result = DemoResult()
    with transaction.atomic(), acting(via="system", reason=SYNTHETIC):
        orgs = build_organisations(result, scale)
        makers = {m.name: m for m in Manufacturer.objects.all()}
        models = {(m.manufacturer.name if m.manufacturer else None, m.name): m
                  for m in WeaponModel.objects.select_related("manufacturer", "calibre")}
        by_name = {name: m for (_mk, name), m in models.items()}
        weapons, lives = [], []
        weights = [w for _n, _m, w, _f in WEAPON_MIX]
        for state, _org_unused, count in ((orgs["lby"], orgs["people"]["registrar"].organisation, 2000 * scale),
                                  (orgs["ner"], orgs["niger"], 100 * scale)):
            for _ in range(count):
                name, maker_name, _w, fmt = rng.choices(WEAPON_MIX, weights)[0]
                wmodel = models.get((maker_name, name)) or by_name.get(name)
                maker = makers.get(maker_name or "") or (wmodel.manufacturer if wmodel else None)
                year = rng.randint(1962, 2010)
                weapons.append(Weapon(
                    weapon_type=wmodel.weapon_type if wmodel else "assault_rifle", manufacturer=maker,
                    model=wmodel, calibre=wmodel.calibre if wmodel else None,
                    serial_number=serial_for(fmt, rng, year), year_of_manufacture=year,
                    country_of_manufacture=maker.country if maker else None,
                    marking_condition=rng.choices(["intact", "partly_obliterated", "obliterated"], [90, 8, 2])[0],
                    notes=SYNTHETIC))
                lives.append(_events_for(rng, orgs, year) if state == orgs["lby"] else
                             [("seized", dt.date(2011, 6, 12) + dt.timedelta(days=rng.randint(0, 300)), None)])
        lby_count = 2000 * scale
        stores = build_sites(rng, orgs)
        build_items(Weapon, WeaponEvent, "weapons", weapons[:lby_count], lives[:lby_count], orgs["lby"],
                    orgs["people"]["registrar"].organisation, stores["armoury"], orgs["people"]["custodian"])
        build_items(Weapon, WeaponEvent, "weapons", weapons[lby_count:], lives[lby_count:], orgs["ner"], orgs["niger"])
        result.counts["weapons"] = len(weapons)
        _manpads(rng, orgs, by_name, scale, result, stores)
        _lots(rng, orgs, makers, scale, result, stores)
        _oversight(rng, orgs, result)
        _illicit(rng, orgs, result)
    return result


def _manpads(rng, orgs, by_name, scale, result, stores) -> None:
    state, org = orgs["lby"], orgs["ministry"]
    systems, components = [], []
    for i in range(150 * scale):
        model = by_name.get("9K32M Strela-2M") if rng.random() < .9 else by_name.get("9K338 Igla-S")
        systems.append(ManpadsSystem(designation=f"MS-{i + 1:05d}", model=model, notes=SYNTHETIC))
    _owner(systems, state, org)
    systems = bulk_write(REGISTRY["manpads-systems"], systems, SYNTHETIC, run_after_import=False)
    by_kind: dict[str, tuple[list, list]] = {"missile": ([], []), "launcher": ([], [])}
    for system in systems:
        for kind, prefix in (("missile", "9M32M"), ("gripstock", "9P58M"), ("battery", "9B17")):
            if kind != "missile" and rng.random() < .3:
                continue  # many systems were found incomplete
            items, item_lives = by_kind["missile" if kind == "missile" else "launcher"]
            items.append(ManpadsComponent(
                component=kind, system=system, model=system.model,
                serial_number=f"{prefix} {rng.randint(1, 99999):05d}", year_of_manufacture=rng.randint(1970, 1990),
                lot_number=f"{rng.randint(1, 40):02d}-{rng.randint(70, 90)}", notes=SYNTHETIC))
            item_lives.append(_events_for(rng, orgs, 1980))
    for store, (items, item_lives) in by_kind.items():
        build_items(ManpadsComponent, ComponentEvent, "manpads-components", items, item_lives, state, org,
                    stores[store], orgs["people"]["custodian"])
        components += items
    result.counts["manpads systems"] = len(systems)
    result.counts["manpads components"] = len(components)


LOTS = [("7.62×39mm ball", "7.62×39mm", "1.4", "S", "0.0016", "rounds", 50000),
        ("12.7×108mm API", "12.7×108mm", "1.2", "F", "0.018", "rounds", 8000),
        ("PG-7V HEAT grenade", None, "1.1", "E", "0.34", "rounds", 600),
        ("Plastic explosive", None, "1.1", "D", "1", "kg", 640),
        ("Electric detonators", None, "1.1", "B", "0.001", "rounds", 435)]


def _lots(rng, orgs, makers, scale, result, stores) -> None:
    state, org = orgs["lby"], orgs["ministry"]
    calibres = {c.name: c for c in Calibre.objects.all()}
    lots, quantities = [], []
    for i in range(40 * scale):
        desc, calibre, division, group, neq, unit, qty = LOTS[i % len(LOTS)]
        lots.append(AmmunitionLot(description=desc, calibre=calibres.get(calibre or ""),
                                  lot_number=f"{i + 1:03d}-{rng.randint(70, 99)}", year=rng.randint(1975, 2005),
                                  headstamp=f"{rng.choice(['539', '711', '10', '61'])} {rng.randint(75, 99)}",
                                  hazard_division=division, compatibility_group=group, neq_per_unit_kg=Decimal(neq),
                                  unit=unit, holder_org=rng.choice(orgs["sites"]),
                                  condition=rng.choices(["serviceable", "unserviceable", "suspended"], [80, 12, 8])[0]))
        quantities.append(qty)
    _owner(lots, state, org)
    lots = bulk_write(REGISTRY["lots"], lots, SYNTHETIC, run_after_import=False)
    transactions = []
    for lot, qty in zip(lots, quantities, strict=True):
        transactions.append(LotTransaction(lot=lot, kind="received", quantity=Decimal(qty),
                                           date=dt.date(2012, 1, 15), reference=SYNTHETIC, owner_state=state,
                                           owner_org=org))
        if lot.condition == "serviceable":
            issued = Decimal(qty // rng.randint(3, 10))
            transactions.append(LotTransaction(lot=lot, kind="issued", quantity=issued, date=dt.date(2012, 3, 1),
                                               reference=SYNTHETIC, owner_state=state, owner_org=org))
    bulk_write(REGISTRY["lot-transactions"], transactions, SYNTHETIC, run_after_import=False)
    movements = []
    for t in transactions:
        unit = stores["bunker"][t.lot.holder_org_id]
        movements.append(StockMovement(kind="receipt" if t.kind == "received" else "issue", date=t.date,
                                       storage_unit=unit, site_id=unit.site_id, lot=t.lot, quantity=t.quantity,
                                       owner_state=state, owner_org=org, reference=SYNTHETIC))
    bulk_write(REGISTRY["movements"], movements, SYNTHETIC, run_after_import=False)
    result.counts["lots"] = len(lots)


# Real towns, so the map reads; everything stored there is synthetic.
PLACES = [("Tripoli", 32.887, 13.191, "Tripolitania"), ("Benghazi", 32.117, 20.067, "Cyrenaica"),
          ("Misrata", 32.375, 15.093, "Tripolitania"), ("Sabha", 27.038, 14.428, "Fezzan"),
          ("Zintan", 31.930, 12.250, "Tripolitania"), ("Sirte", 31.209, 16.589, "Tripolitania"),
          ("Tobruk", 32.084, 23.976, "Cyrenaica"), ("Ghat", 24.965, 10.173, "Fezzan"),
          ("Kufra", 24.183, 23.283, "Cyrenaica"), ("Ajdabiya", 30.755, 20.226, "Cyrenaica"),
          ("Derna", 32.767, 22.637, "Cyrenaica"), ("Bani Walid", 31.757, 13.994, "Tripolitania"),
          ("Zawiya", 32.757, 12.728, "Tripolitania"), ("Gharyan", 32.172, 13.020, "Tripolitania"),
          ("Ubari", 26.590, 12.780, "Fezzan"), ("Murzuq", 25.916, 13.918, "Fezzan"), ("Hun", 29.127, 15.948, "Fezzan"),
          ("Brega", 30.400, 19.580, "Cyrenaica")]
UNITS = (("Armoury A", "armoury", 0), ("Missile store", "missile", 0), ("Launcher store", "launcher", 0),
         ("Ammunition bunker", "bunker", 25000))


def build_sites(rng: random.Random, orgs: dict) -> dict[str, dict[int, StorageUnit]]:
    """One Site per depot organisation, with four storage units; returns org id -> unit per purpose."""
    state, owner = orgs["lby"], orgs["ministry"]
    sites = []
    for i, depot in enumerate(orgs["sites"]):
        town, lat, lon, region = PLACES[i % len(PLACES)]
        sites.append(Site(name=depot.name, organisation=depot, kind="depot", region=region,
                          latitude=Decimal(str(round(lat + rng.uniform(-.08, .08), 6))),
                          longitude=Decimal(str(round(lon + rng.uniform(-.08, .08), 6))),
                          estimated_manpads=rng.randint(80, 400), target_rrpl=2,
                          notes=f"{SYNTHETIC}; near {town}", owner_state=state, owner_org=owner))
    sites = bulk_write(REGISTRY["sites"], sites, SYNTHETIC, run_after_import=False)
    units = [StorageUnit(site=site, name=name, kind="building", licensed_neq_kg=Decimal(limit), owner_state=state,
                         owner_org=owner) for site in sites for name, _purpose, limit in UNITS]
    units = bulk_write(REGISTRY["storage-units"], units, SYNTHETIC, run_after_import=False)
    stores: dict[str, dict[int, StorageUnit]] = {purpose: {} for _n, purpose, _l in UNITS}
    for index, unit in enumerate(units):
        site = sites[index // len(UNITS)]
        purpose = UNITS[index % len(UNITS)][1]
        stores[purpose][site.organisation_id] = unit
    # One depot keeps its launchers in the missile store: the co-location alert the dashboard shows.
    stores["launcher"][sites[1].organisation_id] = stores["missile"][sites[1].organisation_id]
    return stores


def _oversight(rng: random.Random, orgs: dict, result: DemoResult) -> None:
    """Exposures near the first depot's bunker, security assessments, and approved counts at some depots."""
    from armstrace.safety.rrpl import DEFAULT_QUESTIONS

    state, owner = orgs["lby"], orgs["ministry"]
    sites = list(Site.objects.filter(owner_state=state).order_by("pk"))
    first = sites[0]
    exposures = [Exposure(name=f"{label} (synthetic)", kind=kind, owner_state=state, owner_org=owner,
                          latitude=first.latitude + Decimal(dlat), longitude=first.longitude)
                 for label, kind, dlat in (("Primary school", "vulnerable_building", "0.004"),
                                           ("Farmhouse", "inhabited_building", "0.002"),
                                           ("Coastal road", "public_traffic_route", "0.02"))]
    bulk_write(REGISTRY["exposures"], exposures, SYNTHETIC, run_after_import=False)
    assessments = []
    for site in sites:
        answers = {q.code: rng.random() < (0.95 if q.critical else 0.7) for q in DEFAULT_QUESTIONS}
        assessment = SecurityAssessment(site=site, date=dt.date(2012, 6, 1), answers=answers, notes=SYNTHETIC,
                                        owner_state=state, owner_org=owner)
        assessments.append(assessment)
    bulk_write(REGISTRY["assessments"], assessments, SYNTHETIC, run_after_import=False)
    counts = [Stocktake(site=site, kind="full", blind=True, status="approved", started_on=dt.date.today(),
                        owner_state=state, owner_org=owner) for site in sites[2::2]]
    bulk_write(REGISTRY["stocktakes"], counts, SYNTHETIC, run_after_import=False)
    result.counts["storage sites"] = len(sites)


CONFUSE = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B"})


def _illicit(rng: random.Random, orgs: dict, result: DemoResult) -> None:
    """Seizures that exercise matching, tracing, diversion analysis and 16.4.2 (all synthetic)."""
    from armstrace.core.models import Country
    from armstrace.core.views import share_record
    from armstrace.illicit import services
    from armstrace.illicit.models import SeizedItem, Seizure, SeizureParty

    people = orgs["people"]
    investigator, niger = people["investigator"], people["niger"]
    convoy = save_record(Seizure(
        reference="NER-2011-06-CONVOY", recovery="seized", date=dt.date(2011, 6, 12), place="Near Arlit",
        latitude=Decimal("18.74"), longitude=Decimal("7.39"), legal_context="illicit_trafficking",
        criminal_context="terrorism", origin_country_id="LBY", transit="NER", destination_country_id="MLI",
        cash_usd=Decimal("90000"), summary=f"{SYNTHETIC}: a convoy of vehicles intercepted in the desert.",
        sources="Modelled on S/2012/163 ¶48–49"), niger)
    for values in ({"category": "explosive", "description": "Semtex plastic explosive", "mass_kg": Decimal(640),
                    "quantity": Decimal(0)},
                   {"category": "ied_component", "description": "Electric detonators", "quantity": Decimal(435)}):
        save_record(SeizedItem(seizure=convoy, **values), niger)
    for name, kind in (("Vehicle 1 (synthetic)", "vehicle"), ("Armed group X (synthetic)", "group")):
        save_record(SeizureParty(seizure=convoy, kind=kind, name=name), niger)
    share_record(convoy, orgs["people"]["panel"].organisation, niger, "Panel of Experts request (synthetic)")

    missing = list(Weapon.objects.filter(owner_state=orgs["lby"], status__in=["lost", "stolen"]).order_by("pk")[:12])
    maker = Manufacturer.objects.filter(name="Norinco").first()
    model = WeaponModel.objects.filter(name="Type 56").first()
    base = 5612300
    places = [("Sabha market", 27.04, 14.43, "Fezzan"), ("Ubari checkpoint", 26.59, 12.78, "Fezzan"),
              ("Ghat road", 24.96, 10.17, "Fezzan"), ("Kufra", 24.18, 23.28, "Cyrenaica"),
              ("Sirte", 31.21, 16.59, "Tripolitania"), ("Ajdabiya", 30.76, 20.23, "Cyrenaica")]
    for i in range(12):
        place, lat, lon, region = places[i % len(places)]
        seizure = save_record(Seizure(
            reference=f"LBY-2012-{i + 1:03d}", recovery=rng.choice(["seized", "seized", "found", "surrendered"]),
            date=dt.date(2012, 2, 1) + dt.timedelta(days=17 * i), place=place, region=region,
            latitude=Decimal(str(lat)),
            longitude=Decimal(str(lon)), legal_context="illicit_trafficking" if i % 3 else "illicit_possession",
            criminal_context=rng.choice(["terrorism", "organised_crime", "armed_conflict", "unknown"]),
            summary=SYNTHETIC), investigator)
        save_record(SeizureParty(seizure=seizure, kind="person", name=f"Suspect {i + 1} (synthetic)",
                                 role="driver"), investigator)
        if i < len(missing):  # a weapon reported lost or stolen, its serial misread
            weapon = missing[i]
            item = save_record(SeizedItem(seizure=seizure, category="weapon", weapon_type=weapon.weapon_type,
                                          manufacturer=weapon.manufacturer, model=weapon.model,
                                          serial_as_read=weapon.serial_number.translate(CONFUSE)), investigator)
            if i % 2 == 0:
                services.confirm_match(item, weapon, investigator, "markings compared on site (synthetic)")
        if maker and model:  # one crate's consecutive serials, split across seizures
            save_record(SeizedItem(seizure=seizure, category="weapon", weapon_type="assault_rifle",
                                   manufacturer=maker, model=model, serial_as_read=f"{base + 3 * i}"), investigator)
        save_record(SeizedItem(seizure=seizure, category="ammunition", lot_number="71-88", headstamp="71 88",
                               description="7.62×39 ball", quantity=Decimal(rng.randint(30, 400))), investigator)
    first = SeizedItem.objects.filter(seizure__reference="LBY-2012-002", category="weapon").last()
    if first:
        for n, (country, steps) in enumerate((("CHN", ["send"]), ("BGR", ["send", "acknowledge"]),
                                              ("RUS", ["send", "acknowledge", "answer"]))):
            tr = services.draft_from_item(first, Country.objects.get(iso3=country), investigator,
                                          reference=f"TR-DEMO-{n + 1}", illicit_character=SYNTHETIC,
                                          intended_use="Criminal investigation and diversion analysis")
            for step in steps:
                services.advance(tr, step, investigator, on=dt.date(2012, 4, 1) + dt.timedelta(days=10 * n),
                                 **({"point_of_diversion": "State stockpile, 2011 (synthetic)",
                                     "last_legal_holder": "Ministry of Defence (synthetic)",
                                     "how_established": "export records"} if step == "answer" else {}))
    groups = services.run_analysis(investigator)
    result.counts["seizures"] = Seizure.objects.count()
    result.counts["diversion groups"] = len(groups)
