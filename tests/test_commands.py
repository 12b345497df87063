"""Management commands: flushexpiredtokens prunes in batches; changepassword ends sessions."""

from datetime import timedelta
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import LoginSession
from tests.conftest import login


def test_flush_removes_expired_sessions_and_tokens_and_keeps_live_ones(make_user):
    for name in ("old1", "old2", "old3", "live"):
        make_user(name)
        client = APIClient()
        login(client, username=name)
        client.post(
            "/api/auth/refresh/", {"refresh": client.cookies["refresh_token"].value}, format="json"
        )
    live = client
    past = timezone.now() - timedelta(seconds=1)
    LoginSession.objects.exclude(user__username="live").update(expires_at=past)
    OutstandingToken.objects.exclude(user__username="live").update(expires_at=past)
    out = StringIO()

    call_command("flushexpiredtokens", batch_size=2, stdout=out)

    assert list(LoginSession.objects.values_list("user__username", flat=True)) == ["live"]
    assert set(OutstandingToken.objects.values_list("user__username", flat=True)) == {"live"}
    assert BlacklistedToken.objects.count() == 1
    assert "Deleted 3 expired session(s), 6 expired token(s) and 0 expired login step(s)." in (
        out.getvalue()
    )
    assert live.get("/api/auth/me/").status_code == 200
    assert (
        live.post(
            "/api/auth/refresh/", {"refresh": live.cookies["refresh_token"].value}, format="json"
        ).status_code
        == 200
    )


def test_flush_deletes_in_batches_of_the_given_size(make_user):
    make_user("old")
    for _ in range(5):
        login(APIClient(), username="old")
    LoginSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with CaptureQueriesContext(connection) as queries:
        call_command("flushexpiredtokens", batch_size=2, stdout=StringIO())

    deletes = [
        q["sql"] for q in queries if q["sql"].startswith('DELETE FROM "accounts_loginsession"')
    ]
    assert len(deletes) == 3  # 2 + 2 + 1


def test_changepassword_command_ends_the_users_sessions(user):
    client = APIClient()
    login(client)

    with mock.patch("getpass.getpass", return_value="a-command-line-passphrase"):
        call_command("changepassword", "alice", stdout=StringIO())

    user.refresh_from_db()
    assert user.check_password("a-command-line-passphrase")
    assert client.get("/api/auth/me/").status_code == 401
    assert LoginSession.objects.get().revoked_reason == "password_changed"
