"""Diversion groups and SDG 16.4.2 through the application: constructed cases, drill-down, exports."""

import datetime as dt
import io

from django.core.management import call_command
from openpyxl import load_workbook

from armstrace.illicit import services
from armstrace.illicit.models import DiversionGroup, SeizedItem
from armstrace.illicit.statistics import sdg_16_4_2
from tests_support import login_client


def test_split_batch_is_grouped_and_decoys_are_not(investigator, seizure, seized, catalogue):
    akm, maker = catalogue["akm"], catalogue["maker"]
    seizures = [seizure(f"S-{i}", dt.date(2012, 6, i + 1)) for i in range(3)]
    for i, serial in enumerate(["KC 400101", "KC 400104", "KC 400109", "KC 400110"]):
        seized(seizures[i % 3], serial, manufacturer=maker, model=akm, weapon_type="assault_rifle")
    from armstrace.catalogue.models import Manufacturer

    other = Manufacturer(name="Other Works")
    other.save()
    decoy = seizure("S-DECOY", dt.date(2012, 7, 1))
    seized(decoy, "KC 400105", manufacturer=other, weapon_type="assault_rifle")
    groups = services.run_analysis(investigator)
    assert len(groups) == 1
    group = groups[0]
    assert len(group.item_ids) == 4 and len(group.seizure_ids) == 3 and "consecutive" in group.kinds
    services.decide_group(group, "accepted", "same crate numbering", investigator)
    again = services.run_analysis(investigator)  # re-running keeps the analyst's decision
    assert DiversionGroup.objects.get(pk=again[0].pk).decision == "accepted"
    page = login_client(investigator).get("/illicit/diversion/").content.decode()
    assert "svg" in page and "S-0" in page


def test_sdg_16_4_2_counts_arms_excludes_antiques_and_drills_down(investigator, seizure, seized):
    s2012 = seizure("Y-1", dt.date(2012, 3, 1))
    traced = seized(s2012, "T-1", diversion_established=True, diversion_how="trace answered")
    seized(s2012, "T-2")
    seized(s2012, "OLD-1", year_of_manufacture=1890)  # antique: excluded
    seized(s2012, category="ammunition", lot_number="L-9")  # not an arm
    rows = sdg_16_4_2(SeizedItem.objects.all())
    row = next(r for r in rows if r["year"] == 2012)
    assert (row["numerator"], row["denominator"], row["excluded_antiques"]) == (1, 2, 1)
    assert row["value"] == 0.5
    from armstrace.illicit.statistics import drill_down

    assert list(drill_down(SeizedItem.objects.all(), "LBY", 2012, "numerator")) == [traced]
    client = login_client(investigator)
    page = client.get("/illicit/statistics/").content.decode()
    assert "LBY" in page and "50 %" in page
    drill = client.get("/illicit/statistics/items/", {"state": "LBY", "year": "2012", "part": "numerator"})
    assert "T-1" in drill.content.decode() and "T-2" not in drill.content.decode()
    xlsx = client.get("/illicit/statistics/", {"format": "xlsx"}).content
    sheet = load_workbook(io.BytesIO(xlsx))["SDG 16.4.2"]
    assert list(sheet.values)[1][2:4] == (1, 2)


def test_cli_tracing_overdue_and_stats(investigator, seizure, seized, capsys):
    from armstrace.core.models import Country

    item = seized(seizure(), "CLI-T-1")
    tr = services.draft_from_item(item, Country.objects.get(iso3="CHN"), investigator, illicit_character="x",
                                  intended_use="y")
    services.advance(tr, "send", investigator, on=dt.date(2012, 1, 1))
    call_command("tracing", "overdue", "--user", investigator.username)
    assert tr.reference in capsys.readouterr().out
    call_command("tracing", "advance", str(tr.pk), "answer", "--point-of-diversion", "Depot Z", "--user",
                 investigator.username)
    call_command("tracing", "stats", "--user", investigator.username)
    assert "CHN" in capsys.readouterr().out


def test_database_counts_agree_with_the_pure_indicator(investigator, seizure, seized):
    """The grouped query must implement exactly the rules of armstrace.diversion.sdg."""
    from armstrace.diversion.sdg import ArmRecord, indicator

    for year in (2011, 2012):
        s = seizure(f"E-{year}", dt.date(year, 5, 1), recovery="found" if year == 2011 else "seized")
        for i, (category, yom, established) in enumerate([("weapon", None, True), ("weapon", 1899, True),
                                                          ("manpads", 1980, False), ("ammunition", None, True),
                                                          ("weapon", 1900, year == 2012)]):
            seized(s, f"E{year}{i}", category=category, year_of_manufacture=yom, diversion_established=established,
                   diversion_how="x" if established else "")
    items = SeizedItem.objects.select_related("seizure")
    pure = indicator(ArmRecord(i.pk, i.seizure_id, i.owner_state_id, i.seizure.date.year, i.seizure.recovery,
                               i.category in ("weapon", "manpads"), i.year_of_manufacture, i.diversion_established)
                     for i in items)
    database = {(r["state"], r["year"]): r for r in sdg_16_4_2(SeizedItem.objects.all())}
    assert set(pure) == set(database)
    for key, value in pure.items():
        row = database[key]
        assert (row["numerator"], row["denominator"], row["excluded_antiques"], row["value"]) == (
            value.numerator, value.denominator, value.excluded_antiques, value.value)


def test_items_follow_their_seizure_for_statistics(investigator, seizure, seized):
    from armstrace.core.services import save_record

    s = seizure("MOVE-1", dt.date(2011, 5, 1))
    item = seized(s, "M-1")
    assert (SeizedItem.objects.get(pk=item.pk).year, SeizedItem.objects.get(pk=item.pk).recovery) == (2011, "seized")
    s.date, s.recovery = dt.date(2013, 1, 2), "found"
    save_record(s, investigator, reason="date corrected from the report")
    assert (SeizedItem.objects.get(pk=item.pk).year, SeizedItem.objects.get(pk=item.pk).recovery) == (2013, "found")
    assert {r["year"] for r in sdg_16_4_2(SeizedItem.objects.all())} == {2013}
    from armstrace.core import ledger

    assert ledger.verify().ok
