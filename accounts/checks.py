"""Start-up checks of settings that are only wrong in combination.

They run when the app registry is ready, so ``manage.py`` commands, gunicorn
and the tests all refuse to start on them, whatever settings module is in use.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def settings_problems() -> list[str]:
    problems = []
    if settings.AUTH_COOKIE_SAMESITE == "None" and not settings.AUTH_COOKIE_SECURE:
        problems.append(
            "AUTH_COOKIE_SAMESITE=None needs AUTH_COOKIE_SECURE=1: browsers drop SameSite=None "
            "cookies that are not Secure"
        )
    if settings.ACCESS_TOKEN_LIFETIME > settings.REFRESH_TOKEN_LIFETIME:
        problems.append(
            "ACCESS_TOKEN_LIFETIME_SECONDS must not exceed REFRESH_TOKEN_LIFETIME_SECONDS"
        )
    return problems


def enforce_settings() -> None:
    problems = settings_problems()
    if problems:
        raise ImproperlyConfigured("; ".join(problems))
