"""The newsroom's sequences that lost work or misled before: a refused stale save merged and
saved from the form; two contributors to one review, a rejection that keeps the proposal, a
resubmission, everyone told; the empty confirmation; the publication date of a draft;
deleting an item with a pending change; the rich-text review; bulk publishing; the
dashboard's counts; the admin language; folded search."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, Profile, Review
from core.roles import EDITOR, PUBLISHER, TRANSLATOR
from news.models import Article

from .admin_forms import change_url, posted, version_in
from .factories import ArticleFactory
from .test_review import person, review_url, section


@pytest.fixture
def live(db):
    return ArticleFactory(
        title_en="Botnet dismantled",
        summary_en="What happened.",
        title_fr="Botnet démantelé",
        summary_fr="Ce qui s'est passé.",
        slug="botnet-dismantled",
    )


def with_mail(client, address, language=""):
    client.user.email = address
    client.user.save()
    if language:
        Profile.objects.update_or_create(user=client.user, defaults={"admin_language": language})
    return client


# --- a refused stale save can be merged and saved -------------------------------------------


@pytest.mark.django_db
def test_a_refused_stale_save_shows_the_other_change_and_saves_once_merged(live):
    anna, ben = person(PUBLISHER, "Anna"), person(PUBLISHER, "Ben")
    stale = posted(ben, change_url(live), summary_en="Ben's summary.")
    anna.post(change_url(live), posted(anna, change_url(live), title_en="Anna's title"))

    refused = ben.post(change_url(live), stale)
    assert refused.status_code == 200
    form = refused.context["adminform"].form
    assert "Anna saved this item at" in " ".join(form.non_field_errors())
    # Anna's change beside Ben's, field by field.
    rows = {str(row["label"]).lower(): row for row in form.conflicts}
    assert rows["title [en]"]["theirs"] == "Anna's title"
    assert "<ins>Ben" in str(rows["summary [en]"]["diff"])
    assert "Ben&#x27;s summary." in refused.text  # his input kept
    # The form now carries the stored version: Ben merges and saves from this very form.
    merged = {**stale, "version": version_in(refused.text), "title_en": "Anna's title"}
    assert merged["version"] != stale["version"]
    response = ben.post(change_url(live), merged)
    assert response.status_code == 302
    live.refresh_from_db()
    assert (live.title_en, live.summary_en) == ("Anna's title", "Ben's summary.")


@pytest.mark.django_db
def test_a_proposal_from_a_stale_form_is_refused_by_the_proposals_own_version_check(
    live, monkeypatch
):
    """The form's check is passed (as in a race on SQLite, which locks nothing on read): the
    proposal's own check in `propose()` refuses it, and the person gets the form error."""
    from concurrency.forms import get_signer

    from core.stored import StoredRow

    eve, emma = person(EDITOR, "Eve"), person(EDITOR, "Emma")
    stale = posted(emma, change_url(live), title_en="Emma's title")
    eve.post(change_url(live), posted(eve, change_url(live), summary_en="Eve's summary."))
    review = Review.objects.get(object_id=live.pk)
    real, checks = StoredRow.stored, []

    def before_eves_save(item, lock=False):
        stored = real(item, lock=lock)
        if lock:
            checks.append(item.pk)
            if len(checks) == 1:
                return {**stored, "version": int(get_signer().unsign(stale["version"]))}
        return stored

    monkeypatch.setattr(StoredRow, "stored", before_eves_save)
    response = emma.post(change_url(live), stale)
    assert len(checks) == 2  # refused by propose(), then answered with the form's error
    assert response.status_code == 200
    assert "Eve saved this item at" in response.text
    review.refresh_from_db()
    assert "title_en" not in review.data["fields"]
    assert review.contributions.count() == 1


@pytest.mark.django_db
def test_the_change_form_can_ask_whether_someone_saved_since_it_was_opened(live):
    anna, ben = person(PUBLISHER, "Anna"), person(PUBLISHER, "Ben")
    page = ben.get(change_url(live))
    version = version_in(page.text)
    url = reverse("admin:news_article_edited", args=[live.pk])
    assert f'data-url="{url}"' in page.text
    answer = ben.get(url, {"version": version}).json()
    assert answer == {"edited": False, "message": ""}
    anna.post(change_url(live), posted(anna, change_url(live), title_en="Anna's title"))
    answer = ben.get(url, {"version": version}).json()
    assert answer["edited"] is True and "Anna saved this item" in answer["message"]
    assert ben.get(url, {"version": "forged"}).status_code == 400
    assert Client().get(url, {"version": version}).status_code == 302  # staff only


# --- reviews: every contributor, a rejection that keeps the proposal ------------------------


@pytest.mark.django_db
def test_two_contributors_a_rejection_that_keeps_their_proposal_and_both_told(
    live, django_capture_on_commit_callbacks
):
    tina = with_mail(person(TRANSLATOR, "Tina", languages="ar"), "tina@example.org", "ar")
    eve = with_mail(person(EDITOR, "Eve"), "eve@example.org", "fr")
    paul = with_mail(person(PUBLISHER, "Paul"), "paul@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        tina.post(change_url(live), posted(tina, change_url(live), title_ar="تفكيك شبكة"))
    assert [message.to for message in mail.outbox] == [["paul@example.org"]]  # a submission
    with django_capture_on_commit_callbacks(execute=True):
        eve.post(change_url(live), posted(eve, change_url(live), summary_en="More detail."))
    review = Review.objects.get(object_id=live.pk)
    assert [c.user for c in review.contributions.all()] == [tina.user, eve.user]
    assert review.data["fields"]["title_ar"] == "تفكيك شبكة"  # Eve's save kept Tina's Arabic
    assert review.data["fields"]["summary_en"] == "More detail."
    for client in (tina, eve):  # the review stays on both dashboards (in their languages)
        page = client.get(reverse("admin:index")).text
        mine = page.split('id="newsroom-submissions"')[1].split("</section>")[0]
        assert review_url(live) in mine

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        paul.post(
            review_url(live),
            {"review": review.pk, "decision": "reject", "comment": "Cite the source."},
        )
    told = {message.to[0]: message for message in mail.outbox}
    assert set(told) == {"tina@example.org", "eve@example.org"}
    assert "Cite the source." in told["eve@example.org"].body
    assert told["eve@example.org"].subject.startswith("[CyberWatch] Modifications demandées")
    assert "Cite the source." in told["tina@example.org"].body

    # The proposal is kept: Tina reopens it with the comment beside it, reworks it, submits.
    page = tina.get(change_url(live))
    assert "Cite the source." in page.text
    assert page.context["adminform"].form.initial["title_ar"] == "تفكيك شبكة"
    with django_capture_on_commit_callbacks(execute=True):
        tina.post(change_url(live), posted(tina, change_url(live), title_ar="تفكيك شبكة روبوتات"))
    review.refresh_from_db()
    assert review.state == Review.State.PENDING
    assert review.data["fields"]["summary_en"] == "More detail."  # Eve's part still in it
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        paul.post(review_url(live), {"review": review.pk, "decision": "publish"})
    live.refresh_from_db()
    assert (live.title_ar, live.summary_en) == ("تفكيك شبكة روبوتات", "More detail.")
    assert {message.to[0] for message in mail.outbox} == {"tina@example.org", "eve@example.org"}


@pytest.mark.django_db
def test_a_translators_confirmation_makes_no_review(live):
    live.title_en = "Botnet taken down"
    live.save()  # the French translation is now outdated
    assert live.outdated == ["fr"]
    tina = person(TRANSLATOR, "Tina", languages="fr")
    response = tina.post(change_url(live), posted(tina, change_url(live)), follow=True)
    assert "confirmed as up to date" in response.text
    assert not Review.objects.exists()
    live.refresh_from_db()
    assert live.outdated == []


@pytest.mark.django_db
def test_an_editor_saving_a_published_item_unchanged_makes_no_review(live):
    eve = person(EDITOR, "Eve")
    response = eve.post(change_url(live), posted(eve, change_url(live)), follow=True)
    assert "Nothing was changed" in response.text
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_a_publishers_save_publishes_the_pending_crime_areas_shown_on_their_form(live):
    from .factories import CrimeAreaFactory

    phishing = CrimeAreaFactory(name_en="Phishing")
    eve = person(EDITOR, "Eve")
    eve.post(change_url(live), posted(eve, change_url(live), crime_areas=[phishing.pk]))
    paul = person(PUBLISHER, "Paul")
    response = paul.post(change_url(live), posted(paul, change_url(live)))
    assert response.status_code == 302
    assert list(live.crime_areas.all()) == [phishing]
    assert Review.objects.get(object_id=live.pk).state == Review.State.PUBLISHED


# --- the publication date of a draft ----------------------------------------------------------


@pytest.mark.django_db
def test_a_draft_published_days_later_is_dated_when_it_is_published(db):
    started = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(started, tick=False):
        eve = person(EDITOR, "Eve")
        response = eve.post(
            reverse("admin:news_article_add"),
            {
                "title_en": "Operation Falcon",
                "summary_en": "What happened.",
                "original_language": "en",
                "status": "draft",
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
    draft = Article.objects.get(title_en="Operation Falcon")
    assert not draft.published_at_chosen
    published = datetime.datetime(2026, 3, 5, 15, 30, tzinfo=datetime.UTC)
    with time_machine.travel(published, tick=False):
        paul = person(PUBLISHER, "Paul")
        form = posted(paul, change_url(draft), status="published")
        assert "published_at_0" not in form  # an undated draft shows no date
        response = paul.post(change_url(draft), form)
        assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.published_at == published
    older = ArticleFactory(published_at=published - datetime.timedelta(days=1))
    assert list(Article.objects.published(published)[:2]) == [draft, older]


@pytest.mark.django_db
def test_a_chosen_date_is_kept_and_a_submitted_draft_is_dated_when_published(db):
    chosen = ArticleFactory(draft=True, title_en="Dated", published_at_chosen=True)
    moment = chosen.published_at
    undated = ArticleFactory(draft=True, title_en="Undated")
    eve = person(EDITOR, "Eve")
    eve.post(change_url(undated), posted(eve, change_url(undated), _submit_for_review="1"))
    review = Review.objects.get(object_id=undated.pk)
    later = timezone.now() + datetime.timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        paul = person(PUBLISHER, "Paul")
        paul.post(review_url(undated), {"review": review.pk, "decision": "publish"})
        paul.post(
            reverse("admin:news_article_changelist"),
            {"action": "publish_selected", "_selected_action": [chosen.pk]},
        )
    undated.refresh_from_db()
    chosen.refresh_from_db()
    assert undated.status == chosen.status == "published"
    assert abs(undated.published_at - later) < datetime.timedelta(seconds=1)
    assert chosen.published_at == moment


# --- deleting an item with a pending change ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["delete view", "bulk action"])
def test_deleting_an_item_with_a_pending_change_is_audited_and_its_contributors_told(
    live, how, django_capture_on_commit_callbacks
):
    eve = with_mail(person(EDITOR, "Eve"), "eve@example.org", "es")
    eve.post(change_url(live), posted(eve, change_url(live), summary_en="Eve's summary."))
    paul = person(PUBLISHER, "Paul")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if how == "delete view":
            paul.post(reverse("admin:news_article_delete", args=[live.pk]), {"post": "yes"})
        else:
            paul.post(
                reverse("admin:news_article_changelist"),
                {"action": "delete_selected", "_selected_action": [live.pk], "post": "yes"},
            )
    assert not Article.objects.filter(pk=live.pk).exists()
    entry = AuditEntry.objects.get(action="delete", object_id=live.pk)
    assert entry.user == paul.user and entry.object_repr == "Botnet dismantled"
    assert entry.data["people"] == ["Eve"] and entry.data["before"] == "published"
    assert [message.to for message in mail.outbox] == [["eve@example.org"]]
    assert mail.outbox[0].subject.startswith("[CyberWatch] Eliminado")


# --- comparing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_review_page_renders_rich_text_as_it_reads_with_changes_marked_inside(live):
    live.body_fr = (
        "<h2>Savoir</h2><p>Les botnets sont <a href='https://example.org'>dangereux</a>.</p>"
        "<ul><li>un</li></ul>"
    )
    live.save()
    eve = person(EDITOR, "Eve")
    eve.post(
        change_url(live),
        posted(
            eve,
            change_url(live),
            body_fr="<h2>Savoir</h2><p>Les botnets sont très "
            "<a href='https://example.org'>dangereux</a>.</p><ul><li>un</li><li>deux</li></ul>",
        ),
    )
    page = person(PUBLISHER, "Paul").get(review_url(live))
    row = next(row for row in page.context["rows"] if row["name"] == "body_fr")
    diff = str(row["diff"])
    assert "<h2>Savoir</h2>" in diff and "<ul>" in diff
    assert '<a href="https://example.org"' in diff
    assert "<ins>très</ins>" in diff and "<li><ins>deux</ins></li>" in diff
    assert "savoirLes" not in page.text and "SavoirLes" not in page.text
    assert "<h2>Savoir</h2><p>Les botnets sont" in str(row["before"])  # the live side too
    # Internal fields never appear; a language empty on both sides prints nothing.
    names = {row["name"] for row in page.context["rows"]}
    assert not names & {"image_width", "image_height", "image_renditions", "version"}
    assert "body_es" not in names and "title_es" not in names


@pytest.mark.django_db
def test_the_compare_view_hides_internal_fields_and_empty_languages(live):
    from reversion.models import Version

    paul = person(PUBLISHER, "Paul")
    paul.post(change_url(live), posted(paul, change_url(live), title_en="First"))
    paul.post(change_url(live), posted(paul, change_url(live), title_en="Second"))
    first, second = Version.objects.get_for_object(live).order_by("pk")[:2]
    page = paul.get(
        reverse("admin:news_article_compare", args=[live.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    )
    assert page.status_code == 200
    labels = [str(row["field"].verbose_name) for row in page.context["compare_data"]]
    assert labels == ["title [en]"]
    assert "None" not in page.text.split('id="content-main"')[1]


# --- bulk publish and unpublish ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [EDITOR, TRANSLATOR, PUBLISHER])
def test_bulk_publish_and_unpublish_are_for_publishers_each_item_audited(role):
    drafts = [ArticleFactory(draft=True, title_en=f"Draft {n}") for n in range(2)]
    client = person(role, languages="fr")
    changelist = reverse("admin:news_article_changelist")
    page = client.get(changelist).text
    assert ('value="publish_selected"' in page) is (role == PUBLISHER)
    client.post(
        changelist,
        {"action": "publish_selected", "_selected_action": [item.pk for item in drafts]},
    )
    published = Article.objects.filter(status="published").count()
    if role != PUBLISHER:
        assert published == 0 and not AuditEntry.objects.exists()
        return
    assert published == 2
    entries = AuditEntry.objects.filter(action="publish")
    assert sorted(entry.object_id for entry in entries) == sorted(item.pk for item in drafts)
    assert all(entry.data["bulk"] for entry in entries)
    from reversion.models import Version

    for item in drafts:  # a revision each, naming that item alone
        version = Version.objects.get_for_object(item).get()
        assert version.revision.version_set.count() == 1
    client.post(
        changelist,
        {"action": "unpublish_selected", "_selected_action": [drafts[0].pk]},
    )
    assert Article.objects.get(pk=drafts[0].pk).status == "draft"
    assert AuditEntry.objects.filter(action="unpublish", object_id=drafts[0].pk).exists()


# --- the admin at work ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_dashboard_counts_what_awaits_review_and_links_to_all_of_it(db):
    eve = person(EDITOR, "Eve")
    for number in range(11):
        article = ArticleFactory(title_en=f"Live {number}")
        eve.post(
            change_url(article), posted(eve, change_url(article), title_en=f"Changed {number}")
        )
    paul = person(PUBLISHER, "Paul")
    waiting = section(paul.get(reverse("admin:index")).text, "Awaiting your review")
    assert "(11)" in waiting and waiting.count("<li>") == 8
    link = reverse("admin:cyberwatch_review_changelist") + "?state__exact=pending"
    assert f'href="{link}"' in waiting
    assert len(paul.get(link).context["cl"].result_list) == 11
    mine = section(eve.get(reverse("admin:index")).text, "Your submissions")
    assert "(11)" in mine
    own = reverse("admin:cyberwatch_review_changelist") + "?contributed=me"
    assert f'href="{own}"' in mine
    assert len(eve.get(own).context["cl"].result_list) == 11


@pytest.mark.django_db
def test_the_admin_has_a_language_switch_that_is_remembered_for_mail(db):
    eve = person(EDITOR, "Eve")
    page = eve.get(reverse("admin:index")).text
    assert 'action="/admin/language/"' in page and 'for="newsroom-language"' in page
    response = eve.post("/admin/language/", {"language": "fr", "next": "/admin/"})
    assert response.status_code == 302
    assert Profile.objects.get(user=eve.user).admin_language == "fr"
    page = eve.get(reverse("admin:index")).text
    assert '<html lang="fr"' in page
    # On another device (no language cookie), the profile's language.
    elsewhere = Client()
    elsewhere.force_login(eve.user)
    assert '<html lang="fr"' in elsewhere.get(reverse("admin:index")).text
    assert '<html lang="en"' in Client().get("/admin/login/").text  # nobody signed in


@pytest.mark.django_db
def test_translated_fields_carry_their_language_and_direction(live):
    page = person(PUBLISHER, "Paul").get(change_url(live)).text
    import re

    title_ar = re.search(r"<input[^>]*name=\"title_ar\"[^>]*>", page).group(0)
    assert 'lang="ar"' in title_ar and 'dir="rtl"' in title_ar
    title_fr = re.search(r"<input[^>]*name=\"title_fr\"[^>]*>", page).group(0)
    assert 'lang="fr"' in title_fr and 'dir="ltr"' in title_fr


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["securite", "SÉCURITÉ", "sécurité", "Securite"])
def test_admin_search_folds_accents_and_case(admin_client, term):
    ArticleFactory(title_en="", title_fr="Sécurité des réseaux", original_language="fr")
    ArticleFactory(title_en="Securite paper", summary_en="x")
    ArticleFactory(title_en="Unrelated")
    ArticleFactory(title_en="Cœur du réseau", summary_en="x")
    found = admin_client.get(reverse("admin:news_article_changelist"), {"q": term})
    titles = sorted(str(item) for item in found.context["cl"].result_list)
    assert titles == ["Securite paper", "Sécurité des réseaux"]
    found = admin_client.get(reverse("admin:news_article_changelist"), {"q": "coeur"})
    assert [str(item) for item in found.context["cl"].result_list] == ["Cœur du réseau"]
    found = admin_client.get(reverse("admin:news_article_changelist"), {"q": "50%_"})
    assert list(found.context["cl"].result_list) == []  # LIKE's wildcards are literal


@pytest.mark.django_db
def test_history_and_audit_are_stored_as_data_and_read_in_the_readers_language(live):
    from reversion.models import Version

    paul = person(PUBLISHER, "Paul")
    paul.post(change_url(live), posted(paul, change_url(live), title_en="First"))
    first = Version.objects.get_for_object(live).order_by("pk").first()
    paul.post(change_url(live), posted(paul, change_url(live), title_en="Second"))
    url = reverse("admin:news_article_revision", args=[live.pk, first.pk])
    paul.post(url, posted(paul, url))
    latest = Version.objects.get_for_object(live).order_by("pk").last().revision
    assert latest.comment.startswith("[")  # data, not English words
    paul.post("/admin/language/", {"language": "fr", "next": "/admin/"})
    history = paul.get(reverse("admin:news_article_history", args=[live.pk])).text
    assert "Retour à la version du" in history
    audit = paul.get(reverse("admin:cyberwatch_auditentry_changelist")).text
    assert "à la version du" in audit


# --- the one decision ------------------------------------------------------------------------

DECISIONS = [
    # role, stored state, changed, submit: the outcome
    (EDITOR, "new", True, False, "saved"),
    (EDITOR, "new", True, True, "submitted"),
    (PUBLISHER, "new", True, True, "saved"),
    (EDITOR, "draft", True, False, "saved"),
    (EDITOR, "draft", False, False, "unchanged"),
    (EDITOR, "draft", False, True, "submitted"),
    (EDITOR, "published", True, False, "proposed"),
    (EDITOR, "published", False, False, "unchanged"),
    (TRANSLATOR, "published", True, False, "proposed"),
    (TRANSLATOR, "published", False, False, "unchanged"),
    (PUBLISHER, "published", True, False, "saved"),
    (PUBLISHER, "published", False, False, "unchanged"),
    (PUBLISHER, "draft", True, True, "saved"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "state", "changed", "submit", "expected"), DECISIONS)
def test_one_function_decides_what_a_save_does(role, state, changed, submit, expected):
    from core.review import decide

    user = person(role, languages="fr").user
    if state == "new":
        item = Article(title_en="New", summary_en="S.")
    else:
        item = Article.objects.get(pk=ArticleFactory(draft=state == "draft").pk)
    outcome = decide(item, user, changed=["title_fr"] if changed else [], submit=submit)
    assert outcome.result.value == expected
