"""Two editors in two browsers (Debian's Chromium driven by Playwright) open the same article:
the second save is refused with a message naming the first editor, and what the second one typed
is still in the form."""

import os

import pytest
from django.contrib.auth import get_user_model

from .factories import ArticleFactory
from .test_browser import (
    PASSWORD,
    browser,  # noqa: F401  (the module's Chromium, fixture)
    signed_in,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def test_the_second_of_two_editors_is_refused_and_keeps_what_they_typed(
    browser,  # noqa: F811
    live_server,
    transactional_db,
):
    users = get_user_model().objects
    for username, first_name in [("anna", "Anna"), ("ben", "Ben")]:
        users.create_superuser(username, f"{username}@example.org", PASSWORD, first_name=first_name)
    article = ArticleFactory(title_en="Botnet dismantled", summary_en="What happened.")
    change = f"{live_server.url}/admin/news/article/{article.pk}/change/"

    anna = signed_in(browser, live_server.url, "anna")
    ben = signed_in(browser, live_server.url, "ben")
    anna.goto(change)
    ben.goto(change)

    anna.fill("#id_title_en", "Botnet dismantled in 40 countries")
    anna.click("input[name=_save]")
    anna.wait_for_url(f"{live_server.url}/admin/news/article/")

    ben.fill("#id_title_en", "Botnet taken down by Interpol")
    ben.click("input[name=_save]")
    ben.wait_for_load_state()
    error = ben.locator(".errornote, .errorlist.nonfield").all_inner_texts()
    assert any("Anna saved this item at" in text for text in error), error
    assert ben.input_value("#id_title_en") == "Botnet taken down by Interpol"

    article.refresh_from_db()
    assert article.title_en == "Botnet dismantled in 40 countries"
    for page in (anna, ben):
        page.context.close()
