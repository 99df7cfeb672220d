"""The seed's news items state only what the source says (SPEC §3, §8): a database seeded
before gets the corrections the seed content now has (cyberwatch/seed/content.json), on the rows
still exactly as seeded. An editor's own text or date is never touched.

- The summaries the seed gave its 34 articles were written for the site, not the source's: each
  is removed where the article's summary in its original language is still exactly that text.
  The headline alone keeps the article available in its language (0016).
- Items of one day keep the source's order (newest first): each after the first of its day is
  dated a minute earlier per item above it, where its date is still the seed's noon.

The seed's texts are frozen here: the migration owes the live seed file nothing.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.db.models import F

# slug: (original language, the summary the seed gave it)
INVENTED_SUMMARIES = {
    'interpol-europe-meeting-develops-regional-collaboration-against-transnational': ('en', 'An INTERPOL meeting in Europe has strengthened regional cooperation in the fight against crime that crosses national borders.'),
    'la-reunion-d-interpol-a-bucarest-vise-a-fixer-le-cap-de-la-securite-europeenne': ('fr', 'Une réunion d’INTERPOL tenue à Bucarest cherche à définir les orientations de la sécurité en Europe.'),
    'global-information-sharing-key-to-internal-security-interpol-chief': ('en', 'The head of INTERPOL has stressed that the worldwide exchange of information is essential to internal security.'),
    'la-cybersecurite-requiert-coordination-et-innovation-declare-la-presidente': ('fr', 'Lors d’une conférence, la Présidente d’INTERPOL a souligné que la cybersécurité exige à la fois de la coordination et de l’innovation.'),
    'le-premier-forum-interpol-world-ouvre-ses-portes-sur-le-theme-de-l-innovation': ('fr', 'La première édition du forum INTERPOL World a débuté, avec pour thème l’innovation au service de la sécurité dans le monde.'),
    'le-complexe-mondial-interpol-pour-l-innovation-inaugure-devant-une-assistance': ('fr', 'Le Complexe mondial INTERPOL pour l’innovation a été officiellement inauguré en présence d’un public venu du monde entier.'),
    'interpol-coordonne-une-operation-mondiale-visant-a-mettre-le-botnet-simda-hors': ('fr', 'INTERPOL a coordonné une opération internationale destinée à neutraliser le botnet Simda.'),
    'les-recherches-menees-par-interpol-dans-le-domaine-numerique-mettent-au-jour': ('fr', 'Des travaux de recherche menés par INTERPOL dans le domaine numérique ont révélé une menace visant les monnaies virtuelles.'),
    'global-action-against-online-fraud-in-the-airline-sector-nets-118-arrests': ('en', 'A worldwide operation targeting online fraud in the airline industry has led to 118 arrests.'),
    'monaco-s-prince-albert-ii-visits-interpol-global-complex-for-innovation': ('en', 'Prince Albert II of Monaco has toured the INTERPOL Global Complex for Innovation in Singapore.'),
    'la-conference-interpol-europol-sur-la-cybercriminalite-renforce-l-engagement': ('fr', 'Une conférence sur la cybercriminalité organisée par INTERPOL et Europol consolide la mobilisation de plusieurs secteurs en faveur de la cybersécurité.'),
    'la-cooperation-en-matiere-de-lutte-contre-la-cybercriminalite-au-centre': ('fr', 'Une conférence organisée par INTERPOL et Europol est consacrée à la coopération dans la lutte contre la cybercriminalité.'),
    'le-complexe-mondial-interpol-pour-l-innovation-ouvre-ses-portes': ('fr', 'Le Complexe mondial INTERPOL pour l’innovation est désormais ouvert.'),
    'interpol-and-trend-micro-reinforce-cooperation-in-combating-cybercrime': ('en', 'INTERPOL and Trend Micro are stepping up their joint efforts to fight cybercrime.'),
    'interpol-strengthens-cooperation-with-kaspersky-lab-in-global-fight-against': ('en', 'INTERPOL is deepening its cooperation with Kaspersky Lab in the worldwide fight against cybercrime.'),
    'philippine-operation-against-sextortion-network-builds-on-interpol-support': ('en', 'An operation in the Philippines targeting a ‘sextortion’ network has drawn on support from INTERPOL.'),
    'la-police-et-le-grand-public-s-unissent-autour-de-la-campagne-d-interpol': ('fr', 'Les services de police et le public se mobilisent ensemble autour de la campagne #TurnBackCrime d’INTERPOL.'),
    'operation-coordonnee-par-interpol-contre-les-reseaux-de-sextorsion': ('fr', 'INTERPOL a coordonné une opération visant des réseaux de « sextorsion ».'),
    'un-reseau-criminel-se-livrant-a-des-fraudes-aux-cartes-bancaires-demantele': ('fr', 'Avec le soutien d’INTERPOL, un réseau criminel spécialisé dans la fraude aux cartes bancaires a été démantelé.'),
    'italy-police-chief-visit-to-interpol-focuses-on-enhancing-law-enforcement': ('en', 'A visit to INTERPOL by Italy’s Police Chief has centred on strengthening cooperation between law enforcement agencies.'),
    'le-chef-d-interpol-met-en-garde-contre-les-menaces-invisibles-pesant': ('fr', 'Le chef d’INTERPOL a alerté sur des menaces « invisibles » qui pèsent sur la sécurité des personnes et sur l’économie.'),
    'les-partenariats-sont-essentiels-pour-proteger-le-cyberespace-selon-le-chef': ('fr', 'Selon le chef d’INTERPOL, la protection du cyberespace passe nécessairement par des partenariats.'),
    'l-innovation-la-solution-d-avenir-pour-faire-face-aux-menaces-de-demain': ('fr', 'Pour le Chef d’INTERPOL, l’innovation est la réponse d’avenir aux menaces qui pèseront demain sur la sécurité.'),
    'la-menace-grandissante-de-la-cybercriminalite-au-centre-de-la-visite-des-fidji': ('fr', 'La visite des Fidji à INTERPOL a été consacrée à la menace croissante que représente la cybercriminalité.'),
    'l-innovation-en-matiere-de-lutte-contre-les-menaces-pesant-sur-la-securite': ('fr', 'Le Forum sur les technologies au service de la lutte contre la criminalité a été consacré à l’innovation face aux menaces pour la sécurité mondiale.'),
    'interpol-et-trend-micro-collaboreront-contre-la-cybercriminalite': ('fr', 'INTERPOL et Trend Micro vont unir leurs efforts dans la lutte contre la cybercriminalité.'),
    'la-cooperation-internationale-est-au-coeur-de-la-lutte-contre': ('fr', 'Lors d’une réunion consacrée à la sécurité, le Directeur du Complexe mondial INTERPOL pour l’innovation a souligné le rôle central de la coopération internationale dans la lutte contre la cybercriminalité.'),
    'kaspersky-lab-soutiendra-le-complexe-mondial-interpol-pour-l-innovation': ('fr', 'Kaspersky Lab va apporter son soutien au Complexe mondial INTERPOL pour l’innovation en lui fournissant des outils de pointe et son savoir-faire.'),
    'interpol-et-nec-signent-un-accord-de-partenariat-visant-a-renforcer': ('fr', 'INTERPOL et NEC ont conclu un accord de partenariat destiné à améliorer la cybersécurité.'),
    'le-monde-doit-mieux-se-preparer-aux-menaces-qui-se-font-jour-en-matiere': ('fr', 'Devant une assemblée prestigieuse réunie en Inde, le chef d’INTERPOL a appelé le monde à mieux se préparer aux nouvelles menaces liées à la cybercriminalité.'),
    'la-cybercriminalite-au-centre-du-premier-programme-conjoint-de-formation': ('fr', 'Le premier programme de formation mené conjointement par INTERPOL et une université est consacré à la cybercriminalité.'),
    'tackling-cyber-security-threats-focus-of-interpol-workshop': ('en', 'An INTERPOL workshop has focused on how to address threats to cyber security.'),
    'interpol-et-l-icann-font-avancer-la-cooperation-en-matiere-de-securite': ('fr', 'À l’issue d’une première rencontre historique, INTERPOL et l’ICANN progressent dans leur coopération en matière de sécurité d’Internet.'),
    'la-police-des-maldives-arrete-plusieurs-cybermalfaiteurs-presumes': ('fr', 'Avec l’appui de l’unité d’INTERPOL chargée de la criminalité liée aux technologies de pointe, la police des Maldives a interpellé plusieurs personnes soupçonnées de cybercriminalité.'),
}
SAME_DAY = [
    ('interpol-coordonne-une-operation-mondiale-visant-a-mettre-le-botnet-simda-hors', '2015-04-13', 1),
    ('interpol-and-trend-micro-reinforce-cooperation-in-combating-cybercrime', '2014-09-30', 1),
    ('interpol-strengthens-cooperation-with-kaspersky-lab-in-global-fight-against', '2014-09-30', 2),
]
LANGUAGES = ("en", "fr", "es", "ar")


def seed_noon(iso_date):
    day = datetime.date.fromisoformat(iso_date)
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))


def outdated_with(article, language):
    """`outdated_languages` once the original language's text has changed: every other language
    the article has a title in (core/translations.py, frozen)."""
    codes = set(filter(None, article.outdated_languages.split(",")))
    codes |= {
        code
        for code in LANGUAGES
        if code != language and (getattr(article, f"title_{code}") or "").strip()
    }
    ordered = [code for code in LANGUAGES if code in codes]
    return f",{','.join(ordered)}," if ordered else ""


def correct(apps, schema_editor):
    Article = apps.get_model("news", "Article")
    articles = Article._base_manager.filter(slug__in=INVENTED_SUMMARIES)
    for article in articles:
        language, invented = INVENTED_SUMMARIES[article.slug]
        if getattr(article, f"summary_{language}") != invented:
            continue  # an editor's own summary, or none
        outdated = article.outdated_languages
        if language == article.original_language:
            outdated = outdated_with(article, language)
        # Bumping the version refuses a form opened before, which would put the summary back.
        Article._base_manager.filter(pk=article.pk).update(
            **{f"summary_{language}": ""}, outdated_languages=outdated, version=F("version") + 1
        )
    for slug, iso_date, position in SAME_DAY:
        noon = seed_noon(iso_date)
        Article._base_manager.filter(slug=slug, published_at=noon).update(
            published_at=noon - datetime.timedelta(minutes=position), version=F("version") + 1
        )


class Migration(migrations.Migration):
    dependencies = [("news", "0016_available_with_headline")]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
