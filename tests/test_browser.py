"""The site in a real browser (Debian's Chromium driven by Playwright): no accessibility
violations (axe-core), no console errors, and the filter form works without JavaScript."""

import os
import shutil

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = [
    "/{lang}/",
    "/{lang}/news/",
    "/{lang}/news/interpol-coordonne-une-operation-mondiale-visant-a-mettre-le-botnet-simda-hors/",
    "/{lang}/crimes/attacks-on-computer-systems/",
    "/{lang}/initiatives/igci/",
    "/{lang}/advice/heartbleed-bug/",
    "/{lang}/advice/",
    "/{lang}/search/",
    "/{lang}/search/?q=interpol",
]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CYBERWATCH_REQUIRE_SERVICES"):
            pytest.fail(f"Chromium is required for the browser tests and is missing: {CHROMIUM}")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


PASSWORD = "a long passphrase"


def signed_in(browser, base, username, password=PASSWORD):
    """A new browser context signed in to the admin as `username`: its page."""
    page = browser.new_context().new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    return page


@pytest.fixture
def site(live_server, transactional_db):
    call_command("seed_content", verbosity=0)
    return live_server.url


def open_page(browser, url, javascript=True):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(url)
    return page, response, errors


def test_seed_slugs_used_here_exist(site):
    from news.models import Article

    assert Article.objects.filter(slug=PAGES[2].split("/")[3]).exists()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_pages_have_no_accessibility_violations_or_console_errors(browser, site, lang):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for pattern in PAGES:
        page, response, errors = open_page(browser, site + pattern.format(lang=lang))
        assert response.status == 200, pattern
        assert page.get_attribute("html", "lang") == lang
        assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
        results = axe.run(page)
        assert results.violations_count == 0, f"{pattern}\n{results.generate_report()}"
        assert errors == [], pattern
        page.context.close()


def test_filter_form_works_without_javascript(browser, site):
    page, response, errors = open_page(browser, site + "/en/news/", javascript=False)
    page.get_by_label("Words").fill("botnet")
    page.locator("#id_language").select_option("fr")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "q=botnet" in page.url
    assert "language=fr" in page.url
    titles = page.locator(".card__title").all_inner_texts()
    assert titles == [
        "INTERPOL coordonne une opération mondiale visant à mettre le botnet Simda "
        "hors d’état de nuire"
    ]
    assert errors == []
    page.context.close()


def test_bad_filter_value_is_shown_at_its_field(browser, site):
    page, response, errors = open_page(browser, site + "/fr/news/?month=13&year=2015")
    assert response.status == 400
    assert page.locator("#id_month").get_attribute("aria-invalid") == "true"
    assert page.locator(".errorlist").count() >= 1
    page.context.close()


def test_an_article_prints_its_headline_date_text_and_address_only(browser, site):
    from .factories import ArticleFactory

    article = ArticleFactory(title_en="Printed news", body_en="<p>What happened, in full.</p>")
    page, response, _errors = open_page(browser, f"{site}/en/news/{article.slug}/")
    assert response.status == 200
    page.emulate_media(media="print")
    for hidden in [".site-header", ".site-footer", ".breadcrumb", ".language-switcher", ".related"]:
        if page.locator(hidden).count():
            assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("h1.page-title").is_visible()
    assert page.locator("article.detail time").first.is_visible()
    assert page.locator(".prose").inner_text() == "What happened, in full."
    assert page.locator(".prose").is_visible()
    address = page.locator(".print-only")
    assert address.is_visible()
    assert address.inner_text() == f"{site}/en/news/{article.slug}/"
    page.emulate_media(media="screen")
    assert not address.is_visible()
    assert page.locator(".site-header").is_visible()
    page.context.close()


def test_skip_to_results_comes_before_the_filters_and_lands_on_them(browser, site):
    page, _response, _errors = open_page(browser, f"{site}/en/news/?year=2015")
    page.keyboard.press("Tab")  # the page's own skip link
    page.keyboard.press("Tab")
    skip = page.locator(".skip-to-results")
    # Before the filter form in the page's order: reached before any of its fields.
    order = page.evaluate(
        "() => [...document.querySelectorAll('a, input, select, button, summary')]"
        ".map(e => e.className || e.tagName)"
    )
    assert order.index("skip-to-results") < order.index("SUMMARY")
    skip.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "results"
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.closest('.card') !== null")
    assert focused, "the first Tab after the skip reaches the first result"
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_header_search_box_is_visible_on_a_phone_and_works_without_javascript(
    browser, site, lang
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/{lang}/news/")
    box = page.locator("header input[name=q]")
    assert box.is_visible()
    top = box.bounding_box()
    assert top["y"] + top["height"] <= 844  # on the first screen, not behind "Filters"
    box.fill("heartbleed")
    page.locator("header form[role=search] button").click()
    page.wait_for_load_state()
    assert f"/{lang}/search/?q=heartbleed" in page.url
    assert page.locator(f'.card__title a[href="/{lang}/advice/heartbleed-bug/"]').count() == 1
    context.close()


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ar"])
def test_latest_news_start_within_two_phone_screens_of_the_home_page(browser, site, lang):
    """On a phone the home page's latest news come right after the introduction, not below the
    whole overview (issue 24: 3,400 px down); the rest of the overview follows them."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    assert page.goto(f"{site}/{lang}/").status == 200
    top = page.locator("#latest-news").bounding_box()["y"]
    assert top < 2 * PHONE["height"], top
    # The overview is still there, after the news, in the reading order as on the screen.
    order = page.eval_on_selector_all(
        "h1, h2", "headings => headings.map(heading => heading.id || heading.tagName)"
    )
    assert order[:2] == ["H1", "latest-news"]
    assert len(page.locator("section.overview").all()) >= 1
    below = page.locator("section.overview h2").first.bounding_box()["y"]
    assert below > top
    context.close()
