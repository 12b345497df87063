"""Start-up checks of settings that are only wrong in combination.

They run when the app registry is ready, so ``manage.py`` commands, gunicorn
and the tests all refuse to start on them, whatever settings module is in use.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def settings_problems() -> list[str]:
    problems = []
    if settings.AUTH_COOKIE_SAMESITE == "None" and not settings.AUTH_COOKIE_SECURE:
        problems.append(
            "AUTH_COOKIE_SAMESITE=None needs AUTH_COOKIE_SECURE=1: browsers drop SameSite=None "
            "cookies that are not Secure"
        )
    if settings.AUTH_COOKIE_PARTITIONED and not (
        settings.AUTH_COOKIE_SAMESITE == "None" and settings.AUTH_COOKIE_SECURE
    ):
        problems.append(
            "AUTH_COOKIE_PARTITIONED=1 needs AUTH_COOKIE_SAMESITE=None and AUTH_COOKIE_SECURE=1: "
            "partitioned cookies are for a front end on another site, and browsers keep them "
            "only when they are SameSite=None and Secure"
        )
    from accounts.services.notifications import KINDS

    unknown = [name for name in settings.AUTH_NOTIFICATIONS_DISABLED if name not in KINDS]
    if unknown:
        problems.append(
            f"AUTH_NOTIFICATIONS_DISABLED names no notification {', '.join(unknown)}; "
            f"the notifications are {', '.join(KINDS)}"
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


@checks.register(checks.Tags.security, deploy=True)
def hsts_scope_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """HSTS's defaults reach further than this service: say so until the operator chooses."""
    reaches_further = settings.SECURE_HSTS_INCLUDE_SUBDOMAINS or settings.SECURE_HSTS_PRELOAD
    if not settings.SECURE_HSTS_SECONDS or not reaches_further or settings.HSTS_SCOPE_EXPLICIT:
        return []
    return [
        checks.Warning(
            "HSTS is sent with includeSubDomains and preload (the defaults): a browser that "
            "has seen it refuses plain HTTP, for DJANGO_SECURE_HSTS_SECONDS, on this host and "
            "on every host under it; served from a registrable domain (example.com), it "
            "covers every host of the domain, and anyone may submit the domain to the "
            "browsers' preload list, which takes months to leave.",
            hint="Serve every such host over HTTPS only, or set "
            "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS=0 and DJANGO_SECURE_HSTS_PRELOAD=0. "
            "Setting both explicitly (1 or 0) records the choice and ends this warning.",
            id="accounts.W001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def email_delivery_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Inline delivery is for development: in production a request would wait for the mail
    server, and an email that failed would wait for a worker that may not run."""
    if settings.AUTH_EMAIL_DELIVERY != "immediate" or settings.DEBUG:
        return []
    return [
        checks.Warning(
            "AUTH_EMAIL_DELIVERY=immediate outside debug: each request that sends an email "
            "waits for the mail server, and one that fails waits in the outbox for a worker.",
            hint="Unset it (the default is worker) and run `manage.py email_worker`.",
            id="accounts.W002",
        )
    ]
