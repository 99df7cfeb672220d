"""The admin's language: the switch in its header (Django's `set_language`, the language
cookie) also keeps the choice in the person's newsroom profile, which the newsroom's mail is
written in and which the admin uses where the browser has no cookie yet (another device): it is
put in the session when they sign in, so no request reads the profile."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
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
        request.session[SESSION_KEY] = language
    return response


SESSION_KEY = "newsroom_admin_language"


@receiver(user_logged_in)
def remember_admin_language(sender, request, user, **kwargs):
    profile = Profile.objects.filter(user=user).first() if user.is_staff else None
    if request is not None and profile is not None and profile.admin_language:
        request.session[SESSION_KEY] = profile.admin_language


class AdminLanguageMiddleware:
    """In the admin, a staff member without a language cookie gets their profile's admin
    language, as their session holds it (after LocaleMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._profile_language(request)
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language is not None:
            # Remembered by the browser from now on: no profile to read on the next request.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    def _profile_language(self, request):
        if not request.path.startswith("/admin/"):
            return None
        if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or not hasattr(request, "session"):
            return None
        language = request.session.get(SESSION_KEY)
        return language if language in dict(settings.LANGUAGES) else None
