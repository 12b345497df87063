"""The reads behind every authenticated request, at the service level."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.models import LoginSession
from accounts.selectors import session_live_get, session_user_get
from accounts.services import sessions


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
