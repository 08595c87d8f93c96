"""A full blind stocktake in real Chromium: a shortfall, the approver's decision, a loss the marking search reports."""

import pytest

from armstrace.core.services import save_record
from armstrace.identify.service import service as marking
from armstrace.stockpile.models import Stocktake
from browser_support import log_in, page  # noqa: F401  (fixture)
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_stocktake_shortfall_becomes_loss_found_by_marking_search(page, custodian, focal, depot, registrar,  # noqa: F811
                                                                  make_weapon, receive):
    marking.reset()
    _site, units = depot
    for serial in ("BW-100", "BW-101", "BW-102"):
        receive(custodian, units["B3"], weapon=make_weapon(registrar, serial))
    st = save_record(Stocktake(site=units["B3"].site, storage_unit=units["B3"], kind="full", blind=True), custodian)

    log_in(page, custodian.username, PASSWORD)
    page.goto(f"{page.base_url}/stockpile/stocktakes/{st.pk}/")
    page.click("button[value=start]")
    page.wait_for_selector("#scan-form")
    assert "BW-102" not in page.inner_text("main")  # blind: nothing expected is shown
    for reading in ("BW-100", "bw 101", "BW-100"):
        page.fill("#scan-form input[name=serial]", reading)
        page.click("#scan-form button")
        page.wait_for_selector("#scan-form")
    assert "already scanned" in page.inner_text("main")
    page.click("button[value=close]")
    page.wait_for_selector("#result")
    assert "BW-102" in page.inner_text("#result")
    page.click("text=Log out")

    log_in(page, focal.username, PASSWORD)
    page.goto(f"{page.base_url}/stockpile/stocktakes/{st.pk}/")
    page.fill("textarea[name=reason]", "Building searched twice; not found")
    page.click("button[value=approve]")
    page.wait_for_selector("text=Approved")

    page.goto(f"{page.base_url}/identify/")
    page.fill("#id_q", "BW-1O2")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("table.candidates")
    first = page.inner_text("table.candidates tbody tr:first-child")
    assert "BW-102" in first and "Lost" in first and focal.username in first
    marking.reset()
