"""The initiatives say what the source says (SPEC §3, §8): the source's page says the Global
Complex for Innovation is "currently being constructed in Singapore", with the Digital Crime
Centre a component of it, and gives no opening date. The seed had both "operational", opened on
13 April 2015, and its texts said the complex was "officially inaugurated in April 2015".

A database seeded before gets the corrected seed (cyberwatch/seed/content.json) on what is
still exactly as seeded: the status and opening date together, and each text in each language
on its own. An editor's own text, status or date is never touched. Where the English text
changes and an editor's own translation of it stays, that translation is marked outdated
(core/translations.py). The texts are frozen here: the migration owes the seed file nothing.
"""

import datetime

from django.db import migrations
from django.db.models import F

SEEDED = {
    'igci': {
        "status": 'operational',
        "opened_on": '2015-04-13',
        "summary": {
            'en': 'Based in Singapore, the INTERPOL Global Complex for Innovation is the means by which INTERPOL aims to become a global coordination body on the detection and prevention of digital crime.',
            'fr': 'Implanté à Singapour, le Complexe mondial INTERPOL pour l’innovation est l’instrument par lequel INTERPOL entend devenir un organe mondial de coordination en matière de détection et de prévention de la criminalité numérique.',
            'es': 'Con sede en Singapur, el Complejo Mundial de INTERPOL para la Innovación es el medio a través del cual INTERPOL se propone convertirse en un organismo mundial de coordinación en materia de detección y prevención de la delincuencia digital.',
            'ar': 'مجمع الإنتربول العالمي للابتكار، ومقره سنغافورة، هو الأداة التي يسعى الإنتربول من خلالها إلى أن يصبح هيئة تنسيق عالمية في مجال كشف الجرائم الرقمية ومنعها.',
        },
        "body": {
            'en': '<p>INTERPOL is committed to becoming a global coordination body on the detection and prevention of digital crime through its INTERPOL Global Complex for Innovation (IGCI) in Singapore.</p><p>The IGCI is a cutting-edge research and development facility, officially inaugurated in April 2015. A key component of the complex is the INTERPOL Digital Crime Centre, which provides proactive research into new areas and latest training techniques, and coordinates operations in the field.</p>',
            'fr': '<p>INTERPOL s’est engagé à devenir un organe mondial de coordination en matière de détection et de prévention de la criminalité numérique par l’intermédiaire de son Complexe mondial INTERPOL pour l’innovation, situé à Singapour.</p><p>Ce complexe est un centre de recherche et de développement de pointe, officiellement inauguré en avril 2015. L’une de ses composantes essentielles est le Centre INTERPOL de lutte contre la criminalité numérique, qui mène des recherches proactives dans de nouveaux domaines et sur les techniques de formation les plus récentes, et coordonne les opérations sur le terrain.</p>',
            'es': '<p>INTERPOL se ha comprometido a convertirse en un organismo mundial de coordinación en materia de detección y prevención de la delincuencia digital a través de su Complejo Mundial de INTERPOL para la Innovación, situado en Singapur.</p><p>Este complejo es un centro de investigación y desarrollo de vanguardia, inaugurado oficialmente en abril de 2015. Uno de sus componentes fundamentales es el Centro de INTERPOL contra la Delincuencia Digital, que lleva a cabo investigaciones proactivas en nuevos ámbitos y sobre las técnicas de formación más recientes, y coordina operaciones sobre el terreno.</p>',
            'ar': '<p>يلتزم الإنتربول بأن يصبح هيئة تنسيق عالمية في مجال كشف الجرائم الرقمية ومنعها، وذلك من خلال مجمع الإنتربول العالمي للابتكار في سنغافورة.</p><p>والمجمع مرفق متطور للبحث والتطوير، افتُتح رسميًا في نيسان/أبريل 2015. ومن مكوناته الرئيسية مركز الإنتربول لمكافحة الجريمة الرقمية، الذي يجري بحوثًا استباقية في مجالات جديدة وفي أحدث تقنيات التدريب، وينسق العمليات الميدانية.</p>',
        },
    },
    'digital-crime-centre': {
        "status": 'operational',
        "opened_on": '2015-04-13',
        "summary": {
            'en': 'A key component of the INTERPOL Global Complex for Innovation, the INTERPOL Digital Crime Centre provides proactive research into new areas and latest training techniques, and coordinates operations in the field.',
            'fr': 'Composante essentielle du Complexe mondial INTERPOL pour l’innovation, le Centre INTERPOL de lutte contre la criminalité numérique mène des recherches proactives dans de nouveaux domaines et sur les techniques de formation les plus récentes, et coordonne les opérations sur le terrain.',
            'es': 'Componente fundamental del Complejo Mundial de INTERPOL para la Innovación, el Centro de INTERPOL contra la Delincuencia Digital lleva a cabo investigaciones proactivas en nuevos ámbitos y sobre las técnicas de formación más recientes, y coordina operaciones sobre el terreno.',
            'ar': 'مركز الإنتربول لمكافحة الجريمة الرقمية مكوِّن رئيسي من مكونات مجمع الإنتربول العالمي للابتكار، ويجري بحوثًا استباقية في مجالات جديدة وفي أحدث تقنيات التدريب، وينسق العمليات الميدانية.',
        },
        "body": {
            'en': '<p>The INTERPOL Digital Crime Centre is a key component of the INTERPOL Global Complex for Innovation, INTERPOL’s research and development facility in Singapore.</p><p>The centre provides proactive research into new areas and latest training techniques, and coordinates operations in the field.</p>',
            'fr': '<p>Le Centre INTERPOL de lutte contre la criminalité numérique est une composante essentielle du Complexe mondial INTERPOL pour l’innovation, le centre de recherche et de développement d’INTERPOL situé à Singapour.</p><p>Le Centre mène des recherches proactives dans de nouveaux domaines et sur les techniques de formation les plus récentes, et coordonne les opérations sur le terrain.</p>',
            'es': '<p>El Centro de INTERPOL contra la Delincuencia Digital es un componente fundamental del Complejo Mundial de INTERPOL para la Innovación, el centro de investigación y desarrollo de INTERPOL situado en Singapur.</p><p>El Centro lleva a cabo investigaciones proactivas en nuevos ámbitos y sobre las técnicas de formación más recientes, y coordina operaciones sobre el terreno.</p>',
            'ar': '<p>مركز الإنتربول لمكافحة الجريمة الرقمية مكوِّن رئيسي من مكونات مجمع الإنتربول العالمي للابتكار، مرفق البحث والتطوير التابع للإنتربول في سنغافورة.</p><p>ويجري المركز بحوثًا استباقية في مجالات جديدة وفي أحدث تقنيات التدريب، وينسق العمليات الميدانية.</p>',
        },
    },
}
CORRECTED = {
    'igci': {
        "status": 'under_construction',
        "opened_on": None,
        "summary": {
            'en': 'INTERPOL is committed to becoming a global coordination body on the detection and prevention of digital crimes through its INTERPOL Global Complex for Innovation, currently being constructed in Singapore.',
            'fr': 'INTERPOL s’est engagé à devenir un organe mondial de coordination en matière de détection et de prévention de la criminalité numérique par l’intermédiaire de son Complexe mondial INTERPOL pour l’innovation, actuellement en construction à Singapour.',
            'es': 'INTERPOL se ha comprometido a convertirse en un organismo mundial de coordinación en materia de detección y prevención de la delincuencia digital a través de su Complejo Mundial de INTERPOL para la Innovación, actualmente en construcción en Singapur.',
            'ar': 'يلتزم الإنتربول بأن يصبح هيئة تنسيق عالمية في مجال كشف الجرائم الرقمية ومنعها، وذلك من خلال مجمع الإنتربول العالمي للابتكار الذي يجري تشييده حاليًا في سنغافورة.',
        },
        "body": {
            'en': '<p>INTERPOL is committed to becoming a global coordination body on the detection and prevention of digital crimes through its INTERPOL Global Complex for Innovation (IGCI), currently being constructed in Singapore.</p><p>A key component of this new cutting-edge research and development facility is the INTERPOL Digital Crime Centre. This new centre provides proactive research into new areas and latest training techniques, and coordinates operations in the field.</p>',
            'fr': '<p>INTERPOL s’est engagé à devenir un organe mondial de coordination en matière de détection et de prévention de la criminalité numérique par l’intermédiaire de son Complexe mondial INTERPOL pour l’innovation (IGCI), actuellement en construction à Singapour.</p><p>L’une des composantes essentielles de ce nouveau centre de recherche et de développement de pointe est le Centre INTERPOL de lutte contre la criminalité numérique. Ce nouveau centre mène des recherches proactives dans de nouveaux domaines et sur les techniques de formation les plus récentes, et coordonne les opérations sur le terrain.</p>',
            'es': '<p>INTERPOL se ha comprometido a convertirse en un organismo mundial de coordinación en materia de detección y prevención de la delincuencia digital a través de su Complejo Mundial de INTERPOL para la Innovación (IGCI), actualmente en construcción en Singapur.</p><p>Uno de los componentes fundamentales de este nuevo centro de investigación y desarrollo de vanguardia es el Centro de INTERPOL contra la Delincuencia Digital. Este nuevo centro lleva a cabo investigaciones proactivas en nuevos ámbitos y sobre las técnicas de formación más recientes, y coordina operaciones sobre el terreno.</p>',
            'ar': '<p>يلتزم الإنتربول بأن يصبح هيئة تنسيق عالمية في مجال كشف الجرائم الرقمية ومنعها، وذلك من خلال مجمع الإنتربول العالمي للابتكار (IGCI) الذي يجري تشييده حاليًا في سنغافورة.</p><p>ومن المكونات الرئيسية لهذا المرفق الجديد والمتطور للبحث والتطوير مركز الإنتربول لمكافحة الجريمة الرقمية. ويجري هذا المركز الجديد بحوثًا استباقية في مجالات جديدة وفي أحدث تقنيات التدريب، وينسق العمليات الميدانية.</p>',
        },
    },
    'digital-crime-centre': {
        "status": 'under_construction',
        "opened_on": None,
        "summary": {
            'en': 'A key component of the INTERPOL Global Complex for Innovation, the INTERPOL Digital Crime Centre provides proactive research into new areas and latest training techniques, and coordinates operations in the field.',
            'fr': 'Composante essentielle du Complexe mondial INTERPOL pour l’innovation, le Centre INTERPOL de lutte contre la criminalité numérique mène des recherches proactives dans de nouveaux domaines et sur les techniques de formation les plus récentes, et coordonne les opérations sur le terrain.',
            'es': 'Componente fundamental del Complejo Mundial de INTERPOL para la Innovación, el Centro de INTERPOL contra la Delincuencia Digital lleva a cabo investigaciones proactivas en nuevos ámbitos y sobre las técnicas de formación más recientes, y coordina operaciones sobre el terreno.',
            'ar': 'مركز الإنتربول لمكافحة الجريمة الرقمية مكوِّن رئيسي من مكونات مجمع الإنتربول العالمي للابتكار، ويجري بحوثًا استباقية في مجالات جديدة وفي أحدث تقنيات التدريب، وينسق العمليات الميدانية.',
        },
        "body": {
            'en': '<p>The INTERPOL Digital Crime Centre is a key component of the INTERPOL Global Complex for Innovation, the new cutting-edge research and development facility currently being constructed in Singapore.</p><p>This new centre provides proactive research into new areas and latest training techniques, and coordinates operations in the field.</p>',
            'fr': '<p>Le Centre INTERPOL de lutte contre la criminalité numérique est une composante essentielle du Complexe mondial INTERPOL pour l’innovation, le nouveau centre de recherche et de développement de pointe actuellement en construction à Singapour.</p><p>Ce nouveau centre mène des recherches proactives dans de nouveaux domaines et sur les techniques de formation les plus récentes, et coordonne les opérations sur le terrain.</p>',
            'es': '<p>El Centro de INTERPOL contra la Delincuencia Digital es un componente fundamental del Complejo Mundial de INTERPOL para la Innovación, el nuevo centro de investigación y desarrollo de vanguardia actualmente en construcción en Singapur.</p><p>Este nuevo centro lleva a cabo investigaciones proactivas en nuevos ámbitos y sobre las técnicas de formación más recientes, y coordina operaciones sobre el terreno.</p>',
            'ar': '<p>مركز الإنتربول لمكافحة الجريمة الرقمية مكوِّن رئيسي من مكونات مجمع الإنتربول العالمي للابتكار، المرفق الجديد والمتطور للبحث والتطوير الذي يجري تشييده حاليًا في سنغافورة.</p><p>ويجري هذا المركز الجديد بحوثًا استباقية في مجالات جديدة وفي أحدث تقنيات التدريب، وينسق العمليات الميدانية.</p>',
        },
    },
}
LANGUAGES = ("en", "fr", "es", "ar")
ORIGINAL = "en"  # an initiative's original language (core/languages.py)


def as_date(value):
    return value and datetime.date.fromisoformat(value)


def correct(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    for initiative in Initiative._base_manager.filter(slug__in=SEEDED):
        seeded, corrected = SEEDED[initiative.slug], CORRECTED[initiative.slug]
        changes = {}
        if (initiative.status, initiative.opened_on) == (
            seeded["status"],
            as_date(seeded["opened_on"]),
        ):
            changes.update(status=corrected["status"], opened_on=as_date(corrected["opened_on"]))
        kept = set()  # languages whose own text stays beside a corrected original
        for field in ("summary", "body"):
            if seeded[field] == corrected[field]:
                continue
            for code in LANGUAGES:
                column = f"{field}_{code}"
                if getattr(initiative, column) == seeded[field][code]:
                    changes[column] = corrected[field][code]
                elif (getattr(initiative, column) or "").strip():
                    kept.add(code)
        if not changes:
            continue
        outdated = set(filter(None, initiative.outdated_languages.split(",")))
        if any(name.endswith(f"_{ORIGINAL}") for name in changes):
            outdated |= kept - {ORIGINAL}
        ordered = [code for code in LANGUAGES if code in outdated]
        changes["outdated_languages"] = f",{','.join(ordered)}," if ordered else ""
        # Bumping the version refuses a form opened before, which would put the old text back.
        Initiative._base_manager.filter(pk=initiative.pk).update(
            **changes, version=F("version") + 1
        )


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0004_initiative_outdated_languages")]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
