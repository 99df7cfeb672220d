"""axe-core finds no violation on the admin pages of our own: the dashboard, the
translation status page, the compare view of two versions, and the review of a pending change
with its preview; and on the pages the newsroom works in: the article list, the change form in
English and in Arabic (right to left), a review sent back with its comment, and the audit log
(Debian's Chromium through Playwright)."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.timezone import localtime
from reversion.models import Version

from core import review as reviews
from core.models import AuditEntry
from news.models import Article

from .admin_forms import version_in
from .factories import ArticleFactory, CrimeAreaFactory, CrimeExampleFactory, InitiativeFactory
from .test_browser import browser  # noqa: F401  (the module's Chromium, fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser
PASSWORD = "a long passphrase"


def two_versions(article):
    client = Client()
    client.force_login(get_user_model().objects.get(username="anna"))
    url = f"/admin/news/article/{article.pk}/change/"
    for title in ("Réseau démantelé", "Réseau de zombies démantelé"):
        version = version_in(client.get(url).text)
        article.refresh_from_db()
        response = client.post(
            url,
            {
                "title_en": article.title_en,
                "summary_en": article.summary_en,
                "title_fr": title,
                "summary_fr": "Résumé.",
                "slug": article.slug,
                "original_language": "en",
                "status": article.status,
                "published_at_0": article.published_at.strftime("%Y-%m-%d"),
                "published_at_1": article.published_at.strftime("%H:%M:%S"),
                "version": version,
            },
        )
        assert response.status_code == 302
    return sorted(Version.objects.get_for_object(article), key=lambda v: v.pk)[-2:]


def pending_change(article, username="erin"):
    """An editor's change to the published `article`: it awaits review."""
    from django.contrib.auth.models import Group

    from core.roles import EDITOR

    erin = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
    erin.groups.add(Group.objects.get(name=EDITOR))
    client = Client()
    client.force_login(erin)
    url = f"/admin/news/article/{article.pk}/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    article.refresh_from_db()
    response = client.post(
        url,
        {
            "title_en": "Botnet dismantled by six police forces",
            "summary_en": article.summary_en,
            "title_fr": form.initial["title_fr"] or "",
            "summary_fr": form.initial["summary_fr"] or "",
            "slug": article.slug,
            "original_language": "en",
            "status": article.status,
            "published_at_0": localtime(article.published_at).strftime("%Y-%m-%d"),
            "published_at_1": localtime(article.published_at).strftime("%H:%M:%S"),
            "version": version_in(page.text),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_dashboard_and_compare_view_have_no_accessibility_violations(
    browser,  # noqa: F811
    live_server,
    transactional_db,
):
    from axe_playwright_python.sync_playwright import Axe

    get_user_model().objects.create_superuser("anna", "anna@example.org", PASSWORD)
    article = ArticleFactory(title_en="Botnet dismantled", summary_en="What happened.")
    ArticleFactory(title_en="A draft", status="draft")
    first, second = two_versions(article)
    pending_change(article)

    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    axe = Axe()
    urls = [
        "/admin/",
        "/admin/translations/",
        f"/admin/news/article/{article.pk}/history/compare/"
        f"?version_id1={first.pk}&version_id2={second.pk}",
        f"/admin/news/article/{article.pk}/review/",
        f"/admin/news/article/{article.pk}/preview/?language=fr",
    ]
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        results = axe.run(page)
        assert results.violations_count == 0, (url, results.generate_report())
    assert Article.objects.count() == 2
    page.context.close()


def signed_in_page(chromium, base, language="en"):
    """A page of a new browser context signed in as anna, the admin in `language` (the
    language cookie, as the admin's language switch sets it)."""
    context = chromium.new_context()
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    return page


def settled(page):
    """After the load event, the tasks queued before it have run too: jQuery's ready handlers
    (modeltranslation's tabs) run in timer tasks, which may come after the load event."""
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve))")


def translated_article(**kwargs):
    """An article in four languages, with rich text, crime areas, initiatives and an image."""
    from .test_image_admin import image_upload
    from .test_images import image_bytes

    areas = CrimeAreaFactory.create_batch(3)
    programmes = InitiativeFactory.create_batch(2)
    article = ArticleFactory(
        title_en="Ransomware gang arrested",
        summary_en="Police forces of six countries arrested the gang.",
        body_en="<p>The <strong>investigation</strong> took two years.</p>",
        title_fr="Un gang de rançongiciel arrêté",
        summary_fr="Les polices de six pays ont arrêté le gang.",
        body_fr="<p>L'enquête a duré deux ans.</p>",
        title_ar="اعتقال عصابة برمجيات الفدية",
        summary_ar="اعتقلت الشرطة في ستة بلدان العصابة.",
        body_ar="<p>استغرق التحقيق عامين.</p>",
        image_alt_en="Officers in front of a screen",
        image_alt_fr="Des policiers devant un écran",
        image_alt_ar="ضباط أمام شاشة",
        image_credit="INTERPOL",
        crime_areas=areas[:2],
        initiatives=programmes[:1],
        **kwargs,
    )
    article.image = image_upload(image_bytes(size=(600, 300)))
    article.save()
    return article


def test_the_newsroom_admin_pages_have_no_accessibility_violations(
    browser,  # noqa: F811
    live_server,
    transactional_db,
):
    """Every page a newsroom works in, signed in as a superuser, in English and in Arabic: the
    change form in every language's tabs and with the date and time pop-ups open, the list,
    the review of a pending change and of one sent back with a comment, the compare view, the
    audit log, and the other forms built from the same widgets (a list's inline edits, a
    tabular inline, Django's own user form)."""
    from axe_playwright_python.sync_playwright import Axe

    anna = get_user_model().objects.create_superuser("anna", "anna@example.org", PASSWORD)
    article = ArticleFactory(title_en="Botnet dismantled", summary_en="What happened.")
    full = translated_article()
    sent_back = ArticleFactory(
        title_en="Phishing wave",
        summary_en="What happened.",
        title_fr="Vague d'hameçonnage",
        summary_fr="Ce qui s'est passé.",
    )
    first, second = two_versions(article)
    pending_change(article)
    pending_change(sent_back, username="emil")
    reviews.reject(
        reviews.pending_review(sent_back), anna, "Say which countries took part, please."
    )
    AuditEntry.record(AuditEntry.Action.PUBLISH, anna, full, moment=full.published_at)
    AuditEntry.record(AuditEntry.Action.REJECT, anna, sent_back)
    area = full.crime_areas.first()
    CrimeExampleFactory(crime_area=area)

    axe = Axe()
    change_form = f"/admin/news/article/{full.pk}/change/"
    urls = [
        "/admin/",
        "/admin/news/article/",
        change_form,
        f"/admin/news/article/{article.pk}/change/",  # a pending change
        f"/admin/news/article/{sent_back.pk}/change/",  # a proposal sent back, its comment
        f"/admin/news/article/{article.pk}/review/",
        f"/admin/news/article/{sent_back.pk}/review/",
        f"/admin/news/article/{article.pk}/history/compare/"
        f"?version_id1={first.pk}&version_id2={second.pk}",
        "/admin/cyberwatch/auditentry/",
        "/admin/crimes/crimearea/",  # inline edits of the ordering
        f"/admin/crimes/crimearea/{area.pk}/change/",  # a tabular inline
        f"/admin/auth/user/{anna.pk}/change/",
    ]
    for language, direction in (("en", "ltr"), ("ar", "rtl")):
        page = signed_in_page(browser, live_server.url, language)
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            settled(page)
            assert page.locator("html").get_attribute("dir") == direction, url
            results = axe.run(page)
            assert results.violations_count == 0, (url, results.generate_report())

        # The change form in every language's tabs (each rich-text editor shown), then with
        # the calendar and the clock open.
        page.goto(live_server.url + change_form)
        settled(page)
        for index, code in enumerate(("en", "fr", "es", "ar")):
            page.select_option("#modeltranslation-main-switch", str(index))
            editor = page.locator(f".field-body_{code} .prose-editor > [contenteditable]")
            assert editor.is_visible(), code
            assert editor.get_attribute("dir") == ("rtl" if code == "ar" else "ltr"), code
            url = f"{change_form} ({code} tabs)"
            results = axe.run(page)
            assert results.violations_count == 0, (url, results.generate_report())
        for opener in ("#calendarlink0", "#clocklink0"):
            page.click(opener)
            url = f"{change_form} ({opener} open)"
            results = axe.run(page)
            assert results.violations_count == 0, (url, results.generate_report())
            page.keyboard.press("Escape")
        page.context.close()
