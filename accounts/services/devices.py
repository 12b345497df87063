"""Known devices: which logins come from a device the account has used before.

A device is a browser, known by its ``device_id`` cookie (accounts.cookies:
random, HttpOnly, kept for 400 days, set at every login). A browser without
that cookie (cleared, another profile) is still known if the account has logged
in before with the same user agent, version numbers left out, from the same
network (the IPv4 /24 or the IPv6 /48). A client that keeps no cookies (an app
client) is known by that user agent and network alone.

A login from a device the account has not used is a new device, and the owner
is told (services.notifications, ``new_device``), once: the device is then
known. The first device an account ever logs in from is recorded without an
alert, since there is nothing yet to compare it with.
"""

import hashlib
import ipaddress
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import selectors
from accounts.models import KnownDevice, User

_COOKIE_VALUE = re.compile(r"[A-Za-z0-9_-]{43}\Z")
_VERSIONS = re.compile(r"\d+")
# last_seen_at moves at most this often: a login from a known device then costs one query.
_SEEN_PRECISION = timedelta(days=1)


@dataclass(frozen=True)
class DeviceLogin:
    cookie: str | None  # the device cookie to set on the answer, if the client keeps cookies
    new: bool  # a device the account had not used: the owner was notified


def device_login_record(
    *,
    user: User,
    cookie: str | None,
    keeps_cookies: bool,
    user_agent: str,
    ip_address: str | None,
) -> DeviceLogin:
    """Record the device of a successful login; notify the owner if it is a new one."""
    agent_key = _agent_key(user_agent)
    network = _network(ip_address)
    token = None
    if keeps_cookies:
        token = cookie if isinstance(cookie, str) and _COOKIE_VALUE.match(cookie) else None
        token = token or secrets.token_urlsafe(32)
        key = _hash(f"cookie:{token}")
    else:
        key = _hash(f"agent:{agent_key}|{network}")
    # One query says all: this very device, one like it on its network, another, or none.
    device, closeness = selectors.known_device_closest_get(
        user=user, key_hash=key, agent_key=agent_key, network=network
    ) or (None, None)
    now = timezone.now()
    row = KnownDevice(
        user=user,
        key_hash=key,
        agent_key=agent_key,
        network=network,
        user_agent=user_agent.replace("\x00", "")[:512],
        first_seen_at=now,
        last_seen_at=now,
    )
    if closeness == 2:
        if now - device.last_seen_at > _SEEN_PRECISION:
            KnownDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
        return DeviceLogin(cookie=token, new=False)
    if device is None or closeness == 1:
        # The account's first device, or a known one that lost its cookie: known from now on.
        KnownDevice.objects.bulk_create([row], ignore_conflicts=True)
        return DeviceLogin(cookie=token, new=False)
    return DeviceLogin(cookie=token, new=_new_device_recorded(row, ip_address, user_agent))


def _new_device_recorded(row: KnownDevice, ip_address, user_agent) -> bool:
    """Record a new device and notify its owner, together; of two logins racing from one new
    device only one does."""
    from accounts.services.notifications import notify

    try:
        with transaction.atomic():
            row.save(force_insert=True)
            notify(user=row.user, kind="new_device", ip_address=ip_address, user_agent=user_agent)
    except IntegrityError:
        return False
    return True


def device_describe(user_agent: str) -> str:
    """The device a user agent approximately names, in words ("Firefox on Windows"), in the
    current language."""
    if not user_agent:
        return gettext("an unknown device")
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), None)
    if browser and system:
        return gettext("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    if browser or system:
        return browser or system
    return user_agent.replace("\x00", "")[:60]


# Checked in order: Edge and Opera say Chrome too, Chrome says Safari too.
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-requests/", "Python requests"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def _agent_key(user_agent: str) -> str:
    return _hash(_VERSIONS.sub("", user_agent.lower())[:512])


def _network(ip_address: str | None) -> str:
    if not ip_address:
        return ""
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
