"""Usernames and email addresses: how they are spelled, checked and compared.

Every identifier has a display form (what the user typed, NFKC-normalised) and
a canonical form (NFKC, case-folded, NFKC again: Unicode's NFKC_Casefold, in
Python so that every database compares alike). The canonical form is stored and
uniquely indexed; uniqueness, login, reset, resend and throttling all compare
it, so ``ÉMILE``, ``émile`` and ``ｅｍｉｌｅ`` are one name, and ``STRASSE@x`` and
``straße@x`` one address.

Usernames may not contain ``@``: an identifier with one is always an email
address, so a username can never shadow another account's address at login.
Each rule applies to the normalised value, and the canonical form must fit the
same length as the display form, so no spelling can outgrow its column.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

USERNAME_MAX_LENGTH = 150
EMAIL_MAX_LENGTH = 254

_USERNAME_CHARACTERS = re.compile(r"[\w.+-]+\Z")


def canonical(value: str) -> str:
    """The one spelling of an identifier that comparisons use (NFKC_Casefold)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())


def username_normalize(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


def username_validate(value: str) -> None:
    """Refuse a normalised username that breaks a rule; the message names the rule."""
    if not _USERNAME_CHARACTERS.match(value):
        raise ValidationError(
            _("Enter a username of letters, digits and . + - _ only (no spaces, no @)."),
            code="invalid",
        )
    if max(len(value), len(canonical(value))) > USERNAME_MAX_LENGTH:
        raise ValidationError(
            _("A username has at most %(limit)d characters."),
            code="max_length",
            params={"limit": USERNAME_MAX_LENGTH},
        )


def email_normalize(value: str) -> str:
    """NFKC, and the domain in lower case (it is case-insensitive everywhere)."""
    local, at, domain = unicodedata.normalize("NFKC", value.strip()).rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else value.strip()


def email_canonical(value: str) -> str:
    """The address compared for uniqueness and lookups: case-folded, the domain in ASCII."""
    local, at, domain = canonical(value).rpartition("@")
    if not at:
        return canonical(value)
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # not a valid domain name; validation refuses it, lookups find nothing
    return f"{local}@{domain}"


def email_validate(value: str) -> None:
    validate_email(value)
    if max(len(value), len(email_canonical(value))) > EMAIL_MAX_LENGTH:
        raise ValidationError(
            _("An email address has at most %(limit)d characters."),
            code="max_length",
            params={"limit": EMAIL_MAX_LENGTH},
        )


def is_email(identifier: str) -> bool:
    """Whether a login identifier names an account by its address rather than its username."""
    return "@" in identifier
