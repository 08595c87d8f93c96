"""The hash-chained history: every change recorded; direct tampering detected and located."""

import pytest
from django.core.management import call_command
from django.db import connection

from armstrace.core import ledger
from armstrace.core.context import acting
from armstrace.core.models import LedgerEntry
from armstrace.core.models.base import AmendmentReasonRequired
from armstrace.core.services import save_record


@pytest.fixture
def history(registrar, make_weapon, add_event):
    weapon = make_weapon(registrar, "AK000111")
    add_event(registrar, weapon, "registered")
    weapon.notes = "barrel replaced"
    save_record(weapon, registrar, reason="inspection 2012-03")
    return weapon


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_create_and_amend_are_recorded_with_who_and_why(history, registrar):
    entries = list(ledger.history(history))
    assert [e.action for e in entries] == ["create", "change"]
    assert entries[1].reason == "inspection 2012-03"
    assert entries[1].before["notes"] == "" and entries[1].after["notes"] == "barrel replaced"
    assert entries[1].username == registrar.username


def test_amendment_without_reason_is_refused(history):
    history.notes = "silently changed"
    with pytest.raises(AmendmentReasonRequired):
        history.save()
    assert "silently" not in history.__class__.objects.get(pk=history.pk).notes


def test_records_cannot_be_deleted(history):
    with pytest.raises(Exception, match="never deleted"):
        history.delete()
    with pytest.raises(Exception, match="never deleted"):
        history.__class__.objects.all().delete()


def test_intact_history_verifies(history):
    result = ledger.verify()
    assert result.ok, result.problem
    assert result.entries_checked == LedgerEntry.objects.count() >= 4
    call_command("ledger", "verify", verbosity=0)  # exits 0


def test_modified_entry_is_found(history):
    target = LedgerEntry.objects.filter(action="change").get()
    _sql("UPDATE core_ledgerentry SET reason = %s WHERE seq = %s", ["nothing to see", target.seq])
    result = ledger.verify()
    assert not result.ok and result.bad_seq == target.seq and "modified" in result.problem


def test_removed_entry_is_found(history):
    second = LedgerEntry.objects.order_by("seq")[1]
    _sql("DELETE FROM core_ledgerentry WHERE seq = %s", [second.seq])
    result = ledger.verify()
    assert not result.ok and result.bad_seq == second.seq and "missing" in result.problem


def test_removed_tail_is_found(history):
    last = LedgerEntry.objects.order_by("-seq").first()
    _sql("DELETE FROM core_ledgerentry WHERE seq = %s", [last.seq])
    result = ledger.verify()
    assert not result.ok and "removed from the end" in result.problem


def test_reordered_entries_are_found(history):
    first, second = LedgerEntry.objects.order_by("seq")[:2]
    _sql("UPDATE core_ledgerentry SET seq = -1 WHERE seq = %s", [first.seq])
    _sql("UPDATE core_ledgerentry SET seq = %s WHERE seq = %s", [first.seq, second.seq])
    _sql("UPDATE core_ledgerentry SET seq = %s WHERE seq = -1", [second.seq])
    result = ledger.verify()
    assert not result.ok and result.bad_seq == first.seq


def test_record_changed_behind_the_application_is_found(history):
    _sql("UPDATE registry_weapon SET serial_number = %s WHERE id = %s", ["XX999", history.pk])
    result = ledger.verify()
    assert not result.ok and f"registry.Weapon {history.pk}" in result.problem


def test_cli_exits_non_zero_and_names_the_entry(history, capsys):
    target = LedgerEntry.objects.order_by("seq")[2]
    _sql("UPDATE core_ledgerentry SET username = %s WHERE seq = %s", ["mallory", target.seq])
    with pytest.raises(SystemExit) as exit_info:
        call_command("ledger", "verify", verbosity=0)
    assert exit_info.value.code == 1
    assert f"entry {target.seq}" in capsys.readouterr().err


def test_projection_changes_are_not_amendments(history, registrar, add_event):
    before = LedgerEntry.objects.count()
    with acting(user=registrar):
        add_event(registrar, history, "issued", holder_person="Sgt. Demo")
    history.refresh_from_db()
    assert history.status == "issued"
    assert LedgerEntry.objects.count() == before + 1  # the event only; status is derived
    assert ledger.verify().ok


def test_sharing_is_recorded_but_is_not_a_state(history, registrar, registrar_b):
    from armstrace.core.views import share_record

    share_record(history, registrar_b.organisation, registrar, "trace")
    assert ledger.history(history).last().action == "share"
    assert ledger.verify().ok
