from django.conf import settings
from django.utils import timezone, translation

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


class UserLanguageMiddleware:
    """Activate the language the user chose, else Bahasa Indonesia.

    The browser's Accept-Language is ignored on purpose: many phones in
    Indonesia are set to English while their owners read Indonesian, and the
    organisation's working language is Indonesian.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        codes = dict(settings.LANGUAGES)
        if user is not None and user.is_authenticated:
            language = user.language
        else:
            language = request.COOKIES.get(LANGUAGE_COOKIE)
        if language not in codes:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class BranchTimeZoneMiddleware:
    """Show times in the user's branch's zone when the user has a single branch."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = None
        if user is not None and user.is_authenticated and not user.sees_all_branches:
            branches = user.branch_list
            if len({b.province_info.time_zone for b in branches}) == 1:
                zone = branches[0].time_zone
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
