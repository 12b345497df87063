"""The account's self-service, its notifications and its emails in the language of the request
that caused them; what an operator causes in LANGUAGE_CODE; the codes the same in every language."""

import io
import re
from contextlib import contextmanager, nullcontext

import pyotp
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import account
from accounts.services.devices import device_describe
from tests.authenticator import SoftAuthenticator
from tests.conftest import (
    ME,
    PASSWORD,
    PASSWORD_CHANGE,
    PASSWORD_RESET,
    PASSWORD_RESET_CONFIRM,
    REFRESH,
    emailed_link,
    later,
    login,
)
from tests.test_languages import HANGUL, codes_of

pytestmark = pytest.mark.django_db(transaction=True)

CHANGE = "/api/auth/email/change/"
CONFIRM = "/api/auth/email/change/confirm/"
CANCEL = "/api/auth/email/change/cancel/"
TOTP = "/api/auth/mfa/totp/"
TOTP_CONFIRM = "/api/auth/mfa/totp/confirm/"
RECOVERY_CODES = "/api/auth/mfa/recovery-codes/"
VERIFY = "/api/auth/mfa/verify/"
PASSKEYS = "/api/auth/passkeys/"
REGISTER_OPTIONS = "/api/auth/passkeys/register/options/"
LOGIN = "/api/auth/login/"

NEW_PASSWORD = "a-brand-new-passphrase-42"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)

# Each email's subject: (Korean, English).
SUBJECTS = {
    "password_changed": ("비밀번호가 변경되었습니다", "Your password was changed"),
    "password_reset": ("비밀번호가 재설정되었습니다", "Your password was reset"),
    "email_changed": ("이메일 주소가 변경되었습니다", "Your email address was changed"),
    "account_closed": ("계정이 해지되었습니다", "Your account was closed"),
    "mfa_enrolled": (
        "계정에 2단계 인증 수단이 추가되었습니다",
        "A second factor was added to your account",
    ),
    "mfa_removed": (
        "계정에서 2단계 인증 수단이 삭제되었습니다",
        "A second factor was removed from your account",
    ),
    "recovery_code_used": ("복구 코드가 사용되었습니다", "A recovery code was used"),
    "recovery_codes_regenerated": ("새 복구 코드", "New recovery codes"),
    "refresh_reuse": ("계정의 세션 하나가 종료되었습니다", "A session of your account was ended"),
    "new_device": ("새 기기에서 계정에 로그인했습니다", "New sign-in to your account"),
    "email_change": ("새 이메일 주소를 확인하세요", "Confirm your new email address"),
    "email_change_notice": (
        "이메일 주소 변경이 요청되었습니다",
        "A change of your email address was requested",
    ),
}
# Words of an English sentence: none may be left in a Korean email.
_ENGLISH = re.compile(
    r"\b(?:the|your|you|was|were|is|of|and|to|from|if|it|this|link|account|when|device)\b", re.I
)
_TAG = re.compile(r"<[^>]+>")
_URL = re.compile(r"https?://\S+")


def headers(language) -> dict:
    return {} if language is None else {"HTTP_ACCEPT_LANGUAGE": language}


def korean(language) -> bool:
    return language is not None and language.lower().startswith("ko")


def of_kind(outbox, kind: str) -> list:
    return [m for m in outbox() if m.subject in SUBJECTS[kind]]


def assert_written_in(message, *, korean_expected: bool, kind: str) -> None:
    """Subject, text and HTML all in one language, Korean or English, and nothing of the other."""
    [(html, _)] = message.alternatives
    text_parts = [message.body, _TAG.sub(" ", html)]
    korean_subject, english_subject = SUBJECTS[kind]
    if korean_expected:
        assert message.subject == korean_subject
        assert '<html lang="ko">' in html
        for part in text_parts:
            assert HANGUL.search(part)
            leftovers = _ENGLISH.findall(_URL.sub("", part))
            assert leftovers == [], part
    else:
        assert message.subject == english_subject
        assert '<html lang="en">' in html
        for part in [message.subject, *text_parts]:
            assert not HANGUL.search(part), part


# --- Every notification, caused through the API ------------------------------------------------
#
# Each cause prepares in one language (``setup``) and causes the notification with a request in
# another (``cause``): the email follows the request that caused it, not the session's past.


def _code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(timezone.now()))


def _totp_enrolled(client, setup) -> list[str]:
    secret = client.post(TOTP, **setup).json()["secret"]
    response = client.post(TOTP_CONFIRM, {"code": _code(secret)}, format="json", **setup)
    assert response.status_code == 200, response.content
    return response.json()["recovery_codes"]


def _password_changed(client, setup, cause):
    body = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    return client.post(PASSWORD_CHANGE, body, format="json", HTTP_USER_AGENT=FIREFOX, **cause)


def _password_reset(client, setup, cause, outbox):
    APIClient().post(PASSWORD_RESET, {"email": "alice@example.com"}, format="json", **setup)
    [link_email] = [m for m in outbox() if "reset-password" in m.body]
    link = emailed_link(link_email, "reset-password")
    body = {**link, "new_password": NEW_PASSWORD}
    return APIClient().post(PASSWORD_RESET_CONFIRM, body, format="json", **cause)


def _email_changed(client, setup, cause, outbox):
    client.post(CHANGE, {"email": "new@example.com"}, format="json", **setup)
    [confirm_email] = [m for m in outbox() if m.to == ["new@example.com"]]
    link = emailed_link(confirm_email, "confirm-email-change")
    return APIClient().post(CONFIRM, link, format="json", **cause)


def _account_closed(client, setup, cause):
    return client.delete(ME, **cause)


def _totp_added(client, setup, cause):
    secret = client.post(TOTP, **setup).json()["secret"]
    return client.post(TOTP_CONFIRM, {"code": _code(secret)}, format="json", **cause)


def _passkey_added(client, setup, cause):
    options = client.post(REGISTER_OPTIONS, **setup).json()
    credential = SoftAuthenticator().create(options)
    body = {"name": "laptop", "credential": credential}
    return client.post(PASSKEYS, body, format="json", **cause)


def _totp_removed(client, setup, cause):
    _totp_enrolled(client, setup)
    return client.delete(TOTP, **cause)


def _recovery_code_used(client, setup, cause):
    codes = _totp_enrolled(client, setup)
    second = APIClient()
    step = second.post(LOGIN, {"username": "alice", "password": PASSWORD}, format="json", **setup)
    assert step.json()["code"] == "mfa_required"
    second.credentials(HTTP_X_CSRFTOKEN=step.cookies["csrftoken"].value)
    return second.post(VERIFY, {"recovery_code": codes[0]}, format="json", **cause)


def _recovery_codes_regenerated(client, setup, cause):
    _totp_enrolled(client, setup)
    return client.post(RECOVERY_CODES, **cause)


def _refresh_reused(client, setup, cause):
    stolen = client.cookies["refresh_token"].value
    assert APIClient().post(REFRESH, {"refresh": stolen}, format="json", **setup).status_code == 200
    with later(settings.AUTH_REFRESH_REUSE_GRACE.total_seconds() + 5):
        return APIClient().post(REFRESH, {"refresh": stolen}, format="json", **cause)


def _new_device(client, setup, cause):
    body = {"username": "alice", "password": PASSWORD}
    return APIClient().post(LOGIN, body, format="json", HTTP_USER_AGENT=SAFARI_IPHONE, **cause)


# kind, what causes it (logged in, as alice), its status, and words of the cause in each language.
CAUSES = {
    "password_changed": (_password_changed, 200, ("Windows의 Firefox", "Firefox on Windows")),
    "password_reset": (_password_reset, 200, None),
    "email_changed": (_email_changed, 200, ("new@example.com", "new@example.com")),
    "account_closed": (_account_closed, 204, ("alice", "alice")),
    "mfa_enrolled:totp": (_totp_added, 200, ("인증 앱", "An authenticator app was added")),
    "mfa_enrolled:passkey": (_passkey_added, 201, ("패스키", "A passkey was added")),
    "mfa_removed": (_totp_removed, 204, ("인증 앱", "An authenticator app was removed")),
    "recovery_code_used": (_recovery_code_used, 200, None),
    "recovery_codes_regenerated": (_recovery_codes_regenerated, 200, None),
    "refresh_reuse": (_refresh_reused, 401, ("알 수 없는 기기", "an unknown device")),
    "new_device": (_new_device, 200, ("iPhone의 Safari", "Safari on iPhone")),
}
_WITH_OUTBOX = {"password_reset", "email_changed"}


@pytest.mark.parametrize("cause_language", ["ko", "ko-KR,ko;q=0.9", None, "en", "fr"])
@pytest.mark.parametrize("case", sorted(CAUSES))
def test_each_notification_is_written_in_the_language_of_the_request_that_caused_it(
    user, outbox, case, cause_language
):
    kind = case.partition(":")[0]
    make, status, words = CAUSES[case]
    # The preparation speaks the other language: only the cause decides.
    setup = headers("en" if korean(cause_language) else "ko")
    cause = headers(cause_language)
    client = APIClient()
    assert login(client, **setup).status_code == 200
    extra = (outbox,) if case in _WITH_OUTBOX else ()

    response = make(client, setup, cause, *extra)

    assert response.status_code == status, response.content
    [message] = of_kind(outbox, kind)
    assert message.to == ["alice@example.com"]  # email_changed: the old address
    assert_written_in(message, korean_expected=korean(cause_language), kind=kind)
    if korean(cause_language):
        assert message.body.startswith("alice님, 안녕하세요.")
        assert "일시: " in message.body
    else:
        assert message.body.startswith("Hello alice,")
        assert "When: " in message.body
    if words is not None:
        assert words[0 if korean(cause_language) else 1] in message.body


def test_a_korean_notification_names_the_device_and_address_in_korean(logged_in, outbox):
    logged_in.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
        HTTP_USER_AGENT=FIREFOX,
        HTTP_ACCEPT_LANGUAGE="ko",
        REMOTE_ADDR="203.0.113.7",
    )

    [message] = of_kind(outbox, "password_changed")
    assert "기기: Windows의 Firefox\nIP 주소: 203.0.113.7\n" in message.body
    [(html, _)] = message.alternatives
    assert "<li>기기: Windows의 Firefox</li>" in html
    assert '<a href="http://localhost:3000/sessions">내 세션</a>' in html


def test_a_device_is_described_in_the_current_language(db):
    with translation.override("ko"):
        assert device_describe("") == "알 수 없는 기기"
        assert device_describe(SAFARI_IPHONE) == "iPhone의 Safari"
    assert device_describe("") == "an unknown device"
    assert device_describe(SAFARI_IPHONE) == "Safari on iPhone"


def test_an_address_in_a_translated_text_email_is_not_html_escaped(make_user, outbox):
    make_user("bob", email="o'brien&co@example.com")
    client = APIClient()
    login(client, "bob")

    client.post(CHANGE, {"email": "new@example.com"}, format="json")
    [confirm_email] = [m for m in outbox() if m.to == ["new@example.com"]]
    link = emailed_link(confirm_email, "confirm-email-change")
    APIClient().post(CONFIRM, link, format="json", HTTP_ACCEPT_LANGUAGE="ko")

    [message] = of_kind(outbox, "email_changed")
    assert message.subject == SUBJECTS["email_changed"][0]
    assert "o'brien&co@example.com에서 new@example.com(으)로 변경되었습니다" in message.body
    [(html, _)] = message.alternatives
    assert "o&#x27;brien&amp;co@example.com" in html


# --- The change of address: request, notice, cancel --------------------------------------------


@pytest.mark.parametrize("language", ["ko", None, "fr"])
def test_the_change_of_address_emails_follow_the_request(logged_in, outbox, language):
    response = logged_in.post(
        CHANGE, {"email": "new@example.com"}, format="json", **headers(language)
    )

    assert response.status_code == 202
    [request_email] = of_kind(outbox, "email_change")
    [notice] = of_kind(outbox, "email_change_notice")
    assert request_email.to == ["new@example.com"] and notice.to == ["alice@example.com"]
    for message, kind in ((request_email, "email_change"), (notice, "email_change_notice")):
        assert_written_in(message, korean_expected=korean(language), kind=kind)
    if korean(language):
        assert response.json()["detail"] == (
            "변경을 확인하는 링크가 새 이메일 주소로 발송됩니다. "
            "링크를 쓰기 전까지는 지금의 주소가 그대로 유효합니다."
        )
        assert "이 링크는 1시간 동안 유효합니다." in request_email.body
        assert (
            "new@example.com" in notice.body
            and "이메일 주소 변경 취소하기</a>" in (notice.alternatives[0][0])
        )
    else:
        assert response.json()["detail"].startswith("A link to confirm the change is on its way")
        assert "The link works for 1\xa0hour." in notice.body  # timeuntil's non-breaking space


def test_the_links_of_korean_emails_work_and_answer_in_the_language_of_their_own_request(
    logged_in, user, outbox
):
    logged_in.post(CHANGE, {"email": "new@example.com"}, format="json", HTTP_ACCEPT_LANGUAGE="ko")
    [notice] = of_kind(outbox, "email_change_notice")
    cancel_link = emailed_link(notice, "cancel-email-change")

    cancelled = APIClient().post(CANCEL, cancel_link, format="json", HTTP_ACCEPT_LANGUAGE="ko")
    again = APIClient().post(CANCEL, cancel_link, format="json", HTTP_ACCEPT_LANGUAGE="ko")

    assert cancelled.json() == {"detail": "이메일 주소 변경이 취소되었습니다"}
    assert again.json() == {
        "detail": "유효하지 않거나 만료되었거나 이미 사용된 링크입니다.",
        "code": "invalid_link",
    }

    logged_in.post(CHANGE, {"email": "new@example.com"}, format="json", HTTP_ACCEPT_LANGUAGE="ko")
    [_, second] = of_kind(outbox, "email_change")
    link = emailed_link(second, "confirm-email-change")
    confirmed = APIClient().post(CONFIRM, link, format="json", HTTP_ACCEPT_LANGUAGE="ko")
    assert confirmed.json() == {"detail": "이메일 주소가 변경되었습니다"}
    user.refresh_from_db()
    assert user.email == "new@example.com"


def test_success_details_of_the_account_are_english_by_default(logged_in, outbox):
    logged_in.post(CHANGE, {"email": "new@example.com"}, format="json")
    [request_email] = of_kind(outbox, "email_change")

    confirmed = APIClient().post(
        CONFIRM, emailed_link(request_email, "confirm-email-change"), format="json"
    )

    assert confirmed.json() == {"detail": "email changed"}


# --- The self-service's refusals ---------------------------------------------------------------


@contextmanager
def stale(client):
    """Past the re-authentication window, with a fresh access token."""
    with later(settings.AUTH_REAUTHENTICATION_SECONDS + 60):
        assert client.post(REFRESH).status_code == 200
        yield


REFUSALS = {
    "me: the address": ("patch", ME, {"email": "x@example.com"}, "이메일 주소는 POST"),
    "me: a field of staff": ("patch", ME, {"is_staff": True}, "이 항목은 바꿀 수 없습니다."),
    "me: a taken username": ("patch", ME, {"username": "BOB"}, "해당 사용자 이름은 이미 존재"),
    "me: a bad username": ("patch", ME, {"username": "a b"}, "사용자 이름은 문자, 숫자와"),
    "me: a name too long": ("patch", ME, {"first_name": "x" * 151}, "150"),
    "me: not a string": ("patch", ME, {"last_name": 5}, None),
    "change: its own address": ("post", CHANGE, {"email": "ALICE@example.com"}, "이미 이 계정"),
    "change: a taken address": ("post", CHANGE, {"email": "bob@example.com"}, "이미 존재합니다"),
    "change: no address": ("post", CHANGE, {"email": "nope"}, "유효한 이메일 주소"),
    "change: nothing": ("post", CHANGE, {}, None),
    "confirm: a bad link": ("post", CONFIRM, {"uid": "MQ", "token": "x"}, "유효하지 않거나"),
    "confirm: no token": ("post", CONFIRM, {"uid": "MQ"}, None),
    "cancel: a bad link": ("post", CANCEL, {"uid": "MQ", "token": "x"}, "유효하지 않거나"),
    "cancel: a number": ("post", CANCEL, {"uid": 1, "token": "x"}, None),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_the_refusals_of_the_self_service_are_korean_with_the_same_codes(
    logged_in, make_user, name
):
    make_user("bob")
    method, path, body, korean_words = REFUSALS[name]

    def answer(language):
        cache.clear()  # each as a first attempt, within the limit of requests
        return getattr(logged_in, method)(path, body, format="json", **headers(language))

    answers = {language: answer(language) for language in [None, "en", "ko", "fr"]}

    assert {codes_of(answer)[0] for answer in answers.values()} == {400}
    assert len({repr(codes_of(answer)) for answer in answers.values()}) == 1
    ko, en = answers["ko"].json(), answers["en"].json()
    assert ko["detail"] != en["detail"] and HANGUL.search(ko["detail"])
    assert all(HANGUL.search(error["message"]) for error in ko.get("errors", []))
    assert not any(HANGUL.search(error["message"]) for error in en.get("errors", []))
    if korean_words is not None:
        assert korean_words in repr(ko)


def test_a_request_that_needs_a_recent_authentication_is_refused_in_korean(logged_in):
    with stale(logged_in):
        answers = [
            logged_in.post(CHANGE, {"email": "new@example.com"}, format="json", **headers(lang))
            for lang in ("ko", "en")
        ] + [logged_in.delete(ME, **headers(lang)) for lang in ("ko", "en")]

    assert [a.status_code for a in answers] == [401] * 4
    assert {a.json()["code"] for a in answers} == {"reauthentication_required"}
    assert (
        answers[0].json()["detail"] == "이 작업에는 최근 인증이 필요합니다. 먼저 다시 인증하세요."
    )
    assert answers[2].json() == answers[0].json()
    assert answers[1].json()["detail"].startswith("This action needs a recent authentication")
    assert User.objects.get(username="alice").is_active


def test_too_many_changes_of_address_are_refused_in_korean(logged_in, outbox):
    statuses = [
        logged_in.post(CHANGE, {"email": f"new{n}@example.com"}, format="json").status_code
        for n in range(3)
    ]
    korean_answer = logged_in.post(
        CHANGE, {"email": "new9@example.com"}, format="json", HTTP_ACCEPT_LANGUAGE="ko"
    )
    english_answer = logged_in.post(CHANGE, {"email": "new9@example.com"}, format="json")

    assert statuses == [202, 202, 202]
    assert (korean_answer.status_code, english_answer.status_code) == (429, 429)
    assert korean_answer.json()["code"] == english_answer.json()["code"] == "throttled"
    assert korean_answer.json()["detail"].startswith("요청이 제한되었습니다.")
    assert english_answer.json()["detail"].startswith("Request was throttled.")


def test_a_username_taken_in_a_race_is_refused_in_the_current_language(user, make_user):
    # The serializer's check passed; another account took the name before the save.
    make_user("bob")
    with translation.override("ko"), pytest.raises(ValidationError) as refused:
        account.user_profile_update(user=user, username="bob")

    assert refused.value.detail == {"username": ["해당 사용자 이름은 이미 존재합니다."]}
    assert refused.value.detail["username"][0].code == "unique"


# --- What an operator causes: LANGUAGE_CODE ------------------------------------------------------


def _closed_by_the_admin(admin_client, bob):
    return admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "close_accounts", "_selected_action": [str(bob.pk)]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="ko",
    )


def test_an_account_closed_by_a_korean_admin_is_told_in_the_default_language(
    admin_client, make_user, outbox
):
    # The admin's language is theirs, not the owner's, whom the service knows no language of.
    bob = make_user("bob")

    response = _closed_by_the_admin(admin_client, bob)

    assert "계정 1개를 해지했습니다." in response.content.decode()
    [message] = of_kind(outbox, "account_closed")
    assert message.to == ["bob@example.com"]
    assert_written_in(message, korean_expected=False, kind="account_closed")
    # The admin's own page goes on in Korean.
    assert response["Content-Language"] == "ko"


@override_settings(LANGUAGE_CODE="ko")
def test_the_default_language_is_language_code_not_english(admin_client, make_user, outbox):
    bob = make_user("bob")

    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "close_accounts", "_selected_action": [str(bob.pk)]},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    [message] = of_kind(outbox, "account_closed")
    assert_written_in(message, korean_expected=True, kind="account_closed")


def test_a_password_set_by_a_korean_admin_is_told_in_the_default_language(
    admin_client, make_user, outbox
):
    bob = make_user("bob")

    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[bob.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="ko",
    )

    assert response.status_code == 302, response.content
    [message] = of_kind(outbox, "password_changed")
    assert message.to == ["bob@example.com"]
    assert_written_in(message, korean_expected=False, kind="password_changed")


def test_the_admins_action_messages_are_in_the_admins_language(admin_client, make_user):
    bob = make_user("bob")
    for _ in range(2):
        login(APIClient(), "bob")

    revoked = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "revoke_all_sessions", "_selected_action": [str(bob.pk)]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="ko",
    )
    reset = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "remove_second_factors", "_selected_action": [str(bob.pk)]},
        follow=True,
    )
    page = admin_client.get(reverse("admin:accounts_user_changelist"), HTTP_ACCEPT_LANGUAGE="ko")
    login(APIClient(), "bob")
    user_page = reverse("admin:accounts_user_change", args=[bob.pk])
    button = admin_client.get(user_page, HTTP_ACCEPT_LANGUAGE="ko")
    pressed = admin_client.post(
        reverse("admin:accounts_user_revoke_sessions", args=[bob.pk]),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="ko",
    )

    assert "세션 2개를 종료했습니다." in revoked.content.decode()
    assert "Removed the second factors of 1 user; they log in" in reset.content.decode()
    assert "선택한 계정 해지(세션 종료, 데이터 삭제)" in page.content.decode()
    assert "모든 세션 종료</button>" in button.content.decode()
    # The admin capitalises a message's first letter: the Korean names the user after a word.
    assert "사용자 bob의 세션 1개를 종료했습니다." in pressed.content.decode()


@pytest.mark.parametrize("active", [None, "ko"])
def test_manage_py_changepassword_tells_the_owner_in_the_default_language(
    user, outbox, monkeypatch, active
):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)

    with translation.override(active) if active else nullcontext():
        call_command("changepassword", "alice", stdout=io.StringIO())

    [message] = of_kind(outbox, "password_changed")
    assert_written_in(message, korean_expected=False, kind="password_changed")


def test_an_email_written_with_no_language_active_is_written_in_language_code(user, outbox):
    from accounts.services.notifications import notify

    with translation.override(None):  # as under Django's @no_translations commands
        notify(user=user, kind="recovery_codes_regenerated")

    [message] = of_kind(outbox, "recovery_codes_regenerated")
    assert_written_in(message, korean_expected=False, kind="recovery_codes_regenerated")


# --- The health check ----------------------------------------------------------------------------


def test_the_health_checks_email_warning_follows_the_language(user, settings):
    settings.AUTH_EMAIL_DELIVERY = "worker"
    APIClient().post(PASSWORD_RESET, {"email": user.email}, format="json")
    APIClient().post(PASSWORD_RESET, {"email": user.email}, format="json")

    with later(settings.AUTH_EMAIL_BACKLOG_WARNING_SECONDS + 1):
        korean_answer = APIClient().get("/healthz/", HTTP_ACCEPT_LANGUAGE="ko")
        english_answer = APIClient().get("/healthz/")

    threshold = settings.AUTH_EMAIL_BACKLOG_WARNING_SECONDS
    assert korean_answer.json()["warning"].startswith(
        f"이메일 2통이 {threshold}초 넘게 발송되지 않았습니다(가장 오래된 것: "
    )
    assert english_answer.json()["warning"].startswith(
        f"2 emails undelivered for over {threshold} s (the oldest since "
    )
    assert korean_answer.json()["email_backlog"] == english_answer.json()["email_backlog"] == 2
    assert "Accept-Language" in korean_answer["Vary"]
