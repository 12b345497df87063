"""Rate limits for login, and for the endpoints that create accounts or send email."""

import hashlib
import ipaddress
import logging

from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

logger = logging.getLogger(__name__)


def client_address(request) -> str | None:
    """The client's IP address, trusting X-Forwarded-For only as far as NUM_PROXIES says.

    None when what the proxy passed on is not an address.
    """
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return None


class _FailOpenRateThrottle(SimpleRateThrottle):
    """DRF's rate throttle, letting requests through, with a warning, while its cache is down.

    Refusing every login while the counter store is unreachable would turn a
    cache outage into a full outage; the password hash still bounds guessing.
    """

    def get_rate(self):
        # Read at each request, not at import, so the configured rate always applies.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as exc:
            logger.warning(
                "throttle %s skipped: cache unavailable (%s)", self.scope, type(exc).__name__
            )
            return True


class _AddressRateThrottle(_FailOpenRateThrottle):
    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": f"addr:{self.get_ident(request)}"}


class LoginAddressThrottle(_AddressRateThrottle):
    scope = "login"


class LoginAccountThrottle(_FailOpenRateThrottle):
    """Counts attempts on one account, whichever addresses they come from."""

    scope = "login"

    def get_cache_key(self, request, view):
        identifier = request.data.get("username")
        if not isinstance(identifier, str) or not identifier.strip():
            return None
        # Hashed: the key stays short and the cache holds no usernames.
        digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": f"account:{digest}"}


class SignupAddressThrottle(_AddressRateThrottle):
    """Signup, password reset and verification resend, per client address."""

    scope = "signup"
