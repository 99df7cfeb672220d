import pytest

from core.sanitising import clean_html
from crimes.models import CrimeArea

from .factories import ArticleFactory, CrimeAreaFactory


@pytest.mark.django_db
def test_script_and_event_handlers_are_gone_after_save():
    article = ArticleFactory(
        body_en='<p>Read this.</p><script>alert("x")</script><img src="x" onerror="alert(1)">',
        body_fr='<p onclick="steal()">Lisez <a href="javascript:alert(1)">ceci</a>.</p>',
    )
    article.refresh_from_db()
    assert article.body_en == "<p>Read this.</p>"
    assert "onclick" not in article.body_fr
    assert "javascript:" not in article.body_fr
    assert "Lisez" in article.body_fr


@pytest.mark.django_db
def test_every_language_column_of_every_rich_text_model_is_cleaned():
    area = CrimeAreaFactory(body_ar='<p>نص</p><iframe src="https://evil.example"></iframe>')
    area.refresh_from_db()
    assert CrimeArea.objects.get(pk=area.pk).body_ar == "<p>نص</p>"


def test_allowed_markup_is_kept_and_links_get_noopener():
    html = clean_html('<h2>Advice</h2><ul><li><a href="https://example.org">a link</a></li></ul>')
    assert html == (
        '<h2>Advice</h2><ul><li><a href="https://example.org" rel="noopener noreferrer">'
        "a link</a></li></ul>"
    )


def test_style_and_unknown_attributes_are_removed():
    assert clean_html('<p style="color:red" class="x" lang="fr">Bonjour</p>') == (
        '<p lang="fr">Bonjour</p>'
    )
