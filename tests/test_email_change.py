"""Changing the email address: a link to the new address, a notice with a cancel link to the old,
nothing changed until the link is used, and never two accounts with one address."""

import threading

import pytest
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts.models import EmailChange, User
from tests.conftest import (
    PASSWORD,
    PASSWORD_RESET,
    PASSWORD_RESET_CONFIRM,
    SIGNUP,
    emailed_link,
    in_parallel,
    later,
    login,
)

pytestmark = pytest.mark.django_db(transaction=True)

CHANGE = "/api/auth/email/change/"
CONFIRM = "/api/auth/email/change/confirm/"
CANCEL = "/api/auth/email/change/cancel/"
REAUTHENTICATE = "/api/auth/reauthenticate/"


def request_change(client, email="new@example.com"):
    return client.post(CHANGE, {"email": email}, format="json")


def sent_to(outbox, address: str) -> list:
    return [message for message in outbox() if message.to == [address]]


def links_of(outbox, *, new="new@example.com", old="alice@example.com") -> tuple[dict, dict]:
    """The confirm link sent to the new address and the cancel link of the notice to the old."""
    [confirm] = sent_to(outbox, new)
    [notice] = [m for m in sent_to(outbox, old) if "cancel-email-change" in m.body]
    return emailed_link(confirm, "confirm-email-change"), emailed_link(
        notice, "cancel-email-change"
    )


def confirm(link: dict):
    return APIClient().post(CONFIRM, link, format="json")


def cancel(link: dict):
    return APIClient().post(CANCEL, link, format="json")


def email_of(user) -> str:
    user.refresh_from_db()
    return user.email


# --- Asking ---------------------------------------------------------------------------------


def test_a_request_sends_a_link_to_the_new_address_and_a_notice_to_the_old(logged_in, outbox):
    response = request_change(logged_in)

    assert response.status_code == 202
    assert "new address" in response.json()["detail"]
    [to_new] = sent_to(outbox, "new@example.com")
    [notice] = sent_to(outbox, "alice@example.com")
    assert to_new.subject == "Confirm your new email address"
    emailed_link(to_new, "confirm-email-change")
    assert "new@example.com" in notice.body and "cancel" in notice.body
    emailed_link(notice, "cancel-email-change")


def test_until_the_link_is_used_nothing_changes_and_the_new_address_is_nobodys(
    logged_in, user, outbox
):
    request_change(logged_in)

    assert email_of(user) == "alice@example.com"
    assert login(APIClient(), "alice@example.com").status_code == 200
    assert login(APIClient(), "new@example.com").status_code == 401
    # Not reserved: someone else may still sign up with it.
    signup = APIClient().post(
        SIGNUP,
        {"username": "bob", "email": "new@example.com", "password": PASSWORD},
        format="json",
    )
    assert signup.status_code == 201


@pytest.mark.parametrize("email", ["not-an-address", "", "a@", 42, None])
def test_a_malformed_address_is_a_field_error(logged_in, outbox, email):
    response = request_change(logged_in, email)

    assert response.status_code == 400
    assert "email" in response.json()
    assert outbox() == []


@pytest.mark.parametrize("spelling", ["bob@example.com", "BOB@Example.COM", "ｂｏｂ@example.com"])
def test_an_address_another_account_has_is_refused_in_any_spelling(
    logged_in, make_user, outbox, spelling
):
    make_user("bob", email="bob@example.com")

    response = request_change(logged_in, spelling)

    assert response.status_code == 400
    assert response.data["email"][0].code == "unique"
    assert outbox() == []


def test_the_accounts_own_address_is_refused(logged_in, outbox):
    response = request_change(logged_in, "ALICE@example.com")

    assert response.status_code == 400
    assert response.data["email"][0].code == "unchanged"


def test_a_request_needs_a_recent_authentication(logged_in, settings, outbox):
    settings.AUTH_REAUTHENTICATION_SECONDS = 60
    with later(61):
        refused = request_change(logged_in)
        assert refused.status_code == 401
        assert refused.json()["code"] == "reauthentication_required"
        assert not EmailChange.objects.exists()

        again = logged_in.post(REAUTHENTICATE, {"password": PASSWORD}, format="json")
        assert again.status_code == 200
        assert request_change(logged_in).status_code == 202


def test_a_request_needs_an_access_token_and_csrf(api, user):
    assert request_change(api).status_code == 401
    login(api)
    api.credentials()
    assert request_change(api).status_code == 403
    assert not EmailChange.objects.exists()


def test_requests_are_limited_per_account(logged_in, outbox):
    statuses = [request_change(logged_in, f"new{n}@example.com").status_code for n in range(4)]

    assert statuses == [202, 202, 202, 429]


# --- Confirming --------------------------------------------------------------------------------


def test_the_link_moves_the_account_to_the_new_address_which_counts_as_verified(
    logged_in, user, outbox
):
    request_change(logged_in)
    link, _ = links_of(outbox)

    response = confirm(link)

    assert response.status_code == 200
    assert response.json() == {"detail": "email changed"}
    user.refresh_from_db()
    assert (user.email, user.email_canonical, user.email_verified) == (
        "new@example.com",
        "new@example.com",
        True,
    )
    assert login(APIClient(), "new@example.com").status_code == 200
    assert login(APIClient(), "alice@example.com").status_code == 401
    # The sessions go on.
    assert logged_in.get("/api/auth/me/").json()["email"] == "new@example.com"


def test_the_old_address_is_told_once_the_change_is_made(logged_in, outbox):
    request_change(logged_in)
    link, _ = links_of(outbox)
    confirm(link)

    [changed] = [m for m in sent_to(outbox, "alice@example.com") if "cancel" not in m.body]
    assert changed.subject == "Your email address was changed"
    assert "alice@example.com" in changed.body and "new@example.com" in changed.body
    assert "token=" not in changed.body


def test_a_link_works_once(logged_in, outbox):
    request_change(logged_in)
    link, _ = links_of(outbox)

    assert confirm(link).status_code == 200
    again = confirm(link)
    assert again.status_code == 400
    assert again.json()["code"] == "invalid_link"


def test_a_link_for_one_new_address_cannot_confirm_another(logged_in, user, outbox):
    request_change(logged_in, "first@example.com")
    request_change(logged_in, "second@example.com")
    [first_message] = sent_to(outbox, "first@example.com")
    [second_message] = sent_to(outbox, "second@example.com")
    first = emailed_link(first_message, "confirm-email-change")
    second = emailed_link(second_message, "confirm-email-change")

    refused = confirm(first)
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_link"
    assert email_of(user) == "alice@example.com"
    assert confirm(second).status_code == 200
    assert email_of(user) == "second@example.com"


def test_asking_for_the_same_address_again_kills_the_earlier_link(logged_in, outbox):
    request_change(logged_in, "new@example.com")
    request_change(logged_in, "other@example.com")
    request_change(logged_in, "new@example.com")
    first, second = [
        emailed_link(m, "confirm-email-change") for m in sent_to(outbox, "new@example.com")
    ]

    assert confirm(first).json()["code"] == "invalid_link"
    assert confirm(second).status_code == 200


def test_a_tampered_or_foreign_link_is_refused(logged_in, make_user, outbox):
    request_change(logged_in)
    link, _ = links_of(outbox)
    bob = make_user("bob")

    for forged in (
        {**link, "token": link["token"][:-1] + ("a" if link["token"][-1] != "a" else "b")},
        {**link, "uid": urlsafe_base64_encode(force_bytes(bob.pk))},
        {**link, "uid": "!!!"},
        {"uid": link["uid"], "token": ""},
    ):
        response = confirm(forged)
        assert response.status_code == 400, forged
    assert confirm(link).status_code == 200
    assert email_of(bob) == "bob@example.com"


def test_an_expired_link_is_refused(logged_in, user, outbox, settings):
    request_change(logged_in)
    link, _ = links_of(outbox)

    with later(settings.PASSWORD_RESET_TIMEOUT + 60):
        response = confirm(link)

    assert response.json()["code"] == "invalid_link"
    assert email_of(user) == "alice@example.com"


def test_an_address_taken_meanwhile_makes_the_link_invalid(logged_in, user, make_user, outbox):
    request_change(logged_in)
    link, _ = links_of(outbox)
    make_user("bob", email="NEW@example.com")

    response = confirm(link)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_link"
    assert email_of(user) == "alice@example.com"
    assert User.objects.filter(email_canonical="new@example.com").count() == 1


def test_the_cancel_link_confirms_nothing_and_the_confirm_link_cancels_nothing(
    logged_in, user, outbox
):
    request_change(logged_in)
    link, cancel_link = links_of(outbox)

    assert confirm(cancel_link).json()["code"] == "invalid_link"
    assert cancel(link).json()["code"] == "invalid_link"
    assert EmailChange.objects.filter(user=user).exists()


def test_a_closed_or_deactivated_account_cannot_use_its_link(logged_in, user, outbox):
    request_change(logged_in)
    link, _ = links_of(outbox)
    user.is_active = False
    user.save()

    assert confirm(link).json()["code"] == "invalid_link"


def test_a_reset_link_sent_to_the_old_address_dies_with_the_change(logged_in, user, outbox):
    APIClient().post(PASSWORD_RESET, {"email": "alice@example.com"}, format="json")
    [reset_message] = [m for m in outbox() if "reset-password" in m.body]
    reset_link = emailed_link(reset_message, "reset-password")
    request_change(logged_in)
    link, _ = links_of(outbox)
    assert confirm(link).status_code == 200

    response = APIClient().post(
        PASSWORD_RESET_CONFIRM,
        {**reset_link, "new_password": "another-passphrase-9"},
        format="json",
    )
    assert response.json()["code"] == "invalid_link"


def test_confirming_needs_no_credential(logged_in, outbox):
    request_change(logged_in)
    link, _ = links_of(outbox)
    stranger = APIClient(enforce_csrf_checks=True)
    stranger.cookies["access_token"] = "stale-or-forged"

    assert stranger.post(CONFIRM, link, format="json").status_code == 200


# --- Cancelling -----------------------------------------------------------------------------------


def test_the_notice_cancels_the_change_and_the_link_to_the_new_address_dies(
    logged_in, user, outbox
):
    request_change(logged_in)
    link, cancel_link = links_of(outbox)

    response = cancel(cancel_link)

    assert response.status_code == 200
    assert response.json() == {"detail": "email change cancelled"}
    assert not EmailChange.objects.exists()
    assert confirm(link).json()["code"] == "invalid_link"
    assert email_of(user) == "alice@example.com"
    assert cancel(cancel_link).json()["code"] == "invalid_link"


# --- Races (parallel requests; on PostgreSQL in make test-postgres) ---------------------------


def _logged_in_client(name: str) -> APIClient:
    client = APIClient()
    assert login(client, name).status_code == 200
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return client


def test_two_accounts_confirming_one_address_at_once_end_with_one_owner(make_user, outbox):
    names = [f"racer{n}" for n in range(4)]
    links = []
    for name in names:
        make_user(name)
        assert request_change(_logged_in_client(name), "wanted@example.com").status_code == 202
    for message in sent_to(outbox, "wanted@example.com"):
        links.append(emailed_link(message, "confirm-email-change"))
    turn = iter(links)
    lock = threading.Lock()

    def confirm_one():
        with lock:
            link = next(turn)
        return confirm(link)

    replies = in_parallel(confirm_one, count=len(links))

    statuses = sorted(reply.status_code for reply in replies)
    assert statuses == [200, 400, 400, 400], [reply.content for reply in replies]
    assert all(r.json()["code"] == "invalid_link" for r in replies if r.status_code == 400)
    assert User.objects.filter(email_canonical="wanted@example.com").count() == 1


def test_a_confirmation_racing_a_signup_for_the_address_leaves_one_owner(make_user, outbox):
    make_user("alice")
    assert request_change(_logged_in_client("alice"), "wanted@example.com").status_code == 202
    [message] = sent_to(outbox, "wanted@example.com")
    link = emailed_link(message, "confirm-email-change")
    calls = iter(["confirm", "signup"] * 2)
    lock = threading.Lock()

    def either():
        with lock:
            call = next(calls)
        if call == "confirm":
            return confirm(link)
        return APIClient().post(
            SIGNUP,
            {
                "username": f"bob{threading.get_ident()}",
                "email": "wanted@example.com",
                "password": PASSWORD,
            },
            format="json",
        )

    replies = in_parallel(either, count=4)

    assert sum(reply.status_code in (200, 201) for reply in replies) == 1, [
        (reply.status_code, reply.content) for reply in replies
    ]
    assert User.objects.filter(email_canonical="wanted@example.com").count() == 1


def test_one_link_used_in_parallel_changes_the_address_once(logged_in, user, outbox):
    request_change(logged_in)
    link, _ = links_of(outbox)

    replies = in_parallel(lambda: confirm(link), count=6)

    assert sorted(reply.status_code for reply in replies) == [200] + [400] * 5
    assert email_of(user) == "new@example.com"
    assert len([m for m in sent_to(outbox, "alice@example.com") if "changed" in m.subject]) == 1


def test_parallel_requests_of_one_account_leave_one_pending_change_and_one_working_link(
    logged_in, user, outbox
):
    addresses = iter([f"tab{n}@example.com" for n in range(3)])
    lock = threading.Lock()
    csrf = logged_in.cookies["csrftoken"].value
    access = logged_in.cookies["access_token"].value

    def ask():
        with lock:
            address = next(addresses)
        client = APIClient()
        client.cookies["access_token"] = access
        client.cookies["csrftoken"] = csrf
        client.credentials(HTTP_X_CSRFTOKEN=csrf)
        return request_change(client, address)

    replies = in_parallel(ask, count=3)

    assert [reply.status_code for reply in replies] == [202] * 3
    assert EmailChange.objects.filter(user=user).count() == 1
    links = [
        emailed_link(message, "confirm-email-change")
        for n in range(3)
        for message in sent_to(outbox, f"tab{n}@example.com")
    ]
    outcomes = [confirm(link).status_code for link in links]
    assert sorted(outcomes) == [200, 400, 400]
    assert email_of(user) in {f"tab{n}@example.com" for n in range(3)}
