# scratch (to be deleted): every page's axe report into /tmp/axe/
import json
import os
from pathlib import Path

from .test_browser_admin_pages import (
    signed_in_page,
    translated_article,
    two_versions,
    pending_change,
    PASSWORD,
)
from .test_browser import browser  # noqa


def test_scratch(browser, live_server, transactional_db):
    from axe_playwright_python.sync_playwright import Axe
    from django.contrib.auth import get_user_model
    from cyberwatch import review as reviews
    from cyberwatch.models import AuditEntry
    from .factories import ArticleFactory

    anna = get_user_model().objects.create_superuser("anna", "anna@example.org", PASSWORD)
    article = ArticleFactory(title_en="Botnet dismantled", summary_en="What happened.")
    full = translated_article()
    sent_back = ArticleFactory(
        title_en="Phishing wave",
        summary_en="What happened.",
        title_fr="Vague d'hameçonnage",
        summary_fr="Ce qui s'est passé.",
    )
    first, second = two_versions(article)
    pending_change(article)
    pending_change(sent_back, username="emil")
    reviews.reject(reviews.pending_review(sent_back), anna, "Say which countries.")
    AuditEntry.record(AuditEntry.Action.PUBLISH, anna, full, moment=full.published_at)
    AuditEntry.record(AuditEntry.Action.REJECT, anna, sent_back)
    out = Path("/tmp/axe")
    out.mkdir(exist_ok=True)
    for f in out.iterdir():
        f.unlink()
    axe = Axe()
    urls = [
        "/admin/",
        "/admin/news/article/",
        f"/admin/news/article/{full.pk}/change/",
        f"/admin/news/article/{article.pk}/change/",
        f"/admin/news/article/{sent_back.pk}/change/",
        f"/admin/news/article/{article.pk}/review/",
        f"/admin/news/article/{sent_back.pk}/review/",
        f"/admin/news/article/{article.pk}/history/compare/?version_id1={first.pk}&version_id2={second.pk}",
        "/admin/cyberwatch/auditentry/",
        "/admin/translations/",
        f"/admin/news/article/{article.pk}/preview/?language=fr",
    ]
    summary = []
    for language in os.environ.get("LANGS", "en,ar").split(","):
        page = signed_in_page(browser, live_server.url, language)
        for i, url in enumerate(urls):
            page.goto(live_server.url + url)
            results = axe.run(page)
            name = f"{language}-{i}"
            (out / f"{name}.txt").write_text(url + "\n" + results.generate_report())
            (out / f"{name}.html").write_text(page.content())
            summary.append(
                f"{name} {url} {results.violations_count} "
                + ",".join(v["id"] for v in results.response["violations"])
            )
        page.context.close()
    (out / "summary.txt").write_text("\n".join(summary))
