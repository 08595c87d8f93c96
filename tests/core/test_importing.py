"""Imports: every bad input gets a clear message naming where, and nothing is half-written."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from armstrace.core.importing import run_import
from armstrace.core.models import ImportJob, LedgerEntry
from armstrace.core.registration import REGISTRY
from armstrace.core.tabular import TabularError, read_table
from armstrace.registry.models import Weapon, WeaponEvent
from tests_support import login_client

HEADER = "weapon_type,manufacturer,model,calibre,serial_number,year_of_manufacture\n"
GOOD = "assault_rifle,ИЖМАШ,AKM,\"7,62×39\",ЛТ 1234,1985\nAssault rifle,Izhmash,AK-47,7.62x39mm,1985 AB 9,1979\n"


def imp(user, text: str | bytes, name="w.csv", **kwargs):
    data = text.encode() if isinstance(text, str) else text
    return run_import(REGISTRY["weapons"], read_table(name, data), user, **kwargs)


def test_good_file_imports_with_lookups_in_any_script(registrar, catalogue):
    result = imp(registrar, HEADER + GOOD)
    assert result.ok and result.written == 2
    first = Weapon.objects.get(serial_number="ЛТ 1234")
    assert first.manufacturer == catalogue["maker"] and first.model == catalogue["akm"]
    assert first.calibre == catalogue["calibre"] and first.status == "in_stock"
    assert first.owner_state_id == "LBY"
    assert WeaponEvent.objects.filter(item=first, kind="registered").exists()
    assert LedgerEntry.objects.filter(model="registry.Weapon", object_id=str(first.pk), action="create").exists()


def test_one_bad_row_writes_nothing_and_names_row_column_field(registrar, catalogue):
    bad = HEADER + GOOD + "assault_rifle,Unknown Maker,AKM,7.62x39,X1,1985\nassault_rifle,,AKM,,X2,3000\n"
    result = imp(registrar, bad)
    assert result.written == 0 and Weapon.objects.count() == 0
    messages = [e.as_text("w.csv") for e in result.errors]
    assert any("row 4" in m and "“manufacturer”" in m and "Unknown Maker" in m for m in messages), messages
    assert any("row 5" in m and "year_of_manufacture" in m for m in messages), messages
    assert ImportJob.objects.get().status == "rejected"


def test_per_row_mode_writes_valid_rows_and_reports_the_rest(registrar, catalogue):
    bad = HEADER + GOOD + "assault_rifle,Unknown Maker,AKM,7.62x39,X1,1985\n"
    result = imp(registrar, bad, per_row=True)
    assert result.written == 2 and len(result.errors) == 1
    assert "row,column" in result.error_report_csv() and ",4," in result.error_report_csv()


def test_dry_run_writes_nothing(registrar, catalogue):
    result = imp(registrar, HEADER + GOOD, dry_run=True)
    assert result.ok and result.written == 0 and len(result.preview) == 2
    assert Weapon.objects.count() == 0


def test_column_mapping(registrar, catalogue):
    text = "Type;Maker;Serial\nassault_rifle;Izhmash;S-1\n"
    result = imp(registrar, text, mapping={"Type": "weapon_type", "Maker": "manufacturer", "Serial": "serial_number"})
    assert result.ok and Weapon.objects.get().serial_number == "S-1"


def test_semicolon_and_latin1_are_understood(registrar, catalogue):
    text = ("weapon_type;serial_number;notes\nassault_rifle;S-2;"
            "saisie à la frontière, arme endommagée, numéro partiellement effacé\n")
    result = imp(registrar, text.encode("latin-1"))
    assert result.ok, result.errors
    assert Weapon.objects.get().notes.startswith("saisie à la frontière")


@pytest.mark.parametrize("data,name,expected", [
    (b"", "e.csv", "is empty"),
    (b"   \n\n", "e.csv", "is empty"),
    (b"weapon_type,serial_number,serial_number\nx,y,z\n", "d.csv", "appears twice"),
    (b"\x00\x01\x02garbage" * 100, "g.csv", "binary data"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, "old.xls", "old Excel"),
    (b"PK\x03\x04 not really a zip", "w.xlsx", "not a readable Excel"),
])
def test_bad_files_are_refused_clearly(data, name, expected):
    with pytest.raises(TabularError) as err:
        read_table(name, data)
    assert expected in err.value.message and name in err.value.message


def test_fifty_megabytes_of_garbage_is_refused(settings):
    settings.ARMSTRACE_MAX_IMPORT_BYTES = 50 * 2**20
    with pytest.raises(TabularError) as err:
        read_table("big.csv", b"\xff\xfe\x00" * (17 * 2**20 + 1))
    assert "largest accepted" in err.value.message


def test_xlsx_formulas_are_refused_and_values_accepted(registrar, catalogue):
    wb = Workbook()
    ws = wb.active
    ws.append(["weapon_type", "serial_number"])
    ws.append(["assault_rifle", "=HYPERLINK(\"http://x\")"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(TabularError) as err:
        read_table("f.xlsx", buf.getvalue())
    assert "row 2, column 2" in err.value.message and "formulas" in err.value.message
    ws["B2"] = 12345
    buf = io.BytesIO()
    wb.save(buf)
    assert imp(registrar, buf.getvalue(), name="ok.xlsx").written == 1
    assert Weapon.objects.get().serial_number == "12345"


def test_missing_required_column(registrar, catalogue):
    result = imp(registrar, "manufacturer\nIzhmash\n")
    assert not result.ok and "serial_number" in result.errors[0].field and Weapon.objects.count() == 0


def test_duplicate_serials_are_flagged_not_merged(registrar, catalogue):
    imp(registrar, HEADER + "assault_rifle,Izhmash,AKM,,D-1,\nassault_rifle,Izhmash,AKM,,D 1,\n"
                            "assault_rifle,Izhmash,,,D-1,\n")
    flagged = sorted(Weapon.objects.filter(possible_duplicate=True).values_list("serial_number", flat=True))
    assert flagged == ["D 1", "D-1"]
    assert Weapon.objects.count() == 3


def test_cli_import_dry_run_and_error_exit(registrar, catalogue, tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    call_command("import", "weapons", str(path), "--dry-run", "--user", registrar.username, verbosity=0)
    assert Weapon.objects.count() == 0
    call_command("import", "weapons", str(path), "--user", registrar.username, verbosity=0)
    assert Weapon.objects.count() == 2
    path.write_text(HEADER + "assault_rifle,Nobody,AKM,,Z,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("import", "weapons", str(path), "--user", registrar.username, verbosity=0)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty.csv is empty"):
        call_command("import", "weapons", str(empty), "--user", registrar.username, verbosity=0)


def test_web_import_preview_then_import(registrar, catalogue):
    client = login_client(registrar)
    upload = io.BytesIO((HEADER + GOOD).encode())
    upload.name = "web.csv"
    page = client.post("/r/weapons/import/", {"file": upload, "action": "preview", "mode": "all"})
    assert "2 rows read, 0 errors, 0 written" in page.content.decode()
    upload = io.BytesIO((HEADER + GOOD).encode())
    upload.name = "web.csv"
    client.post("/r/weapons/import/", {"file": upload, "action": "import", "mode": "all"})
    assert Weapon.objects.count() == 2
    bad = io.BytesIO(b"")
    bad.name = "empty.csv"
    page = client.post("/r/weapons/import/", {"file": bad, "action": "import"}, follow=True)
    assert page.status_code == 200


def test_web_per_row_error_report_download(registrar, catalogue):
    client = login_client(registrar)
    upload = io.BytesIO((HEADER + GOOD + "assault_rifle,Unknown Maker,AKM,7.62x39,X1,1985\n").encode())
    upload.name = "rows.csv"
    client.post("/r/weapons/import/", {"file": upload, "action": "import", "mode": "per_row"})
    job = ImportJob.objects.get()
    assert job.status == "partial" and job.rows_written == 2
    report = client.get(f"/imports/{job.pk}/errors.csv").content.decode()
    assert report.splitlines()[0] == "file,row,column,field,error" and "rows.csv,4,manufacturer" in report
