"""An editor writes a French draft in the rich-text editor (Debian's Chromium through
Playwright) and submits it for review; a publisher finds it on the dashboard, compares it and
publishes it, and it appears on /fr/news/ with its formatting (the first browser
flow)."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.roles import EDITOR, PUBLISHER
from news.models import Article

from .test_browser import (
    PASSWORD,
    browser,  # noqa: F401  (the module's Chromium, fixture)
    signed_in,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def test_a_french_draft_written_in_the_editor_is_published_on_the_french_list(
    browser,  # noqa: F811
    live_server,
    transactional_db,
):
    users = get_user_model().objects
    for username, role in [("erin", EDITOR), ("paul", PUBLISHER)]:
        user = users.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
    base = live_server.url

    editor = signed_in(browser, base, "erin")
    editor.goto(f"{base}/admin/news/article/add/")
    editor.select_option("#id_original_language", "fr")
    editor.click("a[href='#tab_id_title_fr']", timeout=5000)
    editor.fill("#id_title_fr", "Un réseau d'hameçonnage démantelé")
    editor.click("a[href='#tab_id_summary_fr']")
    editor.fill("#id_summary_fr", "Les polices de six pays ont agi ensemble.")
    editor.click("a[href='#tab_id_body_fr']")
    body = (
        editor.locator("#id_body_fr")
        .locator("xpath=..")
        .locator(".ProseMirror[contenteditable=true]")
    )
    body.click()
    body.type("Les enquêteurs ont saisi ")
    editor.keyboard.press("Control+b")
    body.type("quarante serveurs")
    editor.keyboard.press("Control+b")
    body.type(".")
    editor.keyboard.press("Enter")
    body.type("Deux suspects ont été arrêtés.")
    editor.click("input[name=_submit_for_review]")
    editor.wait_for_url(f"{base}/admin/news/article/*/change/")
    assert editor.locator(".messagelist .success").count() == 1

    article = Article.objects.get()
    assert article.status == "draft"
    assert "<strong>quarante serveurs</strong>" in article.body_fr
    assert article.body_fr.count("<p>") == 2  # typed paragraphs stay paragraphs
    editor.goto(f"{base}/fr/news/")
    assert editor.get_by_text("Un réseau d'hameçonnage démantelé").count() == 0

    publisher = signed_in(browser, base, "paul")
    publisher.locator("section[aria-labelledby=newsroom-review] li a").click()
    publisher.wait_for_url(f"{base}/admin/news/article/{article.pk}/review/")
    row = publisher.locator("tr", has=publisher.locator("th", has_text="(FR)")).filter(
        has_text="Un réseau d'hameçonnage démantelé"
    )
    assert row.count() == 1
    publisher.click("button[value=publish]")
    publisher.wait_for_url(f"{base}/admin/news/article/{article.pk}/change/")

    publisher.goto(f"{base}/fr/news/")
    assert publisher.get_by_text("Un réseau d'hameçonnage démantelé").count() == 1
    publisher.goto(f"{base}{Article.objects.get().get_absolute_url()}".replace("/en/", "/fr/"))
    assert publisher.locator(".prose strong").inner_text() == "quarante serveurs"
    editor.goto(f"{base}/admin/")
    assert (
        "published" in editor.locator("section[aria-labelledby=newsroom-submissions]").inner_text()
    )
    for page in (editor, publisher):
        page.context.close()
