"""Roll-back and recovery: a roll-back restores only
the item it names, on the seed content and on a database whose seed revision held every item;
it goes through the same rules as a save from the change form, for each role and each
publication state (a non-publisher never publishes or unpublishes by it, a translator touches
only their languages); recovering a deleted item too; and every one is in the audit log."""

import datetime
import importlib
import json

import pytest
import reversion
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from core.models import AuditEntry, Review
from core.roles import EDITOR, PUBLISHER, TRANSLATOR
from cyberwatch.management.commands.seed_content import SEED_FILE
from news.models import Article

from .admin_forms import change_url, posted
from .factories import ArticleFactory, CrimeAreaFactory
from .test_review import person

NOW = timezone.now()
SEED = json.loads(SEED_FILE.read_text(encoding="utf-8"))
SEED_ITEMS = sum(
    len(SEED[kind]) for kind in ("overview", "crime_areas", "initiatives", "advice", "articles")
)
SEED_EXAMPLES = sum(len(area["examples"]) for area in SEED["crime_areas"])


def revision_url(item, version):
    meta = item._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_revision", args=[item.pk, version.pk])


def recover_url(model, version):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_recover", args=[version.pk])


def seeded_articles():
    return list(Article.objects.order_by("pk"))


def roll_back(client, item, version, **changes):
    url = revision_url(item, version)
    return client.post(url, posted(client, url, **changes))


# --- one item a revision ---------------------------------------------------------------------


def test_the_seed_content_is_one_revision_per_item(seeded):
    for revision in Revision.objects.all():
        owners = {
            (version.content_type.model, version.object_id)
            for version in revision.version_set.select_related("content_type")
            if version.content_type.model != "crimeexample"
        }
        assert len(owners) == 1, owners
    assert Revision.objects.count() == SEED_ITEMS
    # A crime area's revision holds its examples.
    area_revision = (
        Version.objects.get_for_model(django_apps.get_model("crimes", "CrimeArea")).first().revision
    )
    assert area_revision.version_set.filter(content_type__model="crimeexample").exists()


def _corrected_then_rolled_back(publisher):
    """Article 10's headline corrected, article 1 given an Arabic translation; then article 9
    rolled back to its seed version."""
    articles = seeded_articles()
    ninth, tenth, first = articles[8], articles[9], articles[0]
    publisher.post(change_url(tenth), posted(publisher, change_url(tenth), title_en="Corrected"))
    publisher.post(
        change_url(first),
        posted(publisher, change_url(first), title_ar="اجتماع الإنتربول", summary_ar="ملخص."),
    )
    publisher.post(change_url(ninth), posted(publisher, change_url(ninth), title_en="Changed 9"))
    seed_version = Version.objects.get_for_object(ninth).order_by("pk").first()
    response = roll_back(publisher, ninth, seed_version)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return ninth, tenth, first


@pytest.mark.django_db
def test_rolling_back_one_seeded_article_leaves_every_other_item_as_it_is(seeded):
    publisher = person(PUBLISHER, "Paul")
    seed_title = seeded_articles()[8].title_en
    ninth, tenth, first = _corrected_then_rolled_back(publisher)
    assert Article.objects.get(pk=ninth.pk).title_en == seed_title
    assert Article.objects.get(pk=tenth.pk).title_en == "Corrected"
    assert Article.objects.get(pk=first.pk).title_ar == "اجتماع الإنتربول"
    assert AuditEntry.objects.filter(action="roll back", object_id=ninth.pk).count() == 1
    assert not AuditEntry.objects.filter(action="roll back").exclude(object_id=ninth.pk)


@pytest.mark.django_db
def test_a_database_whose_seed_revision_held_every_item_is_repaired_by_the_migration(db):
    # The seed content as it was loaded before: one revision for all 52 items.
    with reversion.create_revision():
        call_command("seed_content", verbosity=0)
    assert Revision.objects.count() == 1
    assert Version.objects.count() == SEED_ITEMS + SEED_EXAMPLES == 52
    migration = importlib.import_module("core.migrations.0006_one_item_a_revision")
    migration.split_shared_revisions(django_apps, None)
    assert Revision.objects.count() == SEED_ITEMS
    assert Version.objects.count() == 52  # every version kept, each in its item's revision

    publisher = person(PUBLISHER, "Paul")
    seed_title = seeded_articles()[8].title_en
    ninth, tenth, first = _corrected_then_rolled_back(publisher)
    assert Article.objects.get(pk=ninth.pk).title_en == seed_title
    assert Article.objects.get(pk=tenth.pk).title_en == "Corrected"
    assert Article.objects.get(pk=first.pk).title_ar == "اجتماع الإنتربول"


# --- the roles, for every publication state ---------------------------------------------------

STATES = {
    "draft": {"status": "draft", "published_at": NOW - datetime.timedelta(days=3)},
    "published": {"status": "published", "published_at": NOW - datetime.timedelta(days=3)},
    "scheduled": {"status": "published", "published_at": NOW + datetime.timedelta(days=3)},
    "ended": {
        "status": "published",
        "published_at": NOW - datetime.timedelta(days=3),
        "unpublish_at": NOW - datetime.timedelta(days=1),
    },
}
OTHER = {"draft": "published", "published": "draft", "scheduled": "draft", "ended": "draft"}


def item_with_history(state):
    """An article whose first version is in another publication state and has other text
    in English and French; now in `state`. Returns (article, first version)."""
    article = ArticleFactory(
        title_en="Old title",
        title_fr="Ancien titre",
        summary_fr="Résumé.",
        slug="history",
        **STATES[OTHER[state]],
    )
    with reversion.create_revision():
        article.save()
    first = Version.objects.get_for_object(article).get()
    Article.objects.filter(pk=article.pk).update(
        title_en="New title", title_fr="Nouveau titre", **{"unpublish_at": None, **STATES[state]}
    )
    with reversion.create_revision():
        Article.objects.get(pk=article.pk).save()
    return Article.objects.get(pk=article.pk), first


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", [EDITOR, TRANSLATOR, PUBLISHER])
def test_a_roll_back_obeys_the_roles_in_every_publication_state(role, state):
    article, first = item_with_history(state)
    before = Article.objects.get(pk=article.pk)
    client = person(role, languages="fr")
    response = roll_back(client, article, first)
    assert response.status_code == 302, response.context["adminform"].form.errors
    now = Article.objects.get(pk=article.pk)
    review = Review.objects.filter(object_id=article.pk, state="pending").first()
    entry = AuditEntry.objects.get(action="roll back", object_id=article.pk)
    if role == PUBLISHER:
        # Everything comes back, the publication status included.
        assert (now.title_en, now.title_fr) == ("Old title", "Ancien titre")
        assert now.status == STATES[OTHER[state]]["status"]
        assert review is None and entry.data["proposed"] is False
        assert entry.data["before"] == state
        assert entry.data["after"] == now.publication_state
        return
    # Never a change of publication by a non-publisher's roll-back.
    assert (now.status, now.published_at, now.unpublish_at) == (
        before.status,
        before.published_at,
        before.unpublish_at,
    )
    restored = {"title_fr": "Ancien titre"}
    if role == EDITOR:
        restored["title_en"] = "Old title"
    if state == "draft":
        # A draft is the author's: saved, publication fields untouched.
        assert review is None
        assert {name: getattr(now, name) for name in restored} == restored
        if role == TRANSLATOR:
            assert now.title_en == "New title"  # a translator's roll-back: their language
    else:
        # Published, scheduled or ended: a proposal, the live row as it was.
        assert (now.title_en, now.title_fr) == ("New title", "Nouveau titre")
        assert review is not None and review.kind == "change"
        assert {name: review.data["fields"][name] for name in restored} == restored
        assert not {"status", "published_at", "unpublish_at"} & set(review.data["fields"])
        if role == TRANSLATOR:
            assert "title_en" not in review.data["fields"]
        assert entry.data["proposed"] is True
    assert (entry.data["before"], entry.data["after"]) == (state, state)


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["published", "scheduled", "ended"])
def test_a_forged_roll_back_by_an_editor_does_not_unpublish(state):
    article, first = item_with_history(state)
    editor = person(EDITOR, "Eve")
    url = revision_url(article, first)
    response = editor.post(url, posted(editor, url, status="draft"))
    assert response.status_code == 200
    assert "Only a publisher can unpublish" in response.text
    assert Article.objects.get(pk=article.pk).status == "published"
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_a_forged_roll_back_by_an_editor_does_not_publish():
    article, first = item_with_history("draft")  # the version was published
    editor = person(EDITOR, "Eve")
    url = revision_url(article, first)
    response = editor.post(url, posted(editor, url, status="published"))
    assert response.status_code == 200
    assert "Only a publisher can publish" in response.text
    assert Article.objects.get(pk=article.pk).status == "draft"


@pytest.mark.django_db
def test_a_translators_roll_back_of_a_crime_area_touches_only_their_language(db):
    area = CrimeAreaFactory(name_en="Old name", name_fr="Ancien nom", slug="area")
    with reversion.create_revision():
        area.save()
    first = Version.objects.get_for_object(area).get()
    area.name_en, area.name_fr = "New name", "Nouveau nom"
    with reversion.create_revision():
        area.save()
    translator = person(TRANSLATOR, "Tina", languages="fr")
    response = roll_back(translator, area, first)
    assert response.status_code == 302, response.context["adminform"].form.errors
    area.refresh_from_db()
    assert (area.name_en, area.name_fr) == ("New name", "Ancien nom")


# --- recovering a deleted item -----------------------------------------------------------------


def deleted(state):
    """A deleted article, last saved in `state`: its last version."""
    article = ArticleFactory(title_en="Deleted one", slug="deleted-one", **STATES[state])
    with reversion.create_revision():
        article.save()
    version = Version.objects.get_for_object(article).get()
    article.delete()
    return version


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", [EDITOR, TRANSLATOR, PUBLISHER])
def test_recovering_a_deleted_item_obeys_the_roles(role, state):
    version = deleted(state)
    client = person(role, languages="fr")
    url = recover_url(Article, version)
    if role == TRANSLATOR:  # translators add nothing, so recover nothing
        assert client.get(url).status_code == 403
        assert client.post(url, {"title_en": "Deleted one"}).status_code == 403
        assert not Article.objects.exists()
        return
    response = client.post(url, posted(client, url))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(pk=int(version.object_id))  # back under its own pk
    entry = AuditEntry.objects.get(action="recover", object_id=article.pk)
    assert entry.data["before"] == "deleted"
    if role == PUBLISHER:
        assert article.status == STATES[state]["status"]
        assert entry.data["after"] == state
        return
    # An editor's recovery is never live by itself: a draft, submitted for review when it was
    # not one.
    assert article.status == "draft"
    assert entry.data["after"] == "draft"
    assert entry.data["proposed"] is (state != "draft")  # awaiting review, when it goes to one
    review = Review.objects.filter(object_id=article.pk, state="pending").first()
    assert (review is not None) is (state != "draft")
    assert not Article.objects.published().exists()


# --- the lists' inline edits ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), [(EDITOR, True), (TRANSLATOR, False), (PUBLISHER, True)]
)
@pytest.mark.parametrize(
    "model", ["crimes/crimearea", "initiatives/initiative", "crimes/overviewsection"]
)
def test_the_lists_offer_inline_edits_only_of_fields_the_person_may_change(role, allowed, model):
    from crimes.models import CrimeArea, OverviewSection
    from initiatives.models import Initiative

    from .factories import InitiativeFactory

    item = {
        "crimes/crimearea": lambda: CrimeAreaFactory(ordering=1),
        "initiatives/initiative": lambda: InitiativeFactory(ordering=1),
        "crimes/overviewsection": lambda: OverviewSection.objects.create(
            key="intro", heading_en="Hi", ordering=1
        ),
    }[model]()
    klass = {
        "crimes/crimearea": CrimeArea,
        "initiatives/initiative": Initiative,
        "crimes/overviewsection": OverviewSection,
    }[model]
    client = person(role, languages="fr")
    url = f"/admin/{model}/"
    page = client.get(url)
    assert page.status_code == 200
    assert ('name="form-0-ordering"' in page.text) is allowed
    # A forged inline edit.
    client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(item.pk),
            "form-0-ordering": "9",
            "_save": "Save",
        },
    )
    assert (klass.objects.get(pk=item.pk).ordering == 9) is allowed
    if allowed:
        # Its own revision, naming this item alone.
        version = Version.objects.get_for_object(item).get()
        assert version.revision.version_set.count() == 1 + (
            model == "crimes/crimearea" and item.examples.count()
        )


# --- images outlive the revisions that name them ---------------------------------------------


def _two_images(client, tmp_path):
    """A published article given image A, then image B, from the change form: (article, A's
    version, A's name, A's renditions)."""
    from .test_image_admin import image_upload
    from .test_images import image_bytes

    article = ArticleFactory(title_en="With a photo", slug="with-a-photo")
    url = change_url(article)
    response = client.post(
        url,
        posted(
            client,
            url,
            title_en="Photo A",
            image=image_upload(image_bytes(size=(900, 600)), "a.jpg"),
            image_alt_en="Photo A",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    first = Version.objects.get_for_object(article).order_by("pk").last()
    a_name, a_renditions = article.image.name, list(article.image_renditions)
    response = client.post(
        url,
        posted(
            client,
            url,
            title_en="Photo B",
            image=image_upload(image_bytes(size=(700, 500)), "b.jpg"),
            image_alt_en="Photo B",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.image.name != a_name
    return article, first, a_name, a_renditions


@pytest.mark.django_db
def test_a_roll_back_across_an_image_replacement_brings_the_old_image_back(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    publisher = person(PUBLISHER, "Paul")
    with django_capture_on_commit_callbacks(execute=True):
        article, first, a_name, a_renditions = _two_images(publisher, tmp_path)
        response = roll_back(publisher, article, first)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.title_en, article.image.name) == ("Photo A", a_name)
    assert article.image_renditions == a_renditions
    assert (article.image_width, article.image_height) == (900, 600)
    assert article.image.storage.exists(a_name)
    page = publisher.get(article.get_absolute_url()).text
    assert a_renditions[0]["name"].split("/")[-1] in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", [EDITOR, PUBLISHER])
def test_a_roll_back_to_an_image_whose_file_is_gone_is_a_form_error_that_offers_to_keep_it(
    role, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    publisher = person(PUBLISHER, "Paul")
    with django_capture_on_commit_callbacks(execute=True):
        article, first, a_name, _renditions = _two_images(publisher, tmp_path)
    b_name = article.image.name
    article.image.storage.delete(a_name)  # gone anyway (removed by hand, another tool…)
    client = publisher if role == PUBLISHER else person(role, "Eve")
    url = revision_url(article, first)
    page = client.get(url)
    assert page.status_code == 200
    assert "no longer stored" in page.text
    response = client.post(url, posted(client, url))
    assert response.status_code == 200  # not a 500
    errors = response.context["adminform"].form.errors
    assert "no longer stored" in " ".join(errors["image"])
    response = client.post(url, posted(client, url, keep_current_image="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    if role == PUBLISHER:
        assert (article.title_en, article.image.name) == ("Photo A", b_name)
        assert article.image_alt_en == "Photo B"  # the current image keeps its description
    else:  # a proposal: the title comes back, the image stays the current one
        review = Review.objects.get(object_id=article.pk, state="pending")
        assert review.data["fields"]["title_en"] == "Photo A"
        assert "image" not in review.data["fields"]
        assert article.image.name == b_name
