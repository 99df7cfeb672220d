"""The newsroom's sequences in a real browser (Debian's Chromium through Playwright): a roll-back
across an image replacement; a refused stale save merged and saved from the refused form; the
change form's live notice of someone else's save."""

import io
import os

import pytest
from django.contrib.auth import get_user_model
from PIL import Image
from reversion.models import Version

from news.models import Article

from .factories import ArticleFactory
from .test_browser import (
    PASSWORD,
    browser,  # noqa: F401  (the module's Chromium, fixture)
    signed_in,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def jpeg(path, size, colour):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.fixture
def anna(transactional_db):
    return get_user_model().objects.create_superuser(
        "anna", "anna@example.org", PASSWORD, first_name="Anna"
    )


def test_a_roll_back_across_an_image_replacement_brings_the_old_image_back(
    browser,  # noqa: F811
    live_server,
    anna,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    article = ArticleFactory(title_en="Botnet dismantled", summary_en="What happened.")
    base = live_server.url
    change = f"{base}/admin/news/article/{article.pk}/change/"
    page = signed_in(browser, base, "anna")
    for title, colour, size in [
        ("With photo A", "navy", (900, 600)),
        ("With photo B", "red", (700, 500)),
    ]:
        page.goto(change)
        page.fill("#id_title_en", title)
        page.set_input_files("#id_image", jpeg(tmp_path / f"{colour}.jpg", size, colour))
        page.fill("#id_image_alt_en", f"A {colour} rectangle")
        page.click("input[name=_continue]")
        page.wait_for_load_state()
        assert page.locator(".errornote").count() == 0, page.content()[:3000]
    article.refresh_from_db()
    b_name = article.image.name
    first = Version.objects.get_for_object(article).order_by("pk").first()

    page.goto(f"{base}/admin/news/article/{article.pk}/history/")
    page.click(f"a[href$='/history/{first.pk}/']")
    page.wait_for_load_state()
    assert page.input_value("#id_title_en") == "With photo A"
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert page.locator(".errornote").count() == 0
    article.refresh_from_db()
    assert article.title_en == "With photo A"
    assert article.image.name != b_name and (article.image_width, article.image_height) == (
        900,
        600,
    )
    public = page.goto(f"{base}{article.get_absolute_url()}")
    assert public.status == 200
    rendition = article.image_renditions[0]["name"].rsplit("/", 1)[-1]
    assert page.locator(f"img[src*='{rendition}'], source[srcset*='{rendition}']").count() >= 1
    page.context.close()


def test_a_refused_stale_save_is_merged_and_saved_from_the_refused_form(
    browser,  # noqa: F811
    live_server,
    anna,
):
    get_user_model().objects.create_superuser("ben", "ben@example.org", PASSWORD, first_name="Ben")
    article = ArticleFactory(title_en="Botnet dismantled", summary_en="What happened.")
    base = live_server.url
    change = f"{base}/admin/news/article/{article.pk}/change/"
    anna_page, ben_page = signed_in(browser, base, "anna"), signed_in(browser, base, "ben")
    anna_page.goto(change)
    ben_page.goto(change)
    anna_page.fill("#id_title_en", "Botnet dismantled in 40 countries")
    anna_page.click("input[name=_save]")
    anna_page.wait_for_url(f"{base}/admin/news/article/")

    ben_page.fill("#id_summary_en", "Six police forces took part.")
    ben_page.click("input[name=_continue]")
    ben_page.wait_for_load_state()
    # Refused: Anna's change beside Ben's, his input kept.
    conflict = ben_page.locator(".newsroom-conflict")
    assert "Botnet dismantled in 40 countries" in conflict.inner_text()
    assert ben_page.input_value("#id_summary_en") == "Six police forces took part."
    # He brings Anna's title into his form and saves again from this very form.
    ben_page.fill("#id_title_en", "Botnet dismantled in 40 countries")
    ben_page.click("input[name=_continue]")
    ben_page.wait_for_load_state()
    assert ben_page.locator(".errornote").count() == 0, ben_page.content()[:3000]
    article.refresh_from_db()
    assert (article.title_en, article.summary_en) == (
        "Botnet dismantled in 40 countries",
        "Six police forces took part.",
    )
    for page in (anna_page, ben_page):
        page.context.close()


def test_the_change_form_says_when_someone_else_saved_the_item(
    browser,  # noqa: F811
    live_server,
    anna,
    settings,
):
    settings.NEWSROOM_EDITED_POLL_SECONDS = 1
    get_user_model().objects.create_superuser("ben", "ben@example.org", PASSWORD, first_name="Ben")
    article = ArticleFactory(title_en="Botnet dismantled", summary_en="What happened.")
    base = live_server.url
    change = f"{base}/admin/news/article/{article.pk}/change/"
    ben_page = signed_in(browser, base, "ben")
    ben_page.goto(change)
    notice = ben_page.locator("#newsroom-edited")
    assert notice.is_hidden()
    anna_page = signed_in(browser, base, "anna")
    anna_page.goto(change)
    anna_page.fill("#id_title_en", "Saved by Anna")
    anna_page.click("input[name=_save]")
    anna_page.wait_for_url(f"{base}/admin/news/article/")
    notice.wait_for(state="visible", timeout=15000)
    assert "Anna saved this item" in notice.inner_text()
    assert Article.objects.get(pk=article.pk).title_en == "Saved by Anna"
    for page in (anna_page, ben_page):
        page.context.close()
