"""Review before publishing: a non-publisher's save of a published item is a
pending change that leaves the public page as it is until a publisher compares it with the live
version and publishes it, or requests changes with a comment; drafts are submitted for review;
the author sees the outcome; the pending version can be previewed, marked and not indexed."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, Review
from core.roles import EDITOR, PUBLISHER, TRANSLATOR
from news.models import Article

from .admin_forms import change_url, version_in
from .factories import ArticleFactory, CrimeAreaFactory, InitiativeFactory
from .test_image_admin import image_upload, stored_files
from .test_images import image_bytes


def person(role, username=None, languages=""):
    from core.models import Profile

    user = get_user_model().objects.create_user(
        username or role.lower(), password="pw", is_staff=True, first_name=(username or role)
    )
    user.groups.add(Group.objects.get(name=role))
    if languages:
        Profile.objects.create(user=user, languages=languages)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def form_of(client, article, **changes):
    """The change form as the browser posts it: what it shows (a pending change, if any) with
    `changes`."""
    page = client.get(change_url(article))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if field.disabled:
            continue
        if name == "published_at" or name == "unpublish_at":
            if value:
                local = timezone.localtime(value)
                data[f"{name}_0"] = local.strftime("%Y-%m-%d")
                data[f"{name}_1"] = local.strftime("%H:%M:%S")
            continue
        if name in ("crime_areas", "initiatives"):
            data[name] = [getattr(item, "pk", item) for item in value or []]
            continue
        if name == "image":
            continue
        data[name] = "" if value is None else value
    data["version"] = version_in(page.text)
    data.update(changes)
    return data


def section(page, heading):
    return page.split(f">{heading}")[1].split("</section>")[0]


def review_url(article):
    return reverse("admin:news_article_review", args=[article.pk])


def preview_url(article):
    return reverse("admin:news_article_preview", args=[article.pk])


@pytest.fixture
def areas(db):
    return CrimeAreaFactory(name_en="Ransomware"), CrimeAreaFactory(name_en="Phishing")


@pytest.fixture
def live(db, areas):
    article = ArticleFactory(
        title_en="Botnet dismantled",
        title_fr="Botnet démantelé",
        summary_en="What happened.",
        summary_fr="Ce qui s'est passé.",
        slug="botnet-dismantled",
    )
    article.crime_areas.set([areas[0]])
    return article


def public(client, language, article):
    return client.get(f"/{language}/news/{article.slug}/")


@pytest.mark.django_db
def test_an_editors_change_to_a_published_article_waits_for_a_publisher(live, areas):
    editor = person(EDITOR, "Eve")
    response = editor.post(
        change_url(live),
        form_of(editor, live, title_fr="Botnet démantelé par la police", crime_areas=[areas[1].pk]),
    )
    assert response.status_code == 302
    assert response.url == change_url(live)

    # The public page and the row are as they were; the change is pending, with its author.
    visitor = Client()
    page = public(visitor, "fr", live)
    assert "Botnet démantelé</h1>" in page.text and "par la police" not in page.text
    assert "Ransomware" in page.text and "Phishing" not in page.text
    stored = Article.objects.get(pk=live.pk)
    assert stored.title_fr == "Botnet démantelé"
    assert list(stored.crime_areas.all()) == [areas[0]]
    review = Review.objects.get(object_id=live.pk, state=Review.State.PENDING)
    assert review.kind == Review.Kind.CHANGE and review.author == editor.user
    assert not visitor.get("/fr/news/?q=police").context["page_obj"].object_list

    # The editor's change form shows the pending change, and says so.
    page = editor.get(change_url(live))
    assert page.context["adminform"].form.initial["title_fr"] == "Botnet démantelé par la police"
    assert "awaits a publisher&#x27;s review" in page.text or "awaits a publisher" in page.text

    # A publisher compares: the changed French title and crime areas, live beside proposed.
    publisher = person(PUBLISHER, "Paul")
    compare = publisher.get(review_url(live))
    assert compare.status_code == 200
    rows = {(str(row["label"]), row["language"]): row for row in compare.context["rows"]}
    assert rows[("title", "fr")]["changed"]
    assert rows[("title", "fr")]["before"] == "Botnet démantelé"
    assert rows[("title", "fr")]["after"] == "Botnet démantelé par la police"
    assert "<ins>" in str(rows[("title", "fr")]["diff"]) or "ins" in str(
        rows[("title", "fr")]["diff"]
    )
    assert not rows[("title", "en")]["changed"]
    assert rows[("crime areas", "")]["changed"]

    # …and publishes: the public page shows it, the review is closed, the audit log has it.
    response = publisher.post(review_url(live), {"review": review.pk, "decision": "publish"})
    assert response.status_code == 302
    page = public(visitor, "fr", live)
    assert "Botnet démantelé par la police" in page.text and "Phishing" in page.text
    review.refresh_from_db()
    assert review.state == Review.State.PUBLISHED and review.reviewer == publisher.user
    entry = AuditEntry.objects.get(object_id=live.pk, action=AuditEntry.Action.PUBLISH)
    assert entry.user == publisher.user
    # The author sees the outcome on their dashboard.
    mine = section(editor.get(reverse("admin:index")).text, "Your submissions")
    assert "Botnet démantelé" in mine or "Botnet dismantled" in mine
    assert "<strong>published</strong>" in mine


@pytest.mark.django_db
def test_a_rejected_change_needs_a_comment_leaves_the_item_and_keeps_the_proposal(live):
    editor = person(EDITOR, "Eve")
    editor.post(change_url(live), form_of(editor, live, summary_en="A wrong summary."))
    review = Review.objects.get(object_id=live.pk)
    publisher = person(PUBLISHER, "Paul")

    response = publisher.post(review_url(live), {"review": review.pk, "decision": "reject"})
    assert response.status_code == 200
    assert response.context["form"].errors["comment"]
    review.refresh_from_db()
    assert review.state == Review.State.PENDING

    response = publisher.post(
        review_url(live),
        {"review": review.pk, "decision": "reject", "comment": "The summary is wrong."},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == Review.State.REJECTED and review.comment == "The summary is wrong."
    assert Article.objects.get(pk=live.pk).summary_en == "What happened."
    assert AuditEntry.objects.filter(object_id=live.pk, action=AuditEntry.Action.REJECT).exists()
    # The author reads the comment on the dashboard and on the item's change form, which shows
    # the proposal again, to rework (it used to show the live version, and the change had to
    # be typed anew).
    assert "The summary is wrong." in editor.get(reverse("admin:index")).text
    page = editor.get(change_url(live))
    assert "The summary is wrong." in page.text
    assert page.context["adminform"].form.initial["summary_en"] == "A wrong summary."
    # Reworked and saved, it awaits review again: the same review, with both contributions.
    editor.post(change_url(live), form_of(editor, live, summary_en="A right summary."))
    review.refresh_from_db()
    assert review.state == Review.State.PENDING
    assert review.data["fields"]["summary_en"] == "A right summary."
    assert review.contributions.count() == 2
    assert Article.objects.get(pk=live.pk).summary_en == "What happened."


@pytest.mark.django_db
@pytest.mark.parametrize("role", [EDITOR, TRANSLATOR])
def test_only_a_publisher_decides_a_review_forged_posts_are_refused(live, role):
    editor = person(EDITOR, "Eve")
    editor.post(change_url(live), form_of(editor, live, title_en="Changed by Eve"))
    review = Review.objects.get(object_id=live.pk)
    other = editor if role == EDITOR else person(TRANSLATOR, "Tina", languages="ar")
    assert other.get(review_url(live)).status_code == 200  # they may look
    response = other.post(review_url(live), {"review": review.pk, "decision": "publish"})
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.state == Review.State.PENDING
    assert Article.objects.get(pk=live.pk).title_en == "Botnet dismantled"
    assert Client().get(review_url(live)).status_code == 302  # visitors go to the login


@pytest.mark.django_db
def test_a_publishers_own_save_goes_live_and_publishes_the_change_on_its_form(live):
    publisher = person(PUBLISHER, "Paul")
    publisher.post(change_url(live), form_of(publisher, live, title_en="Fixed by Paul"))
    assert Article.objects.get(pk=live.pk).title_en == "Fixed by Paul"
    assert not Review.objects.exists()

    editor = person(EDITOR, "Eve")
    editor.post(change_url(live), form_of(editor, live, summary_en="Eve's summary."))
    form = form_of(publisher, live)
    assert form["summary_en"] == "Eve's summary."  # the form shows the pending change
    publisher.post(change_url(live), form)
    stored = Article.objects.get(pk=live.pk)
    assert (stored.title_en, stored.summary_en) == ("Fixed by Paul", "Eve's summary.")
    review = Review.objects.get(object_id=live.pk)
    assert review.state == Review.State.PUBLISHED and review.reviewer == publisher.user


@pytest.mark.django_db
def test_later_changes_build_on_the_pending_one_and_a_stale_form_is_refused(live):
    eve, emma = person(EDITOR, "Eve"), person(EDITOR, "Emma")
    stale = form_of(emma, live, title_en="Emma's title")
    eve.post(change_url(live), form_of(eve, live, summary_en="Eve's summary."))
    # Emma's form was opened before Eve's pending save: refused, naming Eve, input kept.
    response = emma.post(change_url(live), stale)
    assert response.status_code == 200
    error = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Eve" in error
    assert 'value="Emma&#x27;s title"' in response.text or "Emma's title" in response.text
    # Opened again, her form has Eve's change; her save adds to it: one pending review.
    emma.post(change_url(live), form_of(emma, live, title_en="Emma's title"))
    review = Review.objects.get(object_id=live.pk, state=Review.State.PENDING)
    assert review.data["fields"]["title_en"] == "Emma's title"
    assert review.data["fields"]["summary_en"] == "Eve's summary."
    assert review.author == emma.user
    assert Article.objects.get(pk=live.pk).title_en == "Botnet dismantled"


@pytest.mark.django_db
def test_a_change_proposed_before_another_save_is_not_published_over_it(live):
    editor = person(EDITOR, "Eve")
    editor.post(change_url(live), form_of(editor, live, summary_en="Eve's summary."))
    review = Review.objects.get(object_id=live.pk)
    # Someone changes the item outside its form (an admin action's update()).
    Article.objects.filter(pk=live.pk).update(title_en="Renamed meanwhile")
    publisher = person(PUBLISHER, "Paul")
    response = publisher.post(
        review_url(live), {"review": review.pk, "decision": "publish"}, follow=True
    )
    assert "publishing it would undo that save" in response.text
    stored = Article.objects.get(pk=live.pk)
    assert (stored.title_en, stored.summary_en) == ("Renamed meanwhile", "What happened.")
    review.refresh_from_db()
    assert review.state == Review.State.PENDING


@pytest.mark.django_db
def test_a_draft_is_submitted_then_published_or_sent_back(areas):
    editor = person(EDITOR, "Eve")
    draft = ArticleFactory(
        draft=True,
        title_fr="Nouvelle opération",
        summary_fr="Résumé.",
        title_en="",
        summary_en="",
        original_language="fr",
        slug="nouvelle-operation",
        created_by=editor.user,
    )
    # A plain save keeps it a draft of its author; "submit" asks for review.
    editor.post(change_url(draft), form_of(editor, draft, summary_fr="Résumé complet."))
    assert not Review.objects.exists()
    editor.post(change_url(draft), form_of(editor, draft, _submit_for_review="1"))
    review = Review.objects.get(object_id=draft.pk, state=Review.State.PENDING)
    assert review.kind == Review.Kind.DRAFT
    assert "Save and submit for review" not in editor.get(change_url(draft)).text  # once

    publisher = person(PUBLISHER, "Paul")
    waiting = section(publisher.get(reverse("admin:index")).text, "Awaiting your review")
    assert "Nouvelle opération" in waiting and review_url(draft) in waiting
    assert "Awaiting your review" not in editor.get(reverse("admin:index")).text
    compare = publisher.get(review_url(draft))
    assert any(row["after"] == "Nouvelle opération" for row in compare.context["rows"])

    # Sent back first, then submitted again and published.
    publisher.post(
        review_url(draft), {"review": review.pk, "decision": "reject", "comment": "Sources?"}
    )
    assert Article.objects.get(pk=draft.pk).status == "draft"
    editor.post(change_url(draft), form_of(editor, draft, _submit_for_review="1"))
    review = Review.objects.get(object_id=draft.pk, state=Review.State.PENDING)
    publisher.post(review_url(draft), {"review": review.pk, "decision": "publish"})
    assert Article.objects.get(pk=draft.pk).status == "published"
    assert "Nouvelle opération" in Client().get("/fr/news/").text


@pytest.mark.django_db
def test_the_preview_shows_the_pending_version_marked_and_not_indexed(live):
    initiative = InitiativeFactory()
    editor = person(EDITOR, "Eve")
    editor.post(
        change_url(live),
        form_of(editor, live, title_fr="Titre en attente", initiatives=[initiative.pk]),
    )
    page = editor.get(preview_url(live) + "?language=fr")
    assert page.status_code == 200
    assert "Titre en attente" in page.text
    # Its topics as proposed: the initiative it gains.
    assert f"/fr/initiatives/{initiative.slug}/" in section(page.text, "Thèmes")
    assert "awaiting a publisher" in page.text or "en attente" in page.text
    assert '<meta name="robots" content="noindex">' in page.text
    assert page["X-Robots-Tag"] == "noindex"
    assert "no-store" in page["Cache-Control"]
    assert '<html lang="fr"' in page.text
    # The public page does not show it, nor does a visitor get the preview.
    assert "Titre en attente" not in public(Client(), "fr", live).text
    assert Client().get(preview_url(live)).status_code == 302
    assert editor.get(reverse("admin:news_article_preview", args=[99999])).status_code == 404


@pytest.mark.django_db
def test_an_editors_roll_back_of_a_published_article_goes_through_review(live):
    from reversion.models import Version

    publisher = person(PUBLISHER, "Paul")
    publisher.post(change_url(live), form_of(publisher, live, title_en="Second title"))
    second = Version.objects.get_for_object(live).order_by("pk").last()  # Paul's first save
    publisher.post(change_url(live), form_of(publisher, live, title_en="Third title"))
    editor = person(EDITOR, "Eve")
    url = reverse("admin:news_article_revision", args=[live.pk, second.pk])
    page = editor.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert form.initial["title_en"] == "Second title"
    data = form_of(editor, live)
    data.update(title_en=form.initial["title_en"], version=version_in(page.text))
    response = editor.post(url, data)
    assert response.status_code == 302
    assert Article.objects.get(pk=live.pk).title_en == "Third title"  # live unchanged
    review = Review.objects.get(object_id=live.pk, state=Review.State.PENDING)
    assert review.data["fields"]["title_en"] == "Second title"
    entry = AuditEntry.objects.get(object_id=live.pk, action=AuditEntry.Action.ROLL_BACK)
    assert entry.data["proposed"] is True
    assert (entry.data["before"], entry.data["after"]) == ("published", "published")


@pytest.mark.django_db
def test_a_new_image_in_a_pending_change_goes_live_only_when_published(
    live, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    publisher = person(PUBLISHER, "Paul")
    with django_capture_on_commit_callbacks(execute=True):
        publisher.post(
            change_url(live),
            form_of(
                publisher,
                live,
                image=image_upload(image_bytes(size=(900, 600))),
                image_alt_en="A screen",
                image_alt_fr="Un écran",
            ),
        )
    live.refresh_from_db()
    first = live.image.name
    assert first

    editor = person(EDITOR, "Eve")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            change_url(live),
            form_of(editor, live, image=image_upload(image_bytes(size=(700, 500)), "new.png")),
        )
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.image.name == first  # live keeps its image
    review = Review.objects.get(object_id=live.pk, state=Review.State.PENDING)
    proposed = review.data["fields"]["image"]
    assert proposed != first and proposed in stored_files(tmp_path)

    with django_capture_on_commit_callbacks(execute=True):
        person(PUBLISHER, "Pia").post(
            review_url(live), {"review": review.pk, "decision": "publish"}
        )
    live.refresh_from_db()
    assert live.image.name == proposed and (live.image_width, live.image_height) == (700, 500)
    files = stored_files(tmp_path)
    # The new image and its renditions are stored; the replaced one stays too: Paul's revision
    # names it, and a roll-back brings it back (`remove_unused_media` deletes what nothing names).
    assert {proposed, *[r["name"] for r in live.image_renditions]} <= set(files)
    assert first in files


@pytest.mark.django_db
def test_pending_reviews_are_a_list_filter(live):
    editor = person(EDITOR, "Eve")
    ArticleFactory(title_en="Untouched")
    editor.post(change_url(live), form_of(editor, live, title_en="Changed"))
    page = editor.get(reverse("admin:news_article_changelist") + "?review=pending")
    assert [item.pk for item in page.context["cl"].result_list] == [live.pk]


@pytest.mark.django_db
def test_advice_goes_through_the_same_review(db):
    from crimes.models import Advice

    from .factories import AdviceFactory

    advice = AdviceFactory(title_en="Use strong passwords", slug="strong-passwords")
    editor = person(EDITOR, "Eve")
    url = reverse("admin:crimes_advice_change", args=[advice.pk])
    response = editor.post(url, form_of(editor, advice, title_en="Use a password manager"))
    assert response.status_code == 302
    assert Advice.objects.get(pk=advice.pk).title_en == "Use strong passwords"
    assert "Use strong passwords" in Client().get(advice.get_absolute_url()).text
    preview = editor.get(reverse("admin:crimes_advice_preview", args=[advice.pk]))
    assert "Use a password manager" in preview.text
    review = Review.objects.get(object_id=advice.pk)
    person(PUBLISHER, "Paul").post(
        reverse("admin:crimes_advice_review", args=[advice.pk]),
        {"review": review.pk, "decision": "publish"},
    )
    assert "Use a password manager" in Client().get(advice.get_absolute_url()).text


@pytest.mark.django_db
def test_a_slug_taken_meanwhile_is_a_clear_error_when_publishing(live):
    editor = person(EDITOR, "Eve")
    editor.post(change_url(live), form_of(editor, live, slug="botnet-taken-down"))
    review = Review.objects.get(object_id=live.pk)
    ArticleFactory(slug="botnet-taken-down")
    response = person(PUBLISHER, "Paul").post(
        review_url(live), {"review": review.pk, "decision": "publish"}, follow=True
    )
    assert response.status_code == 200
    assert "slug" in response.text.lower() and "already exists" in response.text
    assert Article.objects.get(pk=live.pk).slug == "botnet-dismantled"
    review.refresh_from_db()
    assert review.state == Review.State.PENDING


@pytest.mark.django_db
def test_deleting_an_item_deletes_its_reviews(live):
    editor = person(EDITOR, "Eve")
    editor.post(change_url(live), form_of(editor, live, title_en="Changed"))
    assert Review.objects.count() == 1
    person(PUBLISHER, "Paul").post(
        reverse("admin:news_article_delete", args=[live.pk]), {"post": "yes"}
    )
    assert not Article.objects.filter(pk=live.pk).exists()
    assert Review.objects.count() == 0
    assert "Nothing awaits" in section(
        person(PUBLISHER, "Pia").get(reverse("admin:index")).text, "Awaiting your review"
    )


@pytest.mark.django_db
def test_saving_a_published_article_unchanged_asks_for_no_review(live):
    editor = person(EDITOR, "Eve")
    opened = live.version
    response = editor.post(change_url(live), form_of(editor, live), follow=True)
    assert "Nothing was changed" in response.text
    assert not Review.objects.exists()
    assert Article.objects.get(pk=live.pk).version == opened


@pytest.mark.django_db
def test_a_review_decided_meanwhile_is_not_decided_twice(live):
    """Two publishers on the same review page: the second decision is refused with a message."""
    editor = person(EDITOR, "Eve")
    editor.post(change_url(live), form_of(editor, live, title_en="Proposed"))
    review = Review.objects.get(object_id=live.pk)
    paul, pia = person(PUBLISHER, "Paul"), person(PUBLISHER, "Pia")
    paul.post(review_url(live), {"review": review.pk, "decision": "publish"})
    response = pia.post(
        review_url(live),
        {"review": review.pk, "decision": "reject", "comment": "Too late."},
        follow=True,
    )
    assert "no longer open" in response.text
    review.refresh_from_db()
    assert (review.state, review.reviewer, review.comment) == ("published", paul.user, "")
    # And below the page, in the functions themselves (a POST racing past the page's check).
    from core import review as reviews

    with pytest.raises(reviews.ReviewClosed):
        reviews.reject(review, pia.user, "Too late.")


@pytest.mark.django_db
def test_the_list_of_reviews_links_each_item_in_constant_queries(
    live, django_assert_max_num_queries
):
    publisher = person(PUBLISHER, "Paul")
    for number in range(3):
        article = ArticleFactory(title_en=f"Live {number}")
        editor = person(EDITOR, f"Eve{number}")
        editor.post(change_url(article), form_of(editor, article, title_en=f"Changed {number}"))
    assert Review.objects.filter(state="pending").count() == 3
    with django_assert_max_num_queries(10):  # as for one review: no query a row
        page = publisher.get(reverse("admin:cyberwatch_review_changelist"))
    assert page.status_code == 200
    for review in Review.objects.all():
        url = reverse("admin:news_article_review", args=[review.object_id])
        assert f'href="{url}"' in page.text
