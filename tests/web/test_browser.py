"""Main flow in real Chromium: log in, register a weapon, find it in the list and its history, Arabic RTL."""

import pytest

from browser_support import log_in, page  # noqa: F401  (fixture)
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registrar_user(make_user, catalogue):
    return make_user("browser_reg", "registrar", "A")


def test_register_weapon_then_list_history_and_arabic(page, registrar_user, catalogue):  # noqa: F811
    log_in(page, registrar_user.username, PASSWORD)
    page.goto(page.base_url + "/r/weapons/add/")
    page.select_option("select[name=weapon_type]", "assault_rifle")
    page.select_option("select[name=manufacturer]", label="Kalashnikov Concern")
    page.select_option("select[name=model]", label="AKM")
    page.fill("input[name=serial_number]", "БР 4711")
    page.fill("input[name=year_of_manufacture]", "1984")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Saved")
    assert "БР 4711" in page.inner_text("h1")
    history = page.inner_text("section.history")
    assert "Created" in history and registrar_user.username in history

    page.goto(page.base_url + "/r/weapons/")
    page.wait_for_selector("table.table")
    assert "БР 4711" in page.inner_text("table.table")
    page.click("text=БР 4711")
    page.wait_for_selector("section.history")

    page.select_option("header select[name=language]", "ar")
    page.wait_for_load_state("load")
    page.wait_for_function("document.documentElement.dir === 'rtl'")
    assert page.get_attribute("html", "lang") == "ar"
    direction = page.evaluate("getComputedStyle(document.querySelector('main')).direction")
    assert direction == "rtl"
    nav_x = page.evaluate("document.querySelector('nav.side').getBoundingClientRect().x")
    main_x = page.evaluate("document.querySelector('main').getBoundingClientRect().x")
    assert nav_x > main_x  # the menu sits on the right in Arabic
