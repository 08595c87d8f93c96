"""In real Chromium: record a seizure and a seized weapon, confirm the register match, open a tracing request."""

import datetime as dt

import pytest

from armstrace.identify.service import service as marking
from browser_support import log_in, page  # noqa: F401  (fixture)
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_seizure_match_and_tracing_request(page, investigator, registrar, make_weapon, add_event):  # noqa: F811
    marking.reset()
    weapon = make_weapon(registrar, "56-1234567")
    add_event(registrar, weapon, "registered", dt.date(2012, 1, 1))
    add_event(registrar, weapon, "reported_stolen", dt.date(2012, 2, 1))

    log_in(page, investigator.username, PASSWORD)
    page.goto(page.base_url + "/r/seizures/add/")
    page.fill("input[name=reference]", "BR-SZ-1")
    page.select_option("select[name=recovery]", "seized")
    page.fill("input[name=date]", "2012-06-12")
    page.fill("input[name=place]", "Border post 7")
    page.select_option("select[name=legal_context]", "illicit_trafficking")
    page.select_option("select[name=criminal_context]", "organised_crime")
    page.click("form.record-form button[type=submit]")
    page.wait_for_selector("text=Saved")

    page.click("a.button[href*='seized-items/add']")
    page.select_option("select[name=category]", "weapon")
    page.fill("input[name=serial_as_read]", "S6-I234567")  # 5 read as S, 1 as I
    page.click("form.record-form button[type=submit]")
    page.wait_for_selector("table.candidates")
    row = page.inner_text("table.candidates tbody tr:first-child")
    assert "56-1234567" in row and "Stolen" in row
    page.click("table.candidates tbody tr:first-child button")
    page.wait_for_selector("text=Match confirmed")
    assert "Confirmed match" in page.inner_text("main")

    page.click("text=Open a tracing request")
    page.select_option("select[name=counterpart]", "CHN")
    page.fill("textarea[name=illicit_character]", "Seized from a trafficking network")
    page.fill("textarea[name=intended_use]", "Prosecution")
    page.click("form.record-form button[type=submit]")
    page.wait_for_selector("#trace-status")
    assert page.inner_text("#trace-status") == "Draft"
    page.click("button[value=send]")
    page.wait_for_function("document.querySelector('#trace-status').innerText === 'Sent'")
    assert "China" in page.inner_text("main")
    marking.reset()
