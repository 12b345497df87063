"""Typed readers for environment variables that stop start-up on a bad value."""

import ipaddress
import os
from collections.abc import Sequence

from django.core.exceptions import ImproperlyConfigured

# TRUSTED_PROXIES by default: a proxy on the same host (settings.py, gunicorn.conf.py).
LOOPBACK = ("127.0.0.1", "::1")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def _refuse(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name} must be {expected}, not {value!r}")


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise _refuse(name, value, "1 or 0")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise _refuse(name, value, "a whole number") from None
    if number < minimum:
        raise _refuse(name, value, f"at least {minimum}")
    return number


def env_list(name: str, default: Sequence[str] = ()) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: Sequence[str]) -> str:
    value = _raw(name)
    if value is None:
        return default
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    raise _refuse(name, value, "one of " + ", ".join(choices))


_RATE_PERIODS = ("s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day")


def env_rate(name: str, default: str) -> str:
    """A DRF throttle rate such as ``10/min``."""
    value = _raw(name) or default
    count, _, period = value.partition("/")
    if not (count.isdigit() and int(count) > 0 and period.lower() in _RATE_PERIODS):
        raise _refuse(name, value, "a rate such as 10/min (per s, min, hour or day)")
    return value


def env_networks(name: str, default: Sequence[str]) -> list[str]:
    """A comma list of IP addresses or networks (``10.0.0.2``, ``10.0.0.0/24``), or ``*`` for any.

    Refused as gunicorn would refuse it: a network with host bits set
    (``10.0.0.1/24``) is a typing mistake, not a network.
    """
    items = env_list(name, default)
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item)
        except ValueError:
            expected = "IP addresses or networks such as 10.0.0.0/24, or *"
            raise _refuse(name, item, expected) from None
    return items
