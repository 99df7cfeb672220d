"""The admin as a newsroom sees it: scheduled items are named "Scheduled" in the
lists and the filters, and an image is described in every language its item is available in."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from news.models import Article

from .admin_forms import change_url, opened_version
from .factories import ArticleFactory

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def three(db):
    return {
        "draft": ArticleFactory(title_en="A draft", status="draft", published_at=NOW),
        "scheduled": ArticleFactory(
            title_en="A scheduled one",
            status="published",
            published_at=NOW + datetime.timedelta(days=2),
        ),
        "public": ArticleFactory(
            title_en="A public one",
            status="published",
            published_at=NOW - datetime.timedelta(days=2),
        ),
    }


def changelist(client, **params):
    return client.get(reverse("admin:news_article_changelist"), params).text


@pytest.mark.django_db
def test_scheduled_items_are_named_scheduled_until_their_time(admin_client, three):
    with time_machine.travel(NOW, tick=False):
        page = changelist(admin_client)
        assert '<td class="field-publication">Scheduled</td>' in page
        assert three["scheduled"].get_publication_display() == "Scheduled"
        scheduled = changelist(admin_client, publication="scheduled")
        assert "A scheduled one" in scheduled
        assert "A public one" not in scheduled and "A draft" not in scheduled
        public = changelist(admin_client, publication="public")
        assert "A public one" in public and "A scheduled one" not in public
        assert "A draft" in changelist(admin_client, publication="draft")
    # Its time comes, with no save: it is published, in the list and in the filter.
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        assert '<td class="field-publication">Scheduled</td>' not in changelist(admin_client)
        assert "A scheduled one" in changelist(admin_client, publication="public")
        assert Article.objects.published().filter(pk=three["scheduled"].pk).exists()


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), "navy").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def bilingual(**changes):
    return {
        "title_en": "Operation in two languages",
        "summary_en": "What happened.",
        "title_fr": "Opération en deux langues",
        "summary_fr": "Ce qui s'est passé.",
        "slug": "operation-in-two-languages",
        "original_language": "en",
        "status": "draft",
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
        "image": png(),
        "image_alt_en": "Officers at a screen",
        **changes,
    }


@pytest.mark.django_db
def test_an_image_needs_its_alt_text_in_every_language_of_the_item(
    admin_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = admin_client.post(reverse("admin:news_article_add"), bilingual())
    assert response.status_code == 200
    assert "Describe the image in French too" in response.text
    assert not Article.objects.exists()

    response = admin_client.post(
        reverse("admin:news_article_add"), bilingual(image_alt_fr="Des policiers devant un écran")
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.image_alt_fr == "Des policiers devant un écran"
    assert timezone.is_aware(article.published_at)


@pytest.mark.django_db
def test_every_body_is_edited_in_the_rich_text_editor_served_from_our_own_static(admin_client):
    import html

    article = ArticleFactory(
        title_en="Seeded", summary_en="S.", body_en="<h2>Facts</h2><p>One <strong>two</strong></p>"
    )
    page = admin_client.get(change_url(article)).text
    for code in ("en", "fr", "es", "ar"):
        assert f'name="body_{code}"' in page
        textarea = page.split(f'name="body_{code}"')[1].split(">")[0]
        assert "data-django-prose-editor-configurable" in textarea
    # The editor loads the body as stored; its scripts come from this site, no CDN.
    assert html.escape("<h2>Facts</h2><p>One <strong>two</strong></p>") in page
    assert '<script src="/static/django_prose_editor/editor.js" type="module">' in page
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', page)


@pytest.mark.django_db
def test_a_hostile_paste_comes_out_clean(admin_client):
    hostile = (
        '<p onclick="steal()">Read <a href="javascript:alert(1)">this</a>'
        '<script>alert(1)</script><img src=x onerror="alert(2)"></p>'
        '<style>body{display:none}</style><iframe src="https://evil.example"></iframe>'
        '<h2 style="color:red">Title</h2><p><a href="https://example.org">ok</a></p>'
    )
    response = admin_client.post(
        reverse("admin:news_article_add"),
        {
            "title_en": "Pasted",
            "summary_en": "S.",
            "body_en": hostile,
            "slug": "pasted",
            "original_language": "en",
            "status": "draft",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302
    body = Article.objects.get(slug="pasted").body_en
    for bad in (
        "onclick",
        "javascript:",
        "<script",
        "alert",
        "<img",
        "onerror",
        "<style",
        "<iframe",
        "style=",
    ):
        assert bad not in body
    assert "<h2>Title</h2>" in body
    assert 'href="https://example.org"' in body and 'rel="noopener noreferrer"' in body


@pytest.mark.django_db
def test_an_item_leaves_every_public_page_when_its_end_comes(client, admin_client):
    from crimes.models import Advice

    from .factories import CrimeAreaFactory

    area = CrimeAreaFactory(slug="fraud", name_en="Fraud", summary_en="Money.")
    start, end = NOW - datetime.timedelta(days=10), NOW + datetime.timedelta(days=1)
    article = ArticleFactory(
        title_en="Ends tomorrow",
        summary_en="S.",
        published_at=start,
        unpublish_at=end,
        crime_areas=[area],
    )
    advice = Advice.objects.create(
        title_en="Advice that ends",
        slug="advice-that-ends",
        summary_en="S.",
        body_en="<p>B</p>",
        status="published",
        published_at=start,
        unpublish_at=end,
    )
    pages = ["/en/news/", "/en/", f"/en/crimes/{area.slug}/", "/en/news/?q=ends"]
    with time_machine.travel(NOW, tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert client.get(advice.get_absolute_url()).status_code == 200
        for page in pages:
            assert "Ends tomorrow" in client.get(page).text, page
        assert "1 article" in client.get("/en/news/").text
    with time_machine.travel(end, tick=False):  # the very moment: gone, with no save
        assert client.get(article.get_absolute_url()).status_code == 404
        assert client.get(advice.get_absolute_url()).status_code == 404
        for page in pages:
            assert "Ends tomorrow" not in client.get(page).text, page
        assert "0 articles" in client.get("/en/news/").text
        assert not Article.objects.published().exists()
        assert not Advice.objects.published().exists()
        # Staff still preview it, told why it is not public.
        preview = admin_client.get(article.get_absolute_url())
        assert "publication has ended" in preview.text
        assert '<td class="field-publication">Ended</td>' in changelist(admin_client)
        assert "Ends tomorrow" in changelist(admin_client, publication="ended")


@pytest.mark.django_db
def test_only_a_publisher_sets_an_end_and_it_must_follow_the_start(db):

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from core.models import AuditEntry

    article = ArticleFactory(title_en="Live", summary_en="S.", published_at=NOW)

    def post(role, **changes):
        user = get_user_model().objects.create_user(
            f"{role}-{changes}"[:150], password="pw", is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        client = Client()
        client.force_login(user)
        url = change_url(article)
        version = opened_version(client, article)
        data = {
            "title_en": "Live",
            "summary_en": "S.",
            "slug": article.slug,
            "original_language": "en",
            "status": "published",
            "published_at_0": "2026-06-01",
            "published_at_1": "14:00:00",
            "version": version,
            **changes,
        }
        return client.post(url, data)

    refused = post("Editor", unpublish_at_0="2026-07-01", unpublish_at_1="00:00:00")
    assert "Only a publisher can set when an item ends." in refused.text
    backwards = post("Publisher", unpublish_at_0="2026-05-01", unpublish_at_1="00:00:00")
    assert "The end of publication must come after its start." in backwards.text
    article.refresh_from_db()
    assert article.unpublish_at is None
    assert (
        post("Publisher", unpublish_at_0="2026-07-01", unpublish_at_1="00:00:00").status_code == 302
    )
    article.refresh_from_db()
    assert article.unpublish_at is not None
    entry = AuditEntry.objects.get()
    assert entry.action == "unpublish"
    moment = timezone.localtime(datetime.datetime.fromisoformat(entry.data["moment"]))
    assert moment.date() == datetime.date(2026, 7, 1)
    assert "July 1, 2026" in entry.describe()
