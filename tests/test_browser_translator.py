"""A translator adds the Arabic version of a published article in the admin (Debian's Chromium
through Playwright). The article is published, so the translation awaits review; once a
publisher publishes it, it appears on /ar/news/, and the article is no longer "missing in
Arabic"."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.models import Profile
from core.roles import PUBLISHER, TRANSLATOR

from .factories import ArticleFactory
from .test_browser import (
    PASSWORD,
    browser,  # noqa: F401  (the module's Chromium, fixture)
    signed_in,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def test_a_translator_adds_arabic_and_it_is_published_in_arabic(
    browser,  # noqa: F811
    live_server,
    transactional_db,
):
    user = get_user_model().objects.create_user("tariq", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=TRANSLATOR))
    Profile.objects.create(user=user, languages="ar")
    paul = get_user_model().objects.create_user("paul", password=PASSWORD, is_staff=True)
    paul.groups.add(Group.objects.get(name=PUBLISHER))
    article = ArticleFactory(title_en="Botnet dismantled", summary_en="What happened.")
    base = live_server.url

    page = signed_in(browser, base, "tariq")
    page.goto(f"{base}/admin/news/article/?missing=ar")
    assert page.get_by_text("Botnet dismantled").count() == 1
    page.goto(f"{base}/admin/news/article/{article.pk}/change/")
    assert page.locator("#id_title_en").is_disabled()
    page.click("a[href='#tab_id_title_ar']")
    page.fill("#id_title_ar", "تفكيك شبكة بوتنت")
    page.click("a[href='#tab_id_summary_ar']")
    page.fill("#id_summary_ar", "ما حدث.")
    page.click("input[name=_save]")
    page.wait_for_url(f"{base}/admin/news/article/{article.pk}/change/")
    assert page.locator(".newsroom-review").count() == 1  # awaiting review
    page.goto(f"{base}/ar/news/")
    assert page.locator(".card", has_text="تفكيك شبكة بوتنت").count() == 0

    publisher = signed_in(browser, base, "paul")
    publisher.goto(f"{base}/admin/news/article/{article.pk}/review/")
    publisher.click("button[value=publish]")
    publisher.wait_for_url(f"{base}/admin/news/article/{article.pk}/change/")

    page.goto(f"{base}/admin/news/article/?missing=ar")
    assert page.get_by_text("Botnet dismantled").count() == 0
    page.goto(f"{base}/ar/news/")
    card = page.locator(".card", has_text="تفكيك شبكة بوتنت")
    assert card.count() == 1
    assert card.get_attribute("lang") is None  # shown in Arabic, not as a fallback
    article.refresh_from_db()
    assert article.title_en == "Botnet dismantled"
    for context in (page.context, publisher.context):
        context.close()
