"""Rate limits: login per address and per account, the emailing endpoints per address, emails per
account, and password checks per account.

Every limit counts with one atomic increment in the cache (Redis ``INCR``, a
locked update in memory), so a parallel burst cannot slip past it the way
DRF's read-then-write request log can. The count is a sliding window: this
window's attempts plus the previous window's, weighted by how much of it still
overlaps the last period. Refused attempts count too, so a guesser who keeps
trying stays refused.
"""

import hashlib
import ipaddress
import logging
import time

from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from accounts import identifiers
from accounts.selectors import user_by_identifier_get

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_address(request) -> str | None:
    """The client's IP address, trusting X-Forwarded-For only as far as NUM_PROXIES says.

    None when what the proxy passed on is not an address.
    """
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return None


def rate_parse(rate: str) -> tuple[int, int]:
    """``"10/min"`` as (10, 60)."""
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period[0].lower()]


def attempt_count(*, key: str, period: int, now: float | None = None) -> tuple[float, float]:
    """Count one attempt under ``key``: the attempts of the last ``period`` seconds, this one
    included, and the seconds until the older ones weigh nothing."""
    now = time.time() if now is None else now
    window, into = divmod(now, period)
    current_key = f"{key}:{int(window)}"
    try:
        current = cache.incr(current_key)
    except ValueError:
        # The window's first attempt. Kept until the next window has used it.
        current = 1 if cache.add(current_key, 1, timeout=2 * period) else cache.incr(current_key)
    previous = cache.get(f"{key}:{int(window) - 1}", 0)
    overlap = 1 - into / period
    return previous * overlap + current, period - into


def rate_limit_hit(*, scope: str, ident: str) -> float | None:
    """Count an attempt against ``scope``'s rate: None while within it, else the seconds to wait.

    The rate is read at each call, not at import, so the configured one always
    applies. Fails open, with a warning, while the cache is down: refusing every
    login then would turn a cache outage into a full outage, and the password
    hash still bounds guessing.
    """
    limit, period = rate_parse(api_settings.DEFAULT_THROTTLE_RATES[scope])
    try:
        count, wait = attempt_count(key=f"throttle:{scope}:{ident}", period=period)
    except (RedisError, OSError) as exc:
        logger.warning("throttle %s skipped: cache unavailable (%s)", scope, type(exc).__name__)
        return None
    return wait if count > limit else None


def email_allowed(*, user_id: int, purpose: str) -> bool:
    """Whether one more email of this purpose may go to this account now."""
    return rate_limit_hit(scope="email", ident=f"{purpose}:{user_id}") is None


class CountingThrottle(BaseThrottle):
    """A DRF throttle over ``rate_limit_hit``; a subclass names its scope and its key."""

    scope: str

    def get_cache_key(self, request, view) -> str | None:
        """What to count under, within the scope; None to let the request through uncounted."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        ident = self.get_cache_key(request, view)
        self._wait = None if ident is None else rate_limit_hit(scope=self.scope, ident=ident)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


def account_ident(user_id) -> str:
    return f"account:{user_id}"


def _submitted_identifier(request) -> str | None:
    # The API's JSON body, or the admin's login form.
    data = getattr(request, "data", None)
    if data is None:
        data = request.POST
    identifier = data.get("username")
    if not isinstance(identifier, str) or not identifier.strip():
        return None
    return identifier.strip()


class LoginAddressThrottle(CountingThrottle):
    scope = "login"

    def get_cache_key(self, request, view) -> str | None:
        return f"addr:{self.get_ident(request)}"


class LoginAccountThrottle(CountingThrottle):
    """Counts attempts on one account, however it is spelled (username or email) and whichever
    addresses they come from; an unknown name is counted under its canonical form."""

    scope = "login"

    def get_cache_key(self, request, view) -> str | None:
        identifier = _submitted_identifier(request)
        if identifier is None:
            return None
        user = user_by_identifier_get(identifier=identifier, request=request)
        if user is not None:
            return account_ident(user.pk)
        # Hashed: the key stays short and the cache holds no usernames.
        digest = hashlib.sha256(identifiers.canonical(identifier).encode()).hexdigest()
        return f"unknown:{digest}"


class PasswordCheckThrottle(CountingThrottle):
    """A password checked for a signed-in user counts against the same bucket as a login to
    that account: a stolen access token must not become an unthrottled password oracle."""

    scope = "login"

    def get_cache_key(self, request, view) -> str | None:
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        return account_ident(request.user.pk)


class PasskeyOptionsThrottle(LoginAddressThrottle):
    """Options for a passwordless login, per client address: each stores a challenge."""

    scope = "passkey_options"


class EmailChangeThrottle(CountingThrottle):
    """Requests to change the address, per account, at the rate of emails of one kind (each
    request sends two)."""

    scope = "email"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user.is_authenticated:
            return None
        return f"email_change_request:{request.user.pk}"


class SignupAddressThrottle(CountingThrottle):
    """Signup, password reset and verification resend, per client address."""

    scope = "signup"

    def get_cache_key(self, request, view) -> str | None:
        return f"addr:{self.get_ident(request)}"


def login_throttles() -> list[CountingThrottle]:
    """The limits of every door to a password login: the API's and the admin's."""
    return [LoginAddressThrottle(), LoginAccountThrottle()]
