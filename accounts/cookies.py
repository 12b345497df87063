"""The auth cookies: the only place their names and attributes live."""

import ipaddress
from collections import Counter
from functools import lru_cache
from http.cookies import Morsel

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from accounts.tokens import TokenPair

ACCESS_COOKIE = "access_token"
REFRESH_COOKIE = "refresh_token"
ACCESS_COOKIE_PATH = "/"
# The refresh token travels only to the endpoints that use it.
REFRESH_COOKIE_PATH = "/api/auth/"
# A pending login (password right, second factor to come) travels only to the MFA endpoints.
MFA_COOKIE = "mfa_token"
MFA_COOKIE_PATH = "/api/auth/mfa/"
# Which browser this is, for the new-device alert (services/devices.py): random, HttpOnly,
# not a credential; it travels only to the auth endpoints, where logins happen, and lasts
# as long as browsers keep a cookie (400 days).
DEVICE_COOKIE = "device_id"
DEVICE_COOKIE_PATH = "/api/auth/"
DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600


class _PartitionedMorsel(Morsel):
    """A cookie with ``Partitioned`` (CHIPS), an attribute that Python 3.11's http.cookies lacks."""

    def OutputString(self, attrs=None):
        return f"{super().OutputString(attrs)}; Partitioned"


def _partitioned(morsel: Morsel) -> Morsel:
    """``morsel`` with ``Partitioned`` when AUTH_COOKIE_PARTITIONED says so.

    A front end on another site reaches the cookies only in their partition,
    since browsers that block third-party cookies keep partitioned ones.
    """
    if not settings.AUTH_COOKIE_PARTITIONED or isinstance(morsel, _PartitionedMorsel):
        return morsel
    partitioned = _PartitionedMorsel()
    partitioned.set(morsel.key, morsel.value, morsel.coded_value)
    partitioned.update(morsel)
    return partitioned


def partition_cookie(response, name: str) -> None:
    """Gives a cookie that Django wrote itself (the CSRF cookie) the auth cookies' partitioning."""
    if name in response.cookies:
        response.cookies[name] = _partitioned(response.cookies[name])


def _set(
    response,
    name: str,
    value: str,
    *,
    path: str,
    max_age: int,
    domain: str | None = None,
    httponly: bool = True,
    key: str | None = None,
) -> None:
    """Writes one cookie. ``key``, when given, keeps it beside another cookie of the same name."""
    scratch = HttpResponse()
    scratch.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        domain=domain,
        secure=settings.AUTH_COOKIE_SECURE,
        httponly=httponly,
        samesite=settings.AUTH_COOKIE_SAMESITE,
    )
    morsel = scratch.cookies[name]
    if max_age == 0:
        # Max-Age=0 clears it in every browser; an Expires beside it only lengthens
        # the header, and an answer may clear a few dozen cookies (see below).
        morsel["expires"] = ""
    # Django's response holds one cookie per key, and writes each one's Set-Cookie.
    response.cookies[key or name] = _partitioned(morsel)
    patch_cache_control(response, no_store=True)


def set_auth_cookies(response, pair: TokenPair) -> None:
    """Each cookie lives exactly as long as its token."""
    for name, token, path in (
        (ACCESS_COOKIE, pair.access, ACCESS_COOKIE_PATH),
        (REFRESH_COOKIE, pair.refresh, REFRESH_COOKIE_PATH),
    ):
        max_age = token.payload["exp"] - token.payload["iat"]
        domain = settings.AUTH_COOKIE_DOMAIN
        _set(response, name, str(token), path=path, max_age=max_age, domain=domain)


def clear_auth_cookies(response) -> None:
    domain = settings.AUTH_COOKIE_DOMAIN
    _set(response, ACCESS_COOKIE, "", path=ACCESS_COOKIE_PATH, max_age=0, domain=domain)
    _set(response, REFRESH_COOKIE, "", path=REFRESH_COOKIE_PATH, max_age=0, domain=domain)


def set_mfa_cookie(response, token: str, *, max_age: int) -> None:
    domain = settings.AUTH_COOKIE_DOMAIN
    _set(response, MFA_COOKIE, token, path=MFA_COOKIE_PATH, max_age=max_age, domain=domain)


def clear_mfa_cookie(response) -> None:
    domain = settings.AUTH_COOKIE_DOMAIN
    _set(response, MFA_COOKIE, "", path=MFA_COOKIE_PATH, max_age=0, domain=domain)


def set_device_cookie(response, value: str) -> None:
    domain = settings.AUTH_COOKIE_DOMAIN
    _set(
        response,
        DEVICE_COOKIE,
        value,
        path=DEVICE_COOKIE_PATH,
        max_age=DEVICE_COOKIE_MAX_AGE,
        domain=domain,
    )


# --- Cookies tossed from a sibling host --------------------------------------------------
# A page on evil.example.com can set a cookie for Domain=example.com, which the
# browser then sends to api.example.com beside the service's own cookie of the
# same name. Django's request.COOKIES keeps one of the two, so the raw header is
# read, and such a request is refused rather than served with either.


def credential_cookie_names() -> tuple[str, ...]:
    """The cookies whose value decides whose request it is: two of one name are ambiguous."""
    return (ACCESS_COOKIE, REFRESH_COOKIE, settings.CSRF_COOKIE_NAME)


def cookie_names_repeated(cookie_header: str) -> list[str]:
    """The credential cookie names that a raw ``Cookie`` header carries more than once."""
    credentials = credential_cookie_names()
    # Every request is asked; a name the text holds at most once cannot be there twice.
    if all(cookie_header.count(name) < 2 for name in credentials):
        return []
    # Split as Django's parse_cookie splits, so that every cookie it could pick is counted.
    names = Counter(
        name
        for name in (chunk.split("=", 1)[0].strip() for chunk in cookie_header.split(";"))
        if name in credentials
    )
    return sorted(name for name, count in names.items() if count > 1)


# Parsed on first use (some 50 ms): only a refused request needs it.
@lru_cache(maxsize=1)
def _public_suffixes():
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def cookie_domains(host: str) -> list[str]:
    """Every ``Domain`` a cookie sent to ``host`` can have: the host and its parents, up to
    the registrable domain (``api.example.co.uk``, ``example.co.uk``; not ``co.uk``).

    Browsers refuse cookies for a public suffix, by the Public Suffix List that
    ``publicsuffixlist`` ships; an IP address or a single-label name (localhost)
    only ever gets host-only cookies.
    """
    host = host.strip("[]").rstrip(".").lower()
    try:
        ipaddress.ip_address(host)
        return []
    except ValueError:
        pass
    registrable = _public_suffixes().privatesuffix(host)
    if registrable is None:
        return []
    labels = host.split(".")
    depth = registrable.count(".") + 1
    return [".".join(labels[i:]) for i in range(len(labels) - depth + 1)]


def clear_credential_cookies_everywhere(response, *, host: str, repeated: list[str]) -> None:
    """Clears the auth and CSRF cookies host-only and for every domain they can have been set for.

    Each on its own path; a ``repeated`` one also on the service's other path,
    which a tossed copy may have chosen to be sent before or after the user's.
    Other paths are not tried: the headers must stay within a proxy's buffer
    (nginx's is 4 KiB), and such a copy is refused again whenever it is sent.
    """
    cookies = (
        (ACCESS_COOKIE, ACCESS_COOKIE_PATH, True),
        (REFRESH_COOKIE, REFRESH_COOKIE_PATH, True),
        (settings.CSRF_COOKIE_NAME, settings.CSRF_COOKIE_PATH, settings.CSRF_COOKIE_HTTPONLY),
    )
    service_paths = {ACCESS_COOKIE_PATH, REFRESH_COOKIE_PATH}
    domains = [None, *cookie_domains(host)]
    for name, own_path, httponly in cookies:
        paths = [own_path, *sorted(service_paths - {own_path})] if name in repeated else [own_path]
        for path in paths:
            for domain in domains:
                _set(
                    response,
                    name,
                    "",
                    path=path,
                    max_age=0,
                    domain=domain,
                    httponly=httponly,
                    key=f"{name}; Path={path}; Domain={domain or ''}",
                )
