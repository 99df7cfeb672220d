"""The news list as rendered agrees with a brute-force reading of every article in Python: the
result count, the cards of a page in order, and the facet counts (per year, per language, per
crime area), for random archives and random filters, and still after scheduled articles fall due
without any save. The guard for any faster way of counting."""

import datetime
import random
import re
from collections import Counter
from zoneinfo import ZoneInfo

import html5lib
import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation
from django.utils.dates import MONTHS

from crimes.models import CrimeArea
from news.models import Article

from .factories import CrimeAreaFactory, InitiativeFactory

pytestmark = pytest.mark.slow  # an oracle over many cases

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 15, 10, 0, tzinfo=PARIS)
# Later visits, with no save in between: scheduled articles fall due (the first lands exactly on
# an article's publication moment, the second in the next year).
LATER = (datetime.timedelta(days=20), datetime.timedelta(days=50))
PER_PAGE = 20
SEEDS = (11, 47, 2026)
FILTER_SETS = 25
CODES = [code for code, _name in settings.LANGUAGES]


def local(year, month, day, hour=12, minute=0, second=0):
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=PARIS)


# Moments where local and UTC dates, months or years differ, and the ends of months and years.
EDGES = [
    local(2023, 12, 31, 23, 59),
    local(2024, 1, 1, 0, 30),
    local(2024, 2, 29, 23, 45),
    local(2024, 3, 1, 0, 15),
    local(2024, 12, 31, 23, 59, 59),
    local(2025, 1, 1, 0, 0, 30),
    local(2025, 5, 31, 23, 30),
    local(2025, 6, 1, 0, 30),
    local(2025, 10, 26, 1, 30),  # the night the clocks go back
    local(2026, 3, 31, 23, 50),
    local(2026, 4, 1, 0, 10),
    local(2026, 11, 15, 0, 0, 30),  # today, just after midnight
    NOW - datetime.timedelta(minutes=1),
    NOW,  # published_at == now is public
]
# Scheduled: after NOW, some due at NOW + LATER[0] (one exactly then), more by NOW + LATER[1].
SCHEDULED = [
    NOW + datetime.timedelta(minutes=1),
    local(2026, 11, 20, 9),
    local(2026, 11, 30, 23, 30),
    local(2026, 12, 1, 0, 30),
    NOW + LATER[0],
    NOW + LATER[0] + datetime.timedelta(seconds=1),
    local(2026, 12, 31, 23, 59),
    local(2027, 1, 1, 0, 30),
    NOW + LATER[1],
    local(2027, 2, 1, 8),  # never due in this test
]
START = local(2023, 1, 1, 0, 0)

WHITESPACE = (" ", "  \t", "\n", "\r\n ")


def blank(rng):
    return rng.choice([None, "", *WHITESPACE])


def language_texts(rng, code, number, available):
    """title/summary/body columns for one language; `available` forces a usable version."""
    title = f"Story {number} ({code})"
    summary = f"What happened in story {number}."
    body = f"<p>Story {number} in full.</p>"
    if available:
        shape = rng.choice(["all", "title+summary", "title+body", "nbsp summary"])
    else:
        shape = rng.choice(
            ["all", "title+summary", "title+body", "nothing", "nothing", "title only"]
            + ["blank title", "blank summary", "blank texts", "nbsp summary"]
        )
    texts = {"title": blank(rng), "summary": blank(rng), "body": blank(rng)}
    if shape in ("all", "title+summary", "title+body", "title only", "blank summary"):
        texts["title"] = title
    if shape in ("all", "title+summary"):
        texts["summary"] = summary
    if shape in ("all", "title+body"):
        texts["body"] = body
    if shape == "blank title":  # text but a whitespace-only title: not available
        texts.update(title=rng.choice(WHITESPACE), summary=summary)
    if shape == "blank summary":
        texts["summary"] = rng.choice(WHITESPACE)
    if shape == "blank texts":
        texts.update(title=title, summary=rng.choice(WHITESPACE), body=rng.choice(WHITESPACE))
    if shape == "nbsp summary":  # a non-breaking space is text (core.languages.BLANK)
        texts.update(title=title, summary="\u00a0")
    return {f"{field}_{code}": value for field, value in texts.items()}


def random_moment(rng, chosen):
    kind = rng.random()
    if kind < 0.15:
        return rng.choice(EDGES)
    if kind < 0.27:
        return rng.choice(SCHEDULED)
    if kind < 0.35 and chosen:
        return rng.choice(chosen)  # the same moment as another article: order by -pk
    seconds = rng.randrange(int((NOW - START).total_seconds()))
    return START + datetime.timedelta(seconds=seconds)


def random_end(rng, moment):
    """Most articles stay up; some ended already, some end at a later visit (LATER), some in
    another period than they began (their month's count is taken off then)."""
    kind = rng.random()
    if kind < 0.7:
        return None
    if kind < 0.8:
        return moment + datetime.timedelta(days=rng.randint(1, 400))
    later = NOW + rng.choice(LATER) - datetime.timedelta(seconds=rng.choice([0, 1, 3600]))
    return later if later > moment else moment + datetime.timedelta(minutes=5)


def build_archive(rng, seed):
    areas = [
        CrimeAreaFactory(
            slug=f"area-{seed}-{number}",
            name_en=f"Area {number}",
            name_fr=f"Domaine {number}" if rng.random() < 0.5 else None,
            ordering=rng.randrange(3),
        )
        for number in range(rng.randint(3, 4))
    ]
    initiatives = [
        InitiativeFactory(slug=f"initiative-{seed}-{number}", name_en=f"Initiative {number}")
        for number in range(rng.randint(2, 3))
    ]
    # Every edge and scheduled moment at least once as published, then random articles.
    moments = [(moment, "published") for moment in EDGES + SCHEDULED]
    chosen = []
    for _number in range(rng.randint(50, 100)):
        moment = random_moment(rng, chosen)
        chosen.append(moment)
        moments.append((moment, "draft" if rng.random() < 0.2 else "published"))
    rng.shuffle(moments)  # primary keys in no particular date order
    for number, (moment, status) in enumerate(moments):
        original = rng.choice(CODES)
        fields = {}
        for code in CODES:
            fields.update(language_texts(rng, code, number, available=code == original))
        article = Article.objects.create(
            slug=f"story-{seed}-{number}",
            original_language=original,
            status=status,
            published_at=moment,
            unpublish_at=random_end(rng, moment),
            **fields,
        )
        article.crime_areas.set(rng.sample(areas, rng.choice([0, 1, 1, 2])))
        article.initiatives.set(rng.sample(initiatives, rng.choice([0, 1, 1, 1, 2])))


@pytest.fixture(params=SEEDS, ids=lambda seed: f"seed{seed}")
def archive(request, db, django_capture_on_commit_callbacks):
    """A random archive built at NOW, with the clock frozen; yields (rng, clock)."""
    rng = random.Random(request.param)  # noqa: S311 (test data, not secrets)
    with time_machine.travel(NOW, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            build_archive(rng, request.param)
        yield rng, clock


# The brute force: every article, read in Python.


def every_article():
    return list(Article.objects.prefetch_related("crime_areas", "initiatives"))


def matches(article, params, now):
    if article.status != "published" or article.published_at > now:
        return False
    if article.unpublish_at is not None and article.unpublish_at <= now:
        return False
    moment = timezone.localtime(article.published_at)
    if "year" in params and moment.year != int(params["year"]):
        return False
    if "month" in params and moment.month != int(params["month"]):
        return False
    if "date_after" in params and moment.date() < datetime.date.fromisoformat(params["date_after"]):
        return False
    if "date_before" in params and moment.date() > datetime.date.fromisoformat(
        params["date_before"]
    ):
        return False
    if "language" in params and not article.is_available_in(params["language"]):
        return False
    areas = {area.slug for area in article.crime_areas.all()}
    if "category" in params and not areas & set(params["category"]):
        return False
    initiatives = {initiative.slug for initiative in article.initiatives.all()}
    return "initiative" not in params or params["initiative"] in initiatives


def expected_page(articles, params, now, page, language):
    found = sorted(
        (article for article in articles if matches(article, params, now)),
        key=lambda article: (article.published_at, article.pk),
        reverse=True,
    )
    # With a year chosen, the archive lists every year of the other filters (the month
    # dropped), and the months of that year (the other filters kept).
    other_years = {key: value for key, value in params.items() if key not in ("year", "month")}
    in_years = [article for article in articles if matches(article, other_years, now)]
    years = Counter(timezone.localtime(article.published_at).year for article in in_years)
    other_months = {key: value for key, value in params.items() if key != "month"}
    months = Counter(
        timezone.localtime(article.published_at).month
        for article in articles
        if "year" in params and matches(article, other_months, now)
    )
    areas = Counter(area.pk for article in found for area in article.crime_areas.all())
    with translation.override(language):
        language_names = [str(name) for _code, name in settings.LANGUAGES]
        month_names = {number: str(name) for number, name in MONTHS.items()}
    return {
        "count": len(found),
        "slugs": [article.slug for article in found[(page - 1) * PER_PAGE : page * PER_PAGE]],
        # Only years with an article, newest first.
        "years": [(str(year), years[year]) for year in sorted(years, reverse=True)],
        # Only months with an article, in the calendar's order; the chosen one marked.
        "months": [
            (month_names[month], months[month], params.get("month") == str(month))
            for month in sorted(months)
        ],
        "languages": [
            (name, sum(article.is_available_in(code) for article in found))
            for code, name in zip(CODES, language_names, strict=True)
        ],
        "crime_areas": [
            (area.shown_in(language).name, areas[area.pk]) for area in CrimeArea.objects.all()
        ],
    }


# What the visitor sees.


def text_of(element):
    return " ".join("".join(element.itertext()).split())


def facet(root, heading_id):
    """[(name, count)] of a facet, in the page's order; a count of 0 must be plain text and
    any other a link."""
    section = root.find(f".//section[@aria-labelledby='{heading_id}']")
    assert section is not None, heading_id
    entries = []
    for item in section.iterfind("./ul/li"):
        count = item.find("./span[@class='count']")
        if count is None:  # "No articles"
            continue
        number = int(re.fullmatch(r"\((\d+)\)", text_of(count)).group(1))
        name = item[0]
        if number:
            assert name.tag == "a" and name.get("href"), text_of(item)
        else:
            assert name.tag == "span" and "facets__empty" in name.get("class"), text_of(item)
        entries.append((text_of(name), number))
    return entries


def archive_months(root):
    """[(name, count, marked as current)] of the chosen year's months: each a link."""
    entries = []
    for item in root.iterfind(".//ul[@class='facets__months']/li"):
        link = item[0]
        assert link.tag == "a" and link.get("href"), text_of(item)
        count = int(re.fullmatch(r"\((\d+)\)", text_of(item.find("./span[@class='count']")))[1])
        entries.append((text_of(link), count, link.get("aria-current") == "true"))
    return entries


def shown_page(response, language):
    root = html5lib.parse(response.content, namespaceHTMLElements=False)
    main = root.find(".//div[@class='with-sidebar__main']")
    status = main.find(".//p[@class='result-count']")
    assert status is not None and status.get("role") == "status"
    cards = main.find(".//ul[@class='card-list']")
    slugs = []
    for item in [] if cards is None else cards.iterfind("./li"):
        link = item.find(".//*[@class='card__title']/a")
        slugs.append(re.fullmatch(rf"/{language}/news/([^/]+)/", link.get("href")).group(1))
    return {
        "count": int(re.search(r"\d+", text_of(status)).group()),
        "slugs": slugs,
        "years": facet(root, "facet-years"),
        "months": archive_months(root),
        "languages": facet(root, "facet-languages"),
        "crime_areas": facet(root, "facet-crime-areas"),
    }


def random_filters(rng, articles):
    """A random valid combination of filters (never `q`)."""
    moments = [timezone.localtime(article.published_at) for article in articles]
    params = {}
    if rng.random() < 0.4:
        moment = rng.choice(moments)
        params["year"] = str(moment.year if rng.random() < 0.95 else 2022)  # 2022: none
        if rng.random() < 0.5:
            params["month"] = str(moment.month if rng.random() < 0.85 else rng.randint(1, 12))
    if rng.random() < 0.35:
        # Days of articles, give or take one: the edges of the range fall on publications.
        days = sorted(
            rng.choice(moments).date() + datetime.timedelta(days=rng.choice([-1, 0, 0, 1]))
            for _ in range(2)
        )
        which = rng.choice(["after", "before", "both"])
        if which != "before":
            params["date_after"] = days[0].isoformat()
        if which != "after":
            params["date_before"] = days[1].isoformat()
    if rng.random() < 0.4:
        params["language"] = rng.choice(CODES)
    if rng.random() < 0.35:
        slugs = sorted({area.slug for area in CrimeArea.objects.all()})
        params["category"] = rng.sample(slugs, rng.choice([1, 1, 2]))
    if rng.random() < 0.25:
        initiatives = sorted(
            {initiative.slug for article in articles for initiative in article.initiatives.all()}
        )
        params["initiative"] = rng.choice(initiatives)
    return params


def check(client, rng, articles, params):
    """The page as rendered equals the brute force, on page 1 and, with more than a page of
    results, on the last page. Returns the number of results."""
    language = rng.choice(CODES)
    now = timezone.now()
    expected = expected_page(articles, params, now, 1, language)
    last = max(1, -(-expected["count"] // PER_PAGE))
    for page in sorted({1, last}):
        query = dict(params, page=str(page)) if page > 1 else params
        response = client.get(f"/{language}/news/", query)
        assert response.status_code == 200, (language, query)
        assert shown_page(response, language) == expected_page(
            articles, params, now, page, language
        ), (now, language, query)
    return expected["count"]


@pytest.mark.django_db
def test_the_news_list_agrees_with_every_article_read_one_by_one(client, archive):
    rng, clock = archive
    articles = every_article()
    check(client, rng, articles, {})
    # A year, then one of its months: every year and that year's months stay listed.
    chosen = timezone.localtime(rng.choice(articles).published_at)
    check(client, rng, articles, {"year": str(chosen.year)})
    check(client, rng, articles, {"year": str(chosen.year), "month": str(chosen.month)})
    for _number in range(FILTER_SETS):
        check(client, rng, articles, random_filters(rng, articles))

    # Scheduled articles fall due and others reach their end with no save: counts and pages
    # follow from that moment.
    public = {article.pk for article in articles if matches(article, {}, NOW)}
    for delay in LATER:
        clock.move_to(NOW + delay)
        check(client, rng, articles, {})
        now_public = {article.pk for article in articles if matches(article, {}, NOW + delay)}
        assert now_public - public  # the archive does hold articles due by then…
        assert public - now_public  # …and articles that ended by then
        public = now_public
        check(client, rng, articles, {"year": str(timezone.localtime().year)})
        for _number in range(3):
            check(client, rng, articles, random_filters(rng, articles))
