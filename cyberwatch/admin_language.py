"""The admin's language: the switch in its header (Django's `set_language`, the language
cookie) also keeps the choice in the person's newsroom profile, which the newsroom's mail is
written in and which the admin uses where the browser has no cookie yet (another device)."""

from django.conf import settings
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .models import Profile


@require_POST
def set_admin_language(request):
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_staff and language in dict(settings.LANGUAGES):
        Profile.objects.update_or_create(user=request.user, defaults={"admin_language": language})
    return response


class AdminLanguageMiddleware:
    """In the admin, a staff member without a language cookie gets their profile's admin
    language (after LocaleMiddleware and AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith("/admin/")
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and request.user.is_staff
        ):
            profile = Profile.objects.filter(user=request.user).first()
            if profile is not None and profile.admin_language in dict(settings.LANGUAGES):
                translation.activate(profile.admin_language)
                request.LANGUAGE_CODE = profile.admin_language
        return self.get_response(request)
