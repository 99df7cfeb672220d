"""A headline alone makes an article available in its language (SPEC §3: a dated headline is
a news item, as in the seed), where a summary or body was needed too.

The database keeps `available_<code>` and `shown_language_<code>` itself (generated columns),
and neither PostgreSQL nor SQLite changes a generated column's expression in place (Django
refuses to try): each is dropped and made again with the new rule, which computes it for every
row. The stored counts then follow the rule (an article with a title and no text is counted in
its language from now on). SQLite rebuilds the table for a stored generated column, which
drops the words index's triggers: news/search_index.py puts them back after `migrate`."""

import core.languages
from django.db import migrations, models

from news.migrations._timeouts import no_statement_timeout



def recount(apps, schema_editor):
    """The counts and their roll-up again, from the articles as the rule now sees them."""
    from news.migrations._counts import rebuild, roll_up

    count_model = apps.get_model("news", "ArticleCount")
    rebuild(apps.get_model("news", "Article"), count_model)
    roll_up(count_model, apps.get_model("news", "ArticleCountRollup"))


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0015_search_title_summary_body'),
    ]

    operations = [
        migrations.RunPython(no_statement_timeout, migrations.RunPython.noop),
        migrations.RemoveField(model_name='article', name='available_ar'),
        migrations.AddField(
            model_name='article',
            name='available_ar',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(models.Q(core.languages.Filled(models.F('title_ar'), True)), then=models.Value(True)), default=models.Value(False), output_field=models.BooleanField()), output_field=models.BooleanField(), verbose_name='available in ar'),
        ),
        migrations.RemoveField(model_name='article', name='available_en'),
        migrations.AddField(
            model_name='article',
            name='available_en',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(models.Q(core.languages.Filled(models.F('title_en'), True)), then=models.Value(True)), default=models.Value(False), output_field=models.BooleanField()), output_field=models.BooleanField(), verbose_name='available in en'),
        ),
        migrations.RemoveField(model_name='article', name='available_es'),
        migrations.AddField(
            model_name='article',
            name='available_es',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(models.Q(core.languages.Filled(models.F('title_es'), True)), then=models.Value(True)), default=models.Value(False), output_field=models.BooleanField()), output_field=models.BooleanField(), verbose_name='available in es'),
        ),
        migrations.RemoveField(model_name='article', name='available_fr'),
        migrations.AddField(
            model_name='article',
            name='available_fr',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(models.Q(core.languages.Filled(models.F('title_fr'), True)), then=models.Value(True)), default=models.Value(False), output_field=models.BooleanField()), output_field=models.BooleanField(), verbose_name='available in fr'),
        ),
        migrations.RemoveField(model_name='article', name='shown_language_ar'),
        migrations.AddField(
            model_name='article',
            name='shown_language_ar',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(models.Q(core.languages.Filled(models.F('title_ar'), True)), then=models.Value('ar')), models.When(models.Q(('original_language', 'en'), core.languages.Filled(models.F('title_en'), True)), then=models.Value('en')), models.When(models.Q(('original_language', 'fr'), core.languages.Filled(models.F('title_fr'), True)), then=models.Value('fr')), models.When(models.Q(('original_language', 'es'), core.languages.Filled(models.F('title_es'), True)), then=models.Value('es')), models.When(models.Q(('original_language', 'ar'), core.languages.Filled(models.F('title_ar'), True)), then=models.Value('ar')), models.When(models.Q(core.languages.Filled(models.F('title_en'), True)), then=models.Value('en')), models.When(models.Q(core.languages.Filled(models.F('title_fr'), True)), then=models.Value('fr')), models.When(models.Q(core.languages.Filled(models.F('title_es'), True)), then=models.Value('es')), models.When(models.Q(core.languages.Filled(models.F('title_ar'), True)), then=models.Value('ar')), default=models.Value('ar'), output_field=models.CharField(max_length=5)), output_field=models.CharField(max_length=5), verbose_name='language shown on ar pages'),
        ),
        migrations.RemoveField(model_name='article', name='shown_language_en'),
        migrations.AddField(
            model_name='article',
            name='shown_language_en',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(models.Q(core.languages.Filled(models.F('title_en'), True)), then=models.Value('en')), models.When(models.Q(('original_language', 'en'), core.languages.Filled(models.F('title_en'), True)), then=models.Value('en')), models.When(models.Q(('original_language', 'fr'), core.languages.Filled(models.F('title_fr'), True)), then=models.Value('fr')), models.When(models.Q(('original_language', 'es'), core.languages.Filled(models.F('title_es'), True)), then=models.Value('es')), models.When(models.Q(('original_language', 'ar'), core.languages.Filled(models.F('title_ar'), True)), then=models.Value('ar')), models.When(models.Q(core.languages.Filled(models.F('title_en'), True)), then=models.Value('en')), models.When(models.Q(core.languages.Filled(models.F('title_fr'), True)), then=models.Value('fr')), models.When(models.Q(core.languages.Filled(models.F('title_es'), True)), then=models.Value('es')), models.When(models.Q(core.languages.Filled(models.F('title_ar'), True)), then=models.Value('ar')), default=models.Value('en'), output_field=models.CharField(max_length=5)), output_field=models.CharField(max_length=5), verbose_name='language shown on en pages'),
        ),
        migrations.RemoveField(model_name='article', name='shown_language_es'),
        migrations.AddField(
            model_name='article',
            name='shown_language_es',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(models.Q(core.languages.Filled(models.F('title_es'), True)), then=models.Value('es')), models.When(models.Q(('original_language', 'en'), core.languages.Filled(models.F('title_en'), True)), then=models.Value('en')), models.When(models.Q(('original_language', 'fr'), core.languages.Filled(models.F('title_fr'), True)), then=models.Value('fr')), models.When(models.Q(('original_language', 'es'), core.languages.Filled(models.F('title_es'), True)), then=models.Value('es')), models.When(models.Q(('original_language', 'ar'), core.languages.Filled(models.F('title_ar'), True)), then=models.Value('ar')), models.When(models.Q(core.languages.Filled(models.F('title_en'), True)), then=models.Value('en')), models.When(models.Q(core.languages.Filled(models.F('title_fr'), True)), then=models.Value('fr')), models.When(models.Q(core.languages.Filled(models.F('title_es'), True)), then=models.Value('es')), models.When(models.Q(core.languages.Filled(models.F('title_ar'), True)), then=models.Value('ar')), default=models.Value('es'), output_field=models.CharField(max_length=5)), output_field=models.CharField(max_length=5), verbose_name='language shown on es pages'),
        ),
        migrations.RemoveField(model_name='article', name='shown_language_fr'),
        migrations.AddField(
            model_name='article',
            name='shown_language_fr',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(models.Q(core.languages.Filled(models.F('title_fr'), True)), then=models.Value('fr')), models.When(models.Q(('original_language', 'en'), core.languages.Filled(models.F('title_en'), True)), then=models.Value('en')), models.When(models.Q(('original_language', 'fr'), core.languages.Filled(models.F('title_fr'), True)), then=models.Value('fr')), models.When(models.Q(('original_language', 'es'), core.languages.Filled(models.F('title_es'), True)), then=models.Value('es')), models.When(models.Q(('original_language', 'ar'), core.languages.Filled(models.F('title_ar'), True)), then=models.Value('ar')), models.When(models.Q(core.languages.Filled(models.F('title_en'), True)), then=models.Value('en')), models.When(models.Q(core.languages.Filled(models.F('title_fr'), True)), then=models.Value('fr')), models.When(models.Q(core.languages.Filled(models.F('title_es'), True)), then=models.Value('es')), models.When(models.Q(core.languages.Filled(models.F('title_ar'), True)), then=models.Value('ar')), default=models.Value('fr'), output_field=models.CharField(max_length=5)), output_field=models.CharField(max_length=5), verbose_name='language shown on fr pages'),
        ),
        migrations.RunPython(recount, recount),
        # Backwards, this runs first.
        migrations.RunPython(migrations.RunPython.noop, no_statement_timeout),
    ]
