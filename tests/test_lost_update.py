"""No lost update: when two people edit the same item, the later save is refused,
names who saved in between and when, keeps what the second person typed, and leaves the first
save as it was. It holds in the form, in the UPDATE itself and after bulk changes."""

import pytest
from concurrency.exceptions import RecordModifiedError
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from crimes.models import CrimeArea
from news.models import Article

from .admin_forms import change_url, opened_version, version_in
from .factories import ArticleFactory, CrimeAreaFactory


def editor(username, first_name):
    user = get_user_model().objects.create_superuser(
        username, f"{username}@example.org", "pw", first_name=first_name, last_name="Editor"
    )
    client = Client()
    client.force_login(user)
    return client


def article_form(version, **text):
    return {
        "title_en": "Botnet dismantled",
        "summary_en": "What happened.",
        "slug": "botnet-dismantled",
        "original_language": "en",
        "status": "published",
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
        "version": version,
        **text,
    }


@pytest.fixture
def article(db):
    return ArticleFactory(
        title_en="Botnet dismantled", slug="botnet-dismantled", summary_en="What happened."
    )


@pytest.mark.django_db
def test_the_later_of_two_saves_is_refused_with_its_input_kept(article):
    anna, ben = editor("anna", "Anna"), editor("ben", "Ben")
    anna_opened, ben_opened = opened_version(anna, article), opened_version(ben, article)

    first = anna.post(change_url(article), article_form(anna_opened, title_en="Anna's title"))
    assert first.status_code == 302
    second = ben.post(change_url(article), article_form(ben_opened, title_en="Ben's title"))

    assert second.status_code == 200
    assert "Anna Editor saved this item at" in second.text
    assert "after you opened it" in second.text
    assert "Ben&#x27;s title" in second.text  # Ben's input is still in the form
    article.refresh_from_db()
    assert article.title_en == "Anna's title"  # Anna's save is kept


@pytest.mark.django_db
def test_after_reloading_the_second_editor_saves_on_top_of_the_first(article):
    anna, ben = editor("anna", "Anna"), editor("ben", "Ben")
    ben_opened = opened_version(ben, article)
    anna.post(change_url(article), article_form(opened_version(anna, article), title_en="A"))
    assert ben.post(change_url(article), article_form(ben_opened, title_en="B")).status_code == 200
    # Ben reloads (a fresh version), merges, and saves.
    merged = ben.post(
        change_url(article), article_form(opened_version(ben, article), title_en="AB")
    )
    assert merged.status_code == 302
    article.refresh_from_db()
    assert article.title_en == "AB"


@pytest.mark.django_db
def test_a_form_without_its_version_is_refused(article):
    anna = editor("anna", "Anna")
    response = anna.post(change_url(article), article_form("", title_en="Forged"))
    assert response.status_code in {200, 400}
    article.refresh_from_db()
    assert article.title_en == "Botnet dismantled"


@pytest.mark.django_db
def test_every_content_model_is_protected(db):
    area = CrimeAreaFactory(name_en="Fraud", slug="fraud", summary_en="Money.")
    anna, ben = editor("anna", "Anna"), editor("ben", "Ben")
    form = {"name_en": "Fraud", "slug": "fraud", "summary_en": "Money.", "ordering": 0}
    ben_opened = opened_version(ben, area)
    form_anna = {**form, "version": opened_version(anna, area), "summary_en": "Anna's summary."}
    prefix = "examples-"
    management = {
        f"{prefix}TOTAL_FORMS": "0",
        f"{prefix}INITIAL_FORMS": "0",
        f"{prefix}MIN_NUM_FORMS": "0",
        f"{prefix}MAX_NUM_FORMS": "1000",
    }
    assert anna.post(change_url(area), {**form_anna, **management}).status_code == 302
    refused = ben.post(
        change_url(area),
        {**form, "version": ben_opened, "summary_en": "Ben's summary.", **management},
    )
    assert refused.status_code == 200
    assert "Anna Editor saved this item at" in refused.text
    area.refresh_from_db()
    assert area.summary_en == "Anna's summary."
    assert CrimeArea.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_update_itself_refuses_a_stale_save(article):
    """Not only the form: a save from an instance read before another save changes nothing."""
    mine = Article.objects.get(pk=article.pk)
    theirs = Article.objects.get(pk=article.pk)
    theirs.title_en = "Theirs"
    theirs.save()
    mine.title_en = "Mine"
    with pytest.raises(RecordModifiedError):
        mine.save()
    article.refresh_from_db()
    assert article.title_en == "Theirs"


@pytest.mark.django_db
def test_a_bulk_change_after_the_form_was_opened_is_not_undone(article):
    anna = editor("anna", "Anna")
    opened = opened_version(anna, article)
    Article.objects.filter(pk=article.pk).update(status="draft")  # e.g. an admin action
    response = anna.post(change_url(article), article_form(opened, title_en="Anna's title"))
    assert response.status_code == 200
    assert "saved this item" in response.text
    article.refresh_from_db()
    assert article.status == "draft"
    assert article.title_en == "Botnet dismantled"


@pytest.mark.django_db
def test_losing_the_race_after_the_form_check_is_a_form_error_not_a_500(article, monkeypatch):
    """Between the form's check and the UPDATE someone saves (SQLite locks nothing on read):
    the UPDATE refuses, and the editor gets the same form with the same error."""
    from concurrency.forms import get_signer

    from core.stored import StoredRow

    anna = editor("anna", "Anna")
    opened = opened_version(anna, article)
    Article.objects.filter(pk=article.pk).update(title_en="Saved in between")
    real = StoredRow.stored
    checks = []

    def read_before_the_other_save(item, lock=False):
        # The form's check (the locked read) first reads the row as it was before the other
        # save landed.
        stored = real(item, lock=lock)
        if lock:
            checks.append(item.pk)
            if len(checks) == 1:
                return {**stored, "version": int(get_signer().unsign(opened))}
        return stored

    monkeypatch.setattr(StoredRow, "stored", read_before_the_other_save)
    response = anna.post(change_url(article), article_form(opened, title_en="Anna's title"))
    assert len(checks) == 2  # refused by the UPDATE, then answered with the form error
    assert response.status_code == 200
    assert "after you opened it" in response.text
    assert "Anna&#x27;s title" in response.text
    article.refresh_from_db()
    assert article.title_en == "Saved in between"


@pytest.mark.django_db
def test_rolling_back_to_an_old_revision_still_works(article):
    from reversion.models import Version

    anna = editor("anna", "Anna")
    anna.post(change_url(article), article_form(opened_version(anna, article), title_en="First"))
    anna.post(change_url(article), article_form(opened_version(anna, article), title_en="Second"))
    first = next(
        version
        for version in Version.objects.get_for_object(article)
        if version.field_dict["title_en"] == "First"
    )
    url = reverse("admin:news_article_revision", args=[article.pk, first.pk])
    opened = version_in(anna.get(url).text)  # a roll-back form carries its version too
    response = anna.post(url, article_form(opened, title_en="First"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_en == "First"


@pytest.mark.django_db
def test_a_roll_back_opened_before_someone_elses_save_is_refused(article):
    from reversion.models import Version

    anna, ben = editor("anna", "Anna"), editor("ben", "Ben")
    anna.post(change_url(article), article_form(opened_version(anna, article), title_en="First"))
    anna.post(change_url(article), article_form(opened_version(anna, article), title_en="Second"))
    first = Version.objects.get_for_object(article).order_by("pk").first()
    url = reverse("admin:news_article_revision", args=[article.pk, first.pk])
    opened = version_in(anna.get(url).text)
    ben.post(change_url(article), article_form(opened_version(ben, article), title_en="Ben's"))
    response = anna.post(url, article_form(opened, title_en="First"))
    assert response.status_code == 200
    assert "Ben Editor saved this item at" in response.text
    article.refresh_from_db()
    assert article.title_en == "Ben's"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["advice", "crime area", "initiative", "overview section"])
def test_a_bulk_change_moves_every_kind_of_items_version_on(kind):
    from crimes.models import Advice, OverviewSection
    from initiatives.models import Initiative

    from .factories import AdviceFactory, InitiativeFactory

    item = {
        "advice": AdviceFactory,
        "crime area": CrimeAreaFactory,
        "initiative": InitiativeFactory,
        "overview section": lambda: OverviewSection.objects.create(key="intro", heading_en="Hi"),
    }[kind]()
    model = {
        "advice": Advice,
        "crime area": CrimeArea,
        "initiative": Initiative,
        "overview section": OverviewSection,
    }[kind]
    before = model.objects.get(pk=item.pk).version
    change = {"ordering": 7} if kind != "advice" else {"slug": "renamed"}
    model.objects.filter(pk=item.pk).update(**change)
    assert model.objects.get(pk=item.pk).version != before
