"""The reads behind every authenticated request and every login, at the service level."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Case, IntegerField, Value, When
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts import identifiers
from accounts.models import KnownDevice, LoginSession, Passkey, RecoveryCode, TotpDevice, User
from accounts.selectors import (
    _HAS_SECOND_FACTOR,
    known_device_closest_get,
    session_live_get,
    session_user_get,
    user_by_identifier_get,
)
from accounts.services import sessions
from tests.conftest import PASSWORD


@pytest.fixture
def session(user) -> LoginSession:
    pair = sessions.session_login(user=user, user_agent="pytest", ip_address=None, amr=["pwd"])
    return LoginSession.objects.get(pk=pair.access.session_id)


def test_a_live_session_gives_its_user(session, user):
    found = session_user_get(session_id=session.pk, user_id=str(user.pk))

    assert found == user
    assert found.email == user.email and found.date_joined == user.date_joined


@pytest.mark.parametrize(
    "change",
    [
        {"revoked_at": timezone.now()},
        {"expires_at": timezone.now() - timedelta(seconds=1)},
    ],
    ids=["revoked", "expired"],
)
def test_a_revoked_or_expired_session_gives_no_user(session, user, change):
    LoginSession.objects.filter(pk=session.pk).update(**change)

    assert session_user_get(session_id=session.pk, user_id=str(user.pk)) is None
    assert session_live_get(session_id=session.pk, user_id=str(user.pk)) is None


def test_an_inactive_user_is_not_given(session, user):
    user.is_active = False
    user.save()

    assert session_user_get(session_id=session.pk, user_id=str(user.pk)) is None


@pytest.mark.parametrize("user_id", ["0", "not-a-number", ""])
def test_a_session_named_with_another_user_id_gives_no_user(session, user_id):
    assert session_user_get(session_id=session.pk, user_id=user_id) is None


def test_an_unknown_session_gives_no_user(session, user):
    unknown = "00000000-0000-4000-8000-000000000000"

    assert session_user_get(session_id=unknown, user_id=str(user.pk)) is None


# --- The fast query and the one definition of a live session agree ---------------------------

# Every condition of LoginSessionQuerySet.active(), alone and together.
_BREAKS = {
    "revoked": lambda s: LoginSession.objects.filter(pk=s.pk).update(revoked_at=timezone.now()),
    "expired": lambda s: LoginSession.objects.filter(pk=s.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    ),
    "user_inactive": lambda s: type(s.user).objects.filter(pk=s.user_id).update(is_active=False),
    "current_blacklisted": lambda s: BlacklistedToken.objects.create(token_id=s.current_refresh_id),
    "no_current_token": lambda s: LoginSession.objects.filter(pk=s.pk).update(current_refresh=None),
}
_CASES = [()] + [(name,) for name in _BREAKS] + list(itertools.combinations(_BREAKS, 2))


@pytest.mark.parametrize("breaks", _CASES, ids=["-".join(c) or "live" for c in _CASES])
def test_the_authenticated_request_query_agrees_with_the_queryset(make_user, breaks):
    owner = make_user()
    bystander = make_user()
    pair = sessions.session_login(user=owner, user_agent="pytest", ip_address=None, amr=["pwd"])
    sessions.session_login(user=bystander, user_agent="pytest", ip_address=None, amr=["pwd"])
    session = LoginSession.objects.get(pk=pair.access.session_id)
    for name in breaks:
        _BREAKS[name](session)

    by_queryset = LoginSession.objects.active().filter(pk=session.pk).exists()
    by_fast_query = session_user_get(session_id=session.pk, user_id=str(owner.pk)) is not None
    by_refresh_read = session_live_get(session_id=session.pk, user_id=str(owner.pk)) is not None

    assert by_fast_query == by_queryset == by_refresh_read == (not breaks)


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_the_refresh_read_gives_what_the_orm_gives(session, user):
    by_orm = (
        LoginSession.objects.active().select_related("user", "current_refresh").get(pk=session.pk)
    )

    found = session_live_get(session_id=session.pk, user_id=str(user.pk))

    assert _fields(found) == _fields(by_orm)
    assert _fields(found.user) == _fields(by_orm.user)
    assert _fields(found.current_refresh) == _fields(by_orm.current_refresh)
    with CaptureQueriesContext(connection) as queries:
        assert found.user.pk == user.pk and found.current_refresh.jti == by_orm.current_refresh.jti
    assert len(queries) == 0  # the related rows came with the session


# --- The login's reads and their ORM definitions agree ------------------------------------------

# A login names its account by any spelling of its username or address, and the same query says
# whether the account has a second factor (a confirmed TOTP device or a passkey).
_FACTORS = {
    "none": lambda user: None,
    "totp_unconfirmed": lambda user: TotpDevice.objects.create(user=user, encrypted_secret="x"),
    "totp": lambda user: TotpDevice.objects.create(
        user=user, encrypted_secret="x", confirmed_at=timezone.now()
    ),
    "passkey": lambda user: _passkey(user, "one"),
    "two_passkeys_and_totp": lambda user: (
        _passkey(user, "one"),
        _passkey(user, "two"),
        TotpDevice.objects.create(user=user, encrypted_secret="x", confirmed_at=timezone.now()),
    ),
    "recovery_codes_only": lambda user: RecoveryCode.objects.create(user=user, code_hash="x"),
}


def _passkey(user, credential_id):
    return Passkey.objects.create(
        user=user,
        name=credential_id,
        credential_id=credential_id,
        public_key=b"k",
        user_handle=b"h",
    )


def _by_orm(identifier: str) -> User | None:
    """The lookup as the ORM writes it: the definition the login's SQL must agree with."""
    if identifiers.is_email(identifier):
        users = User.objects.filter(email_canonical=identifiers.email_canonical(identifier))
    else:
        users = User.objects.filter(username_canonical=identifiers.canonical(identifier))
    return users.annotate(has_second_factor=_HAS_SECOND_FACTOR).first()


@pytest.mark.parametrize("factors", _FACTORS)
@pytest.mark.parametrize(
    "identifier",
    ["Émile", "ÉMILE", "e\u0301mile", "emile@example.com", "EMILE@Example.COM", "nobody", "x@y.z"]
    # Spelled like the statement's placeholders: values, never SQL.
    + ["%s", "%(value)s", "%%", "?", ":value", "%(value)s@example.com"],
)
def test_the_login_lookup_agrees_with_the_orm(make_user, factors, identifier):
    owner = make_user("émile", email="emile@example.com")
    bystander = make_user("bystander")
    _FACTORS[factors](owner)
    _FACTORS["totp"](bystander)

    by_sql = user_by_identifier_get(identifier=identifier)
    by_orm = _by_orm(identifier)

    assert by_sql == by_orm
    if by_orm is not None:
        assert by_sql.has_second_factor == by_orm.has_second_factor
        assert _fields(by_sql) == _fields(by_orm)


def test_the_login_lookup_reads_every_column_of_the_user(user):
    found = user_by_identifier_get(identifier="ALICE")

    assert found == user and found.password == user.password
    assert found.date_joined == user.date_joined and found.last_login == user.last_login
    assert found.has_second_factor is False
    assert found.check_password(PASSWORD)


# Of an account's known devices, the closest to a login's: the device of that key (2), one with
# the login's agent on its network (1), another (0), as the ORM's CASE orders them.
_DEVICES = {
    "this_key": dict(key_hash="k", agent_key="a", network="n"),
    "same_agent_and_network": dict(key_hash="other", agent_key="a", network="n"),
    "same_agent_elsewhere": dict(key_hash="other2", agent_key="a", network="m"),
    "another": dict(key_hash="other3", agent_key="b", network="m"),
}
_DEVICE_CASES = [()] + [
    combination for size in (1, 2, 4) for combination in itertools.combinations(_DEVICES, size)
]


def _closest_by_orm(user, *, key_hash, agent_key, network):
    return (
        KnownDevice.objects.filter(user=user)
        .annotate(
            closeness=Case(
                When(key_hash=key_hash, then=Value(2)),
                When(agent_key=agent_key, network=network, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-closeness")
        .values("closeness", "last_seen_at")
        .first()
    )


@pytest.mark.parametrize(
    "devices", _DEVICE_CASES, ids=["-".join(c) or "none" for c in _DEVICE_CASES]
)
def test_the_known_device_read_agrees_with_the_orm(make_user, devices):
    owner, bystander = make_user(), make_user()
    KnownDevice.objects.create(user=bystander, **_DEVICES["this_key"])
    for name in devices:
        KnownDevice.objects.create(user=owner, **_DEVICES[name])
    login = dict(key_hash="k", agent_key="a", network="n")

    by_sql = known_device_closest_get(user=owner, **login)
    by_orm = _closest_by_orm(owner, **login)

    if by_orm is None:
        assert by_sql is None
    else:
        device, closeness = by_sql
        assert device.user_id == owner.pk
        assert (closeness, device.last_seen_at) == (by_orm["closeness"], by_orm["last_seen_at"])


@pytest.mark.parametrize("value", ["%s", "%(network)s", "%(user)s", "%%", "?", ":user"])
def test_device_values_spelled_like_placeholders_are_values(make_user, value):
    owner = make_user()
    KnownDevice.objects.create(user=owner, key_hash=value, agent_key=value, network=value)
    KnownDevice.objects.create(user=owner, key_hash="k", agent_key="a", network="n")

    device, closeness = known_device_closest_get(
        user=owner, key_hash=value, agent_key="a", network="n"
    )

    assert (device.key_hash, closeness) == (value, 2)
