"""The session rules at the service level, without HTTP."""

from datetime import timedelta

import pytest
from rest_framework.exceptions import ValidationError
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.errors import TokenRotated
from accounts.models import LoginSession, RevokeReason
from accounts.services import sessions, users
from tests.conftest import later


@pytest.fixture
def pair(user):
    return sessions.session_login(
        user=user, user_agent="pytest", ip_address="192.0.2.1", amr=["pwd"]
    )


def test_login_creates_an_active_session_naming_the_refresh_token(user, pair):
    session = LoginSession.objects.get()

    assert session.user == user
    assert session.current_refresh.jti == pair.refresh.jti
    assert session.expires_at == pair.refresh.expires_at
    assert pair.access.session_id == pair.refresh.session_id == session.id
    assert session.is_active()


def test_refresh_rotates_within_the_session(pair):
    rotated = sessions.session_refresh(raw_refresh=str(pair.refresh))

    session = LoginSession.objects.get()
    assert rotated.refresh.session_id == session.id
    assert session.current_refresh.jti == rotated.refresh.jti
    assert BlacklistedToken.objects.filter(token__jti=pair.refresh.jti).exists()


def test_reuse_within_the_grace_raises_the_benign_error(pair):
    sessions.session_refresh(raw_refresh=str(pair.refresh))

    with pytest.raises(TokenRotated):
        sessions.session_refresh(raw_refresh=str(pair.refresh))
    assert LoginSession.objects.get().revoked_at is None


def test_reuse_after_the_grace_revokes_the_session(pair):
    newest = sessions.session_refresh(raw_refresh=str(pair.refresh))

    with later(60), pytest.raises(InvalidToken) as refused:
        sessions.session_refresh(raw_refresh=str(pair.refresh))

    assert not isinstance(refused.value, TokenRotated)
    assert LoginSession.objects.get().revoked_reason == RevokeReason.REFRESH_REUSE
    with pytest.raises(InvalidToken):
        sessions.session_refresh(raw_refresh=str(newest.refresh))


def test_revoking_blacklists_the_current_refresh_token_and_counts_only_live_sessions(user, pair):
    sessions.session_login(user=user, user_agent="", ip_address=None, amr=["pwd"])

    first = sessions.sessions_revoke(sessions=user.login_sessions.all(), reason=RevokeReason.ADMIN)
    again = sessions.sessions_revoke(sessions=user.login_sessions.all(), reason=RevokeReason.ADMIN)

    assert (first, again) == (2, 0)
    assert BlacklistedToken.objects.count() == 2


def test_setting_a_password_keeps_only_the_named_session(user, pair):
    other = sessions.session_login(user=user, user_agent="", ip_address=None, amr=["pwd"])

    users.user_password_set(
        user=user,
        password="another-long-passphrase",
        reason=RevokeReason.PASSWORD_CHANGED,
        keep_session_id=pair.refresh.session_id,
    )

    assert LoginSession.objects.get(pk=pair.refresh.session_id).is_active()
    assert (
        LoginSession.objects.get(pk=other.refresh.session_id).revoked_reason == "password_changed"
    )


def test_the_session_cap_bounds_every_token(settings, user):
    settings.AUTH_SESSION_MAX_AGE = timedelta(minutes=2)

    pair = sessions.session_login(user=user, user_agent="", ip_address=None, amr=["pwd"])

    session = LoginSession.objects.get()
    assert pair.access.expires_at <= session.absolute_expiry
    assert pair.refresh.expires_at <= session.absolute_expiry
    assert session.expires_at <= session.created_at + timedelta(minutes=2)


def test_a_duplicate_signup_that_slips_past_validation_is_a_validation_error(user):
    with pytest.raises(ValidationError):
        users.user_create(username="ALICE", email="other@example.com", password="x" * 12)
