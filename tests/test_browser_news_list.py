"""The news list's filters in a real browser, on a phone and on a wide screen: before the
results, behind a "Filters" control on a phone, open in a sidebar on a wide screen, with or
without JavaScript."""

import pytest

from .test_browser import browser, site  # noqa: F401 — fixtures

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def open_list(chromium, url, viewport, javascript=False):
    context = chromium.new_context(viewport=viewport, java_script_enabled=javascript)
    page = context.new_page()
    response = page.goto(url)
    return page, response


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_on_a_phone_the_filters_control_is_above_the_first_result(browser, site, lang):  # noqa: F811
    page, response = open_list(browser, f"{site}/{lang}/news/", PHONE)
    assert response.status == 200
    control = page.locator(".filter-panel > summary")
    first_card = page.locator(".card").first
    assert control.is_visible()
    assert control.bounding_box()["y"] + control.bounding_box()["height"] < 844
    assert control.bounding_box()["y"] < first_card.bounding_box()["y"]
    assert not page.locator("#id_q").is_visible()
    control.click()
    assert page.locator("#id_q").is_visible()
    page.context.close()


def test_on_a_phone_the_filters_work_without_javascript(browser, site):  # noqa: F811
    page, _response = open_list(browser, f"{site}/en/news/", PHONE)
    page.locator(".filter-panel > summary").click()
    page.locator("#id_language").select_option("en")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.url == f"{site}/en/news/?language=en"
    assert page.locator("h1").inner_text() == "News: English"
    page.get_by_role("link", name="Remove filter: English").click()
    page.wait_for_load_state()
    assert page.url == f"{site}/en/news/"
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_on_a_wide_screen_the_filters_are_an_open_sidebar(browser, site, lang):  # noqa: F811
    page, _response = open_list(browser, f"{site}/{lang}/news/", DESKTOP)
    words = page.locator("#id_q")
    assert words.is_visible()
    assert not page.locator(".filter-panel > summary").is_visible()
    aside = page.locator(".with-sidebar__aside").bounding_box()
    first_card = page.locator(".card").first.bounding_box()
    # Side by side: the sidebar at the start of the line (left in English, right in Arabic).
    assert aside["y"] < first_card["y"] + first_card["height"]
    if lang == "ar":
        assert aside["x"] > first_card["x"]
    else:
        assert aside["x"] < first_card["x"]
    page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_filtered_list_has_no_accessibility_violations(browser, site, lang, viewport):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    url = f"{site}/{lang}/news/?year=2015&month=5&language=fr&category=attacks-on-computer-systems"
    page, response = open_list(browser, url, viewport, javascript=True)
    assert response.status == 200
    assert page.locator(".active-filters li").count() == 3
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_archive_leads_to_a_month_and_back_to_another_year_without_javascript(
    browser,  # noqa: F811
    site,  # noqa: F811
    lang,
):
    from axe_playwright_python.sync_playwright import Axe

    page, _response = open_list(browser, f"{site}/{lang}/news/?language=fr", DESKTOP)
    page.set_default_timeout(10000)
    archive = page.locator("section[aria-labelledby=facet-years]")
    archive.locator("a", has_text="2015").click()
    page.wait_for_load_state()
    assert page.url == f"{site}/{lang}/news/?language=fr&year=2015"
    months = archive.locator(".facets__months a")
    assert months.count() >= 2
    may = archive.locator(".facets__months a", has_text="May" if lang == "en" else "مايو")
    may.click()
    page.wait_for_load_state()
    assert page.url == f"{site}/{lang}/news/?language=fr&year=2015&month=5"
    assert may.get_attribute("aria-current") == "true"
    # Another year, the language kept and the month dropped.
    archive.locator("a", has_text="2014").click()
    page.wait_for_load_state()
    assert page.url == f"{site}/{lang}/news/?language=fr&year=2014"
    page.context.close()
    # axe-core runs in the page: with JavaScript.
    url = f"{site}/{lang}/news/?language=fr&year=2015&month=5"
    page, _response = open_list(browser, url, DESKTOP, javascript=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.context.close()
