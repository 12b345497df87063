"""The reads behind every authenticated request, at the service level."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import LoginSession
from accounts.selectors import session_live_get, session_user_get


@pytest.fixture
def session(user) -> LoginSession:
    pair = services.session_login(user=user, user_agent="pytest", ip_address=None)
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
