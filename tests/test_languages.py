"""Answers and emails in the language of Accept-Language: English by default, Korean besides;
the codes the same in every language."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from rest_framework.test import APIClient

from accounts import emails
from tests.conftest import (
    EMAIL_VERIFY,
    LOGIN,
    ME,
    PASSWORD,
    PASSWORD_CHANGE,
    PASSWORD_RESET,
    PASSWORD_RESET_CONFIRM,
    SIGNUP,
    emailed_link,
    login,
)

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "accounts" / "locale" / "ko" / "LC_MESSAGES"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
UNSUPPORTED = ["fr", "de-DE,de;q=0.9", "xx", "*", "zz;q=0.5", ";;q=,,", "ko-KP-x-garbage;q=abc"]

WEAK_SIGNUP = {"username": "a b", "email": "nope", "password": "12345"}


def post(path, body, language=None, client=None):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language is not None else {}
    return (client or APIClient()).post(path, body, format="json", **headers)


def codes_of(response) -> list:
    """What a client branches on: the status, the code, and each field error's field and code."""
    body = response.json()
    return [
        response.status_code,
        body.get("code") if isinstance(body.get("code"), str) else None,
        [(error["field"], error["code"]) for error in body.get("errors", [])],
    ]


# --- The language of an answer -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["ko", "ko-KR", "ko-KR,ko;q=0.9,en;q=0.8", "fr,ko;q=0.5"])
def test_korean_is_answered_in_korean(db, language):
    response = post(SIGNUP, WEAK_SIGNUP, language)

    body = response.json()
    assert response["Content-Language"] == "ko"
    # Django's validators, DRF's summary and the service's own rules alike.
    assert body["password"][0] == "이 비밀번호는 너무 짧습니다. 최소 8자 이상이어야 합니다."
    assert body["email"] == ["유효한 이메일 주소를 입력하세요."]
    assert body["username"] == [
        "사용자 이름은 문자, 숫자와 . + - _ 만으로 입력하세요(공백과 @는 쓸 수 없습니다)."
    ]
    assert body["detail"] == "유효하지 않은 입력입니다."
    assert all(HANGUL.search(error["message"]) for error in body["errors"])


@pytest.mark.parametrize("language", [None, "en", "en-GB", "EN-us"])
def test_english_is_the_default(db, language):
    response = post(SIGNUP, WEAK_SIGNUP, language)

    body = response.json()
    assert response["Content-Language"] == "en"
    assert body["username"] == [
        "Enter a username of letters, digits and . + - _ only (no spaces, no @)."
    ]
    assert body["detail"] == "Invalid input."


@pytest.mark.parametrize("language", UNSUPPORTED)
def test_an_unsupported_language_gets_english(db, language):
    response = post(SIGNUP, WEAK_SIGNUP, language)

    assert response["Content-Language"] == "en"
    assert response.json()["email"] == ["Enter a valid email address."]
    assert not any(HANGUL.search(e["message"]) for e in response.json()["errors"])


def test_a_long_header_is_read_as_django_reads_it_and_not_cached(db):
    from config.locale import _language_chosen

    korean_late = "x-" + "a" * 600 + ",ko"
    korean_early = "ko," + ",".join(["x-padding"] * 100)
    before = _language_chosen.cache_info().currsize

    assert post(SIGNUP, WEAK_SIGNUP, korean_late)["Content-Language"] == "en"
    assert post(SIGNUP, WEAK_SIGNUP, korean_early)["Content-Language"] == "ko"
    assert _language_chosen.cache_info().currsize == before


def test_the_languages_are_only_those_the_service_is_translated_into(db):
    # Django speaks French, the service does not: no answer half in French.
    assert [code for code, _ in settings.LANGUAGES] == ["en", "ko"]
    assert post(SIGNUP, WEAK_SIGNUP, "fr").json()["email"] == ["Enter a valid email address."]


def test_a_language_cookie_does_not_count(db):
    # A cookie may come from a sibling host of the domain; the header alone decides.
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"

    english = post(SIGNUP, WEAK_SIGNUP, None, client)
    korean = post(SIGNUP, WEAK_SIGNUP, "ko", client)

    assert (english["Content-Language"], korean["Content-Language"]) == ("en", "ko")


def test_a_korean_answer_does_not_carry_over_to_the_next_request(db):
    client = APIClient()
    post(SIGNUP, WEAK_SIGNUP, "ko", client)

    response = post(SIGNUP, WEAK_SIGNUP, None, client)

    assert response.json()["detail"] == "Invalid input."


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"path": LOGIN, "body": {"username": "alice", "password": "wrong"}},
        {"path": LOGIN, "body": {"username": 5}},
        {"path": "/api/auth/refresh/", "body": {}},
        {"path": "/api/auth/mfa/verify/", "body": {"code": 5, "credential": "x"}},
        {"path": "/api/auth/mfa/verify/", "body": {"code": "123456"}},
        {"path": PASSWORD_RESET_CONFIRM, "body": {"uid": "MQ", "token": "x", "new_password": "x"}},
        {"path": EMAIL_VERIFY, "body": {"uid": "", "token": 3}},
        {"path": SIGNUP, "body": WEAK_SIGNUP},
    ],
)
def test_the_codes_are_the_same_in_every_language(user, request_kwargs):
    answers = {
        language: post(request_kwargs["path"], request_kwargs["body"], language)
        for language in [None, "en", "ko", "fr"]
    }

    assert len({repr(codes_of(answer)) for answer in answers.values()}) == 1
    assert answers["ko"].json()["detail"] != answers["en"].json()["detail"]


def test_refusals_of_the_plumbing_are_translated_too(user):
    not_authenticated = APIClient().get(ME, HTTP_ACCEPT_LANGUAGE="ko")
    unknown_path = APIClient().get("/api/nowhere/", HTTP_ACCEPT_LANGUAGE="ko")
    not_json = APIClient().post(
        SIGNUP, "{", content_type="application/json", HTTP_ACCEPT_LANGUAGE="ko"
    )
    other_host = APIClient().get(ME, HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="ko")

    assert not_authenticated.json() == {
        "detail": "자격 인증 데이터가 제공되지 않았습니다.",
        "code": "not_authenticated",
    }
    assert unknown_path.json() == {"detail": "찾을 수 없습니다.", "code": "not_found"}
    assert not_json.json()["code"] == "parse_error"
    assert not_json.json()["detail"].startswith("JSON 구문 오류 - ")
    assert other_host.json() == {
        "detail": "이 서비스는 해당 호스트 이름에 응답하지 않습니다.",
        "code": "disallowed_host",
    }


def test_a_csrf_refusal_is_translated_with_its_reason(api, user):
    login(api)
    api.credentials(HTTP_ACCEPT_LANGUAGE="ko")  # and no X-CSRFToken

    response = api.post("/api/auth/logout-all/")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "CSRF 검증 실패: CSRF 토큰이 없습니다.",
        "code": "csrf_failed",
    }


def test_success_details_follow_the_language_too(user):
    client = APIClient()
    korean = login(client, HTTP_ACCEPT_LANGUAGE="ko")
    change = client.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password": PASSWORD + "-2"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ko",
    )

    assert korean.json()["detail"] == "로그인했습니다"
    assert change.json() == {"detail": "비밀번호가 변경되었습니다"}
    assert login(APIClient(), password=PASSWORD + "-2").json()["detail"] == "login success"


def test_answers_a_cache_may_keep_vary_by_language(db):
    health = APIClient().get("/healthz/", HTTP_ACCEPT_LANGUAGE="ko")
    api = APIClient().get(ME, HTTP_ACCEPT_LANGUAGE="ko")

    assert health["Content-Language"] == "ko"
    assert "Accept-Language" in health["Vary"]
    # Nothing under /api/ is stored by a cache, so nothing there varies for one.
    assert api["Content-Language"] == "ko"
    assert "no-store" in api["Cache-Control"]
    assert "Accept-Language" not in api.get("Vary", "")


def test_static_files_and_the_docs_do_not_vary_by_language(db):
    response = APIClient().get("/swagger.json", HTTP_ACCEPT_LANGUAGE="ko")

    assert response.status_code == 200
    assert "Content-Language" not in response
    assert "Accept-Language" not in response.get("Vary", "")
    # Written in the default language whatever the request asks for.
    assert "A sentence, in the language of Accept-Language." in response.content.decode()


# --- Emails --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_reset_email_is_written_in_the_language_of_its_request(user, outbox):
    response = post(PASSWORD_RESET, {"email": user.email}, "ko")

    assert (
        response.json()["detail"]
        == "이 주소를 쓰는 활성 계정이 있다면 비밀번호 재설정 링크가 발송됩니다."
    )
    [message] = outbox()
    assert message.subject == "비밀번호 재설정"
    assert message.body.startswith("alice님, 안녕하세요.")
    assert "이 링크는 1시간 동안 한 번만 쓸 수 있습니다." in message.body
    [(html, _)] = message.alternatives
    assert '<html lang="ko">' in html
    assert "비밀번호 재설정하기</a>" in html
    # The link itself works as in any language.
    link = emailed_link(message, "reset-password")
    confirmed = post(PASSWORD_RESET_CONFIRM, {**link, "new_password": "a-new-passphrase-7"})
    assert confirmed.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_each_email_keeps_its_own_language_on_the_shared_workers(make_user, outbox):
    # The worker threads serve every request: a Korean message must not make the next
    # one Korean, nor the other way round.
    users = [make_user(f"user{i}") for i in range(4)]
    languages = ["ko", "en", "ko", None]
    for user, language in zip(users, languages, strict=True):
        assert post(PASSWORD_RESET, {"email": user.email}, language).status_code == 202

    subjects = {message.to[0]: message.subject for message in outbox()}

    assert subjects == {
        users[0].email: "비밀번호 재설정",
        users[1].email: "Reset your password",
        users[2].email: "비밀번호 재설정",
        users[3].email: "Reset your password",
    }


@pytest.mark.django_db(transaction=True)
@override_settings(AUTH_EMAIL_VERIFICATION="optional")
def test_the_verification_email_of_a_korean_signup_is_korean(db, outbox):
    body = {"username": "minji", "email": "minji@example.com", "password": PASSWORD}
    assert post(SIGNUP, body, "ko-KR").status_code == 201

    [message] = outbox()

    assert message.subject == "이메일 주소를 확인하세요"
    assert "이 이메일 주소가 회원님의 주소인지 확인하려면 다음 링크를 여세요:" in message.body
    emailed_link(message, "verify-email")


@pytest.mark.django_db(transaction=True)
def test_an_english_email_is_english_whatever_the_worker_last_wrote(user, outbox):
    with translation.override("ko"):
        # As if a worker thread had just written a Korean message.
        emails.email_send(template="password_reset", user=user, context={"link": "x"})
    post(PASSWORD_RESET, {"email": user.email}, "en")

    first, second = outbox()

    assert (first.subject, second.subject) == ("비밀번호 재설정", "Reset your password")
    assert "Hello alice," in second.body


# --- The catalogue -----------------------------------------------------------------------------


def _unquote(parts: list[str]) -> str:
    return "".join(ast.literal_eval(part) for part in parts)


def _po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file; of a plural entry, its one Korean form (nplurals=1)."""
    entries, key, current = {}, None, {}
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ")):
            key, _, rest = line.partition(" ")
            current[key.replace("[0]", "")] = [rest]
        elif line.startswith('"') and key:
            current[key.replace("[0]", "")].append(line)
        elif not line.strip():
            if "msgid" in current:
                msgid, msgstr = current["msgid"], current.get("msgstr", ['""'])
                entries[_unquote(msgid)] = _unquote(msgstr)
                if "msgid_plural" in current:
                    _PLURALS[_unquote(msgid)] = _unquote(current["msgid_plural"])
            key, current = None, {}
    entries.pop("", None)
    return entries


_PLURALS: dict[str, str] = {}


def test_every_message_of_the_catalogue_is_translated():
    entries = _po_entries(CATALOGUE / "django.po")

    assert len(entries) > 50
    untranslated = [msgid for msgid, msgstr in entries.items() if not msgstr]
    assert untranslated == []
    for msgid, msgstr in entries.items():
        # Every placeholder survives the translation.
        assert sorted(re.findall(r"%\(\w+\)\w", msgid)) == sorted(
            re.findall(r"%\(\w+\)\w", msgstr)
        ), msgid


def test_the_compiled_catalogue_is_the_committed_one():
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    entries = _po_entries(CATALOGUE / "django.po")

    compiled = {
        msgid: catalogue.ngettext(msgid, _PLURALS[msgid], 1)
        if msgid in _PLURALS
        else catalogue.gettext(msgid)
        for msgid in entries
    }

    assert compiled == entries, "django.mo is older than django.po: run `make messages`"


_SOURCE_MESSAGE = re.compile(r"""\b(?:gettext|gettext_lazy|_)\(\s*"((?:[^"\\]|\\.)*)"\s*\)""")
_TEMPLATE_MESSAGE = re.compile(r"""\{% translate "([^"]*)" %\}""")


def test_every_message_of_the_source_is_in_the_catalogue():
    entries = _po_entries(CATALOGUE / "django.po")
    found = set()
    for source in [*(ROOT / "accounts").rglob("*.py"), *(ROOT / "config").rglob("*.py")]:
        if "migrations" not in source.parts:
            found |= {_unquote([f'"{m}"']) for m in _SOURCE_MESSAGE.findall(source.read_text())}
    for template in (ROOT / "accounts" / "templates").rglob("*.*"):
        found |= set(_TEMPLATE_MESSAGE.findall(template.read_text()))

    assert len(found) > 40
    assert sorted(found - set(entries)) == [], "run `make messages` and translate"
