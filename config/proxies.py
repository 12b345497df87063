"""Forwarded headers count only when they come from one of the trusted proxies.

``X-Forwarded-For`` names the client's address (read as far as ``NUM_PROXIES``
says) and ``X-Forwarded-Proto`` whether the client came over HTTPS
(``SECURE_PROXY_SSL_HEADER``). Anyone who reaches gunicorn without going through
a proxy (another host of the network, when ``GUNICORN_BIND`` is not loopback)
could write either, so both are removed from a request whose peer is not in
``TRUSTED_PROXIES``. gunicorn.conf.py hands gunicorn the same list for its own
reading of ``X-Forwarded-Proto``.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO")


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item) for item in trusted if item != "*")


def peer_is_trusted_proxy(peer: str) -> bool:
    return _peer_is_trusted(peer, tuple(settings.TRUSTED_PROXIES))


# Every request asks about its peer, and a service's peers are its few proxies; the
# verdict depends on nothing else, so it is kept (by peer and list, for settings overrides).
@lru_cache(maxsize=256)
def _peer_is_trusted(peer: str, trusted: tuple[str, ...]) -> bool:
    if "*" in trusted:
        return True
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        # No IP address: a unix socket, which only the users allowed to open it
        # reach. gunicorn trusts such a peer too.
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in _networks(trusted))


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not peer_is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
