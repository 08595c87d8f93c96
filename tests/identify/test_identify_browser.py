"""The marking search page in real Chromium: a misread serial finds the stolen weapon, flagged."""

import datetime as dt

import pytest

from armstrace.identify.service import service
from browser_support import log_in, page  # noqa: F401  (fixture)
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_identify_page_finds_misread_serial(page, make_user, make_weapon, add_event):  # noqa: F811
    service.reset()
    investigator = make_user("inv_browser", "investigator", "A")
    registrar = make_user("reg_browser", "registrar", "A")
    weapon = make_weapon(registrar, "ЛТ 1985 0042")
    add_event(registrar, weapon, "registered", dt.date(2012, 1, 1))
    add_event(registrar, weapon, "reported_stolen", dt.date(2012, 8, 1))
    make_weapon(registrar, "ZZ 9999 1111")

    log_in(page, investigator.username, PASSWORD)
    page.click("text=Identify from markings")
    page.wait_for_url("**/identify/")
    page.fill("#id_q", "LT 1985 OO4?")  # Л typed as Latin L, 0 read as O, last digit illegible
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("table.candidates")
    first_row = page.inner_text("table.candidates tbody tr:first-child")
    assert "ЛТ 1985 0042" in first_row
    assert "Stolen" in first_row and "reg_browser" in first_row
    assert page.locator("table.candidates tbody tr:first-child mark.diffchar").count() >= 1
    service.reset()
