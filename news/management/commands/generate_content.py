"""`manage.py generate_content --articles N`: a realistic archive for measuring the site.

Published articles over twenty years, mostly in English or French with some Spanish and
Arabic, about half translated into French, a quarter into Spanish and a tenth into Arabic,
each tagged with one or two crime areas and at most one initiative. Rows go in with bulk
inserts, without revisions (an article's first save in the admin makes its first). Their slugs
start with `generated-`, so `--clear` removes them and nothing else.
"""

import datetime
import random
import time
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from crimes.models import CrimeArea
from initiatives.models import Initiative
from news.counts import LANGUAGE_COLUMNS, Recount
from news.counts.keeping import rebuild
from news.models import Article

SLUG_PREFIX = "generated-"
BATCH = 2000
GENERATED_TABLES = ("news_article", "news_article_crime_areas", "news_article_initiatives")
YEARS = 20

ORIGINAL_LANGUAGES = (("en", 45), ("fr", 40), ("es", 10), ("ar", 5))
TRANSLATED_SHARE = {"fr": 0.50, "es": 0.25, "ar": 0.10, "en": 0.30}

WORDS = {
    "en": {
        "subjects": [
            "Police",
            "Investigators",
            "Analysts",
            "Prosecutors",
            "Cybercrime units",
            "Partner agencies",
            "The directorate",
            "Experts",
            "Digital forensics teams",
            "National police forces",
            "Security researchers",
            "Task forces",
        ],
        "actions": [
            "dismantle",
            "take down",
            "disrupt",
            "investigate",
            "track",
            "expose",
            "shut down",
            "identify",
            "arrest suspects behind",
            "seize servers of",
            "warn about",
            "analyse",
        ],
        "objects": [
            "a botnet",
            "a ransomware gang",
            "a phishing network",
            "a malware campaign",
            "an online fraud ring",
            "a darknet market",
            "a banking trojan",
            "a cryptojacking scheme",
            "a sextortion network",
            "a DDoS-for-hire service",
            "an identity theft ring",
            "a card skimming operation",
            "a money mule network",
            "a spyware vendor",
        ],
        "places": [
            "in Europe",
            "across Asia",
            "in Africa",
            "in the Americas",
            "worldwide",
            "in 20 countries",
            "in the Middle East",
            "across borders",
            "in Singapore",
            "in Lyon",
            "online",
            "in three continents",
        ],
        "sentences": [
            "The operation involved officers from several member countries.",
            "Victims are advised to update their software and change their passwords.",
            "Servers used to control infected computers were seized.",
            "Investigators followed the money through virtual currency exchanges.",
            "The malware spread through e-mail attachments and compromised websites.",
            "Private sector partners shared intelligence with law enforcement.",
            "Suspects were arrested and devices were seized for forensic analysis.",
            "The criminals targeted banks, businesses and private individuals.",
            "A joint investigation team coordinated the action from the command centre.",
            "Cleaning tools were made available to the public free of charge.",
            "The case shows how cybercrime ignores national borders.",
            "Training sessions helped police officers recognise digital evidence.",
        ],
    },
    "fr": {
        "subjects": [
            "La police",
            "Les enquêteurs",
            "Les analystes",
            "Les procureurs",
            "Les unités de cybercriminalité",
            "Les agences partenaires",
            "La direction",
            "Les experts",
            "Les équipes de criminalistique",
            "Les polices nationales",
        ],
        "actions": [
            "démantèlent",
            "neutralisent",
            "perturbent",
            "enquêtent sur",
            "traquent",
            "dévoilent",
            "ferment",
            "identifient",
            "arrêtent les auteurs de",
            "saisissent",
        ],
        "objects": [
            "un réseau de zombies",
            "un gang de rançongiciels",
            "un réseau d’hameçonnage",
            "une campagne de logiciels malveillants",
            "un réseau d’escroquerie en ligne",
            "un marché du darknet",
            "un cheval de Troie bancaire",
            "un réseau de sextorsion",
            "un service de déni de service",
            "un réseau d’usurpation d’identité",
            "une opération de piratage de cartes",
            "un réseau de mules financières",
        ],
        "places": [
            "en Europe",
            "en Asie",
            "en Afrique",
            "dans les Amériques",
            "dans le monde entier",
            "dans vingt pays",
            "au Moyen-Orient",
            "au-delà des frontières",
            "à Singapour",
            "à Lyon",
            "en ligne",
        ],
        "sentences": [
            "L’opération a mobilisé des policiers de plusieurs pays membres.",
            "Les victimes sont invitées à mettre à jour leurs logiciels.",
            "Les serveurs de commande des ordinateurs infectés ont été saisis.",
            "Les enquêteurs ont suivi l’argent à travers des plateformes de monnaie virtuelle.",
            "Le logiciel malveillant se propageait par des pièces jointes piégées.",
            "Des partenaires du secteur privé ont partagé leurs renseignements.",
            "Des suspects ont été interpellés et leur matériel saisi pour analyse.",
            "Les criminels visaient des banques, des entreprises et des particuliers.",
            "Une équipe commune d’enquête a coordonné l’action depuis le centre.",
            "Des outils de nettoyage ont été mis gratuitement à la disposition du public.",
        ],
    },
    "es": {
        "subjects": [
            "La policía",
            "Los investigadores",
            "Los analistas",
            "Los fiscales",
            "Las unidades de ciberdelincuencia",
            "Las agencias asociadas",
            "La dirección",
            "Los expertos",
            "Los equipos forenses",
        ],
        "actions": [
            "desmantelan",
            "desactivan",
            "interrumpen",
            "investigan",
            "rastrean",
            "desvelan",
            "cierran",
            "identifican",
            "detienen a los autores de",
            "incautan",
        ],
        "objects": [
            "una red de bots",
            "una banda de ransomware",
            "una red de phishing",
            "una campaña de programas maliciosos",
            "una red de fraude en línea",
            "un mercado de la web oscura",
            "un troyano bancario",
            "una red de sextorsión",
            "un servicio de denegación de servicio",
            "una red de robo de identidad",
        ],
        "places": [
            "en Europa",
            "en Asia",
            "en África",
            "en las Américas",
            "en todo el mundo",
            "en veinte países",
            "en Oriente Medio",
            "en Singapur",
            "en Lyon",
            "en línea",
        ],
        "sentences": [
            "En la operación participaron agentes de varios países miembros.",
            "Se aconseja a las víctimas que actualicen sus programas.",
            "Se incautaron los servidores que controlaban los ordenadores infectados.",
            "Los investigadores siguieron el dinero a través de monedas virtuales.",
            "El programa malicioso se propagaba mediante archivos adjuntos.",
            "Socios del sector privado compartieron información con la policía.",
            "Los sospechosos fueron detenidos y sus equipos incautados.",
            "Los delincuentes atacaban a bancos, empresas y particulares.",
        ],
    },
    "ar": {
        "subjects": [
            "الشرطة",
            "المحققون",
            "المحللون",
            "المدعون العامون",
            "وحدات مكافحة الجريمة السيبرية",
            "الوكالات الشريكة",
            "المديرية",
            "الخبراء",
        ],
        "actions": ["تفكك", "تعطل", "تحقق في", "تتعقب", "تكشف", "تغلق", "تحدد", "تضبط"],
        "objects": [
            "شبكة روبوتات",
            "عصابة برمجيات فدية",
            "شبكة تصيد احتيالي",
            "حملة برمجيات خبيثة",
            "شبكة احتيال إلكتروني",
            "سوقا في الشبكة المظلمة",
            "حصان طروادة مصرفيا",
            "شبكة ابتزاز جنسي",
            "شبكة سرقة هوية",
        ],
        "places": [
            "في أوروبا",
            "في آسيا",
            "في أفريقيا",
            "في الأمريكتين",
            "في جميع أنحاء العالم",
            "في عشرين بلدا",
            "في الشرق الأوسط",
            "في سنغافورة",
            "على الإنترنت",
        ],
        "sentences": [
            "شارك في العملية ضباط من عدة بلدان أعضاء.",
            "يُنصح الضحايا بتحديث برامجهم وتغيير كلمات المرور.",
            "ضُبطت الخوادم المستخدمة للتحكم في الحواسيب المصابة.",
            "تتبع المحققون الأموال عبر منصات العملات الافتراضية.",
            "انتشرت البرمجيات الخبيثة عبر مرفقات البريد الإلكتروني.",
            "تبادل شركاء من القطاع الخاص المعلومات مع أجهزة إنفاذ القانون.",
            "أُلقي القبض على مشتبه بهم وضُبطت أجهزتهم لتحليلها.",
        ],
    },
}


EMPTY_COLUMNS = [
    f"{field}_{code}"
    for field in ("title", "summary", "body", "image_alt", "image_caption")
    for code in LANGUAGE_COLUMNS
]


class Command(BaseCommand):
    help = "Generate N published articles for measuring the site (slugs start with generated-)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=0, help="how many to generate")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (same seed, same data)"
        )
        parser.add_argument(
            "--clear", action="store_true", help="remove generated articles first (only them)"
        )

    def handle(self, *args, articles, seed, clear, verbosity, **options):
        self.verbosity = verbosity
        if articles < 0:
            raise CommandError("--articles must be 0 or more.")
        started = time.monotonic()
        with no_statement_timeout():
            self.load(articles, seed, clear)
        elapsed = time.monotonic() - started
        self.stdout.write(f"Generated {articles} article(s) in {elapsed:.1f} s.")

    def load(self, articles, seed, clear):
        if clear:
            removed = self.clear()
            self.stdout.write(f"Removed {removed} generated article(s).")
        if articles:
            crime_areas = list(CrimeArea.objects.values_list("pk", flat=True))
            initiatives = list(Initiative.objects.values_list("pk", flat=True))
            if not crime_areas:
                raise CommandError("No crime area exists: run `manage.py seed_content` first.")
            first = self.next_number()
            # One count of the whole archive at the end (news/counts/), not one per batch.
            with transaction.atomic(), Recount.batch() as recount:
                rng = random.Random(seed)  # noqa: S311 — reproducible data, not secrets
                self.generate(articles, rng, first, crime_areas, initiatives)
                analyse(*GENERATED_TABLES)  # for the counts and the foreign keys' checks
                recount.months.clear()  # counted below, all at once
                rebuild()
        analyse(*GENERATED_TABLES, "news_articlecount")  # for the site's queries

    def clear(self):
        generated = Article.objects.filter(slug__startswith=SLUG_PREFIX)
        count = generated.count()
        with transaction.atomic():
            # The articles first (the foreign keys are checked at the commit), then the rows
            # left without an article: PostgreSQL's triggers would otherwise write each article's
            # crime areas again just before deleting it (news migration 0013).
            generated._raw_delete(generated.db)  # no signal: counted again below
            for through in (Article.crime_areas.through, Article.initiatives.through):
                orphans = through.objects.filter(
                    ~Exists(Article.objects.filter(pk=OuterRef("article_id")))
                )
                orphans._raw_delete(orphans.db)
            rebuild()
        return count

    def next_number(self):
        """Generated slugs are numbered on from the highest one already there."""
        last = (
            Article.objects.filter(slug__startswith=SLUG_PREFIX)
            .order_by("-pk")
            .values_list("slug", flat=True)
            .first()
        )
        return int(last.removeprefix(SLUG_PREFIX)) + 1 if last else 1

    @staticmethod
    def new_pks(count):
        table = Article._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [pk for (pk,) in cursor.fetchall()]

    @staticmethod
    def add_crime_areas(articles, tags):
        Article.crime_areas.through.objects.bulk_create(
            Article.crime_areas.through(article_id=article.pk, crimearea_id=area)
            for article, (areas, _initiatives) in zip(articles, tags, strict=True)
            for area in areas
        )

    def generate(self, count, rng, first, crime_areas, initiatives):
        now = timezone.now()
        span = int(datetime.timedelta(days=365 * YEARS).total_seconds())
        paragraphs = {code: self.paragraphs(rng, code) for code in WORDS}
        languages, weights = zip(*ORIGINAL_LANGUAGES, strict=True)
        for start in range(0, count, BATCH):
            batch = []
            tags = []
            for number in range(first + start, first + min(start + BATCH, count)):
                original = rng.choices(languages, weights)[0]
                written = [original] + [
                    code
                    for code, share in TRANSLATED_SHARE.items()
                    if code != original and rng.random() < share
                ]
                # Every translated column given (None where unwritten): modeltranslation
                # would otherwise work out a default for each, the costliest part of a row.
                fields = dict.fromkeys(EMPTY_COLUMNS)
                for code in written:
                    fields[f"title_{code}"] = self.title(rng, code)
                    fields[f"summary_{code}"] = self.sentence(rng, code, 2)
                    fields[f"body_{code}"] = "".join(rng.sample(paragraphs[code], 4))
                batch.append(
                    Article(
                        slug=f"{SLUG_PREFIX}{number}",
                        original_language=original,
                        status=Article.Status.PUBLISHED,
                        published_at=now - datetime.timedelta(seconds=rng.randrange(span)),
                        published_at_chosen=True,
                        title=fields.get("title_en") or "",
                        summary=fields.get("summary_en") or "",
                        body=fields.get("body_en") or "",
                        image_alt="",
                        image_caption="",
                        **fields,
                    )
                )
                tags.append(
                    (
                        rng.sample(crime_areas, min(len(crime_areas), rng.choice((1, 1, 2)))),
                        rng.sample(initiatives, 1) if initiatives and rng.random() < 0.4 else [],
                    )
                )
            # PostgreSQL: the articles' crime areas first, under primary keys taken from the
            # sequence, so that the article's row is made with its crime areas' key (news
            # migration 0013) rather than updated right after (the foreign keys are checked at
            # the commit). Updating rows just inserted made 100,000 articles take 274 s, not 80.
            areas_first = connection.vendor == "postgresql"
            if areas_first:
                for article, pk in zip(batch, self.new_pks(len(batch)), strict=True):
                    article.pk = pk
                self.add_crime_areas(batch, tags)
            created = Article.objects.bulk_create(batch)
            if created[0].pk is None:  # a backend that returns no primary keys
                slugs = {article.slug: article for article in created}
                for pk, slug in Article.objects.filter(slug__in=slugs).values_list("pk", "slug"):
                    slugs[slug].pk = pk
            if not areas_first:
                self.add_crime_areas(created, tags)
            Article.initiatives.through.objects.bulk_create(
                Article.initiatives.through(article_id=article.pk, initiative_id=initiative)
                for article, (_areas, chosen) in zip(created, tags, strict=True)
                for initiative in chosen
            )
            if not start:
                # Statistics of the tables as they fill, not as the migrations left them
                # (empty, the publication order's index "0 rows"): otherwise PostgreSQL looks
                # articles up by id through that index, read whole for each lookup, in the
                # crime areas' trigger (news migration 0013) and in the foreign keys' checks at
                # the commit. 200,000 articles then took over 12 minutes, not 2.
                analyse(*GENERATED_TABLES)
            if self.verbosity > 1:
                self.stdout.write(f"  {start + len(batch)} / {count}")

    @staticmethod
    def sentence(rng, code, count=1):
        return " ".join(rng.choice(WORDS[code]["sentences"]) for _ in range(count))

    @staticmethod
    def title(rng, code):
        words = WORDS[code]
        return " ".join(
            rng.choice(words[part]) for part in ("subjects", "actions", "objects", "places")
        )

    def paragraphs(self, rng, code, count=60):
        return [f"<p>{self.sentence(rng, code, rng.randint(5, 9))}</p>" for _ in range(count)]


@contextmanager
def no_statement_timeout():
    """PostgreSQL: no statement time-out (DATABASE_STATEMENT_TIMEOUT, meant for visitors'
    requests) while loading: at 1,000,000 articles the commit, which checks every new row's
    foreign keys, and the counts run longer. The connection's own is restored afterwards."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


def analyse(*tables):
    """PostgreSQL: fresh planner statistics of `tables`. In a transaction too, where ANALYZE
    counts the rows the transaction wrote."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
