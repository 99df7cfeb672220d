from modeltranslation.translator import TranslationOptions, register

from .models import Initiative


@register(Initiative)
class InitiativeTranslation(TranslationOptions):
    fields = ("name", "summary", "body", "location", "image_alt", "image_caption")
