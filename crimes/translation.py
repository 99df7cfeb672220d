from modeltranslation.translator import TranslationOptions, register

from .models import Advice, CrimeArea, CrimeExample, OverviewSection


@register(OverviewSection)
class OverviewSectionTranslation(TranslationOptions):
    fields = ("heading", "body")


@register(CrimeArea)
class CrimeAreaTranslation(TranslationOptions):
    fields = ("name", "summary", "body", "image_alt", "image_caption")


@register(CrimeExample)
class CrimeExampleTranslation(TranslationOptions):
    fields = ("name",)


@register(Advice)
class AdviceTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
