"""Forged, expired and confused tokens are 401s, never 500s, and never block public endpoints."""

import base64
import json
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tests.conftest import ME, cookie, decode, later, login, sign


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.fixture
def claims(logged_in):
    return decode(cookie(logged_in, "access_token"))


def forged_tokens(claims: dict) -> dict[str, str]:
    header = {"alg": "HS256", "typ": "JWT"}
    real = sign(claims)
    head, payload, signature = real.split(".")
    return {
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        "another key": jwt.encode(
            claims, "another-key-another-key-another-key!", algorithm="HS256"
        ),
        "tampered payload": f"{head}.{b64({**claims, 'user_id': '999'})}.{signature}",
        "HS512 with our key": sign(claims, algorithm="HS512"),
        "unknown crit header": sign(claims, headers={**header, "crit": ["x-ext"], "x-ext": True}),
        "no signature": f"{head}.{payload}",
        "not base64": "%%%.%%%.%%%",
        "empty parts": "..",
    }


FORGERIES = list(forged_tokens({"a": 1}))


@pytest.mark.parametrize("kind", FORGERIES)
@pytest.mark.parametrize("carrier", ["cookie", "header"])
def test_forged_access_tokens_are_refused(claims, kind, carrier):
    token = forged_tokens(claims)[kind]
    client = APIClient()
    if carrier == "cookie":
        client.cookies["access_token"] = token
    else:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = client.get(ME)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_an_expired_access_token_is_refused(logged_in):
    with later(301):
        response = logged_in.get(ME)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_a_refresh_token_is_refused_as_an_access_token(logged_in):
    refresh = cookie(logged_in, "refresh_token")

    by_cookie = APIClient()
    by_cookie.cookies["access_token"] = refresh
    by_header = APIClient(HTTP_AUTHORIZATION=f"Bearer {refresh}")

    assert by_cookie.get(ME).status_code == 401
    assert by_header.get(ME).status_code == 401


def test_a_token_without_a_session_is_refused(user):
    # A plain SimpleJWT token, valid signature, but no sid claim.
    token = str(AccessToken.for_user(user))

    response = APIClient(HTTP_AUTHORIZATION=f"Bearer {token}").get(ME)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_a_token_of_an_unknown_session_is_refused(claims):
    token = sign({**claims, "sid": "00000000-0000-4000-8000-000000000000"})

    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {token}").get(ME).status_code == 401


def test_a_token_naming_another_users_session_is_refused(claims, make_user):
    other = make_user("mallory")
    token = sign({**claims, "user_id": str(other.id)})

    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {token}").get(ME).status_code == 401


@pytest.mark.parametrize("value", ["tökén", "a b c", "Bearer", "\x7f"], ids=repr)
def test_an_odd_access_cookie_is_a_401_not_a_500(db, value):
    client = APIClient()
    client.cookies["access_token"] = value

    response = client.get(ME)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_non_latin1_bytes_in_the_cookie_header_are_a_401(db):
    # What a browser sends for a UTF-8 cookie value: the WSGI server decodes it as Latin-1.
    raw = "access_token=\u00e6\u0097\u00a5".encode("latin-1").decode("latin-1")

    response = APIClient().get(ME, HTTP_COOKIE=raw)

    assert response.status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer a b", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000]
)
def test_malformed_authorization_headers_are_401(db, header):
    response = APIClient(HTTP_AUTHORIZATION=header).get(ME)

    assert response.status_code == 401


def test_no_token_is_not_authenticated(db):
    response = APIClient().get(ME)

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "method, path, body",
    [
        (
            "post",
            "/api/auth/signup/",
            {"username": "new", "email": "new@example.com", "password": "a-long-enough-passphrase"},
        ),
        (
            "post",
            "/api/auth/login/",
            {"username": "alice", "password": "correct-horse-battery-staple"},
        ),
        ("post", "/api/auth/refresh/", "REFRESH"),
        ("post", "/api/auth/logout/", "REFRESH"),
        ("get", "/api/auth/csrf/", None),
        ("get", "/healthz/", None),
        ("get", "/swagger.json", None),
        ("get", "/swagger/", None),
        ("get", "/redoc/", None),
    ],
)
@pytest.mark.parametrize("stale", ["expired", "forged"])
def test_a_stale_access_cookie_never_blocks_a_public_endpoint(user, method, path, body, stale):
    fresh = login(APIClient())
    client = APIClient()
    if stale == "expired":
        with later(-3600):
            client.cookies["access_token"] = login(APIClient()).cookies["access_token"].value
    else:
        client.cookies["access_token"] = forged_tokens(decode(fresh.cookies["access_token"].value))[
            "another key"
        ]
    if body == "REFRESH":
        body = {"refresh": fresh.cookies["refresh_token"].value}

    response = getattr(client, method)(path, body, format="json")

    assert response.status_code < 400, response.content


def test_the_access_token_expiry_is_its_lifetime(logged_in, claims):
    assert timedelta(seconds=claims["exp"] - claims["iat"]) == settings.ACCESS_TOKEN_LIFETIME


# PyJWT's strict base64url rule, and the compiled one that accounts.tokens reads tokens with.
_SEGMENTS = [
    b"",
    b"eyJhIjoxfQ",
    b"eyJhIjoxfQ==",
    b"eyJhIjoxfQ=",
    b"eyJhIjoxfQ===",
    b"YQ",
    b"YR",  # not canonical: the unused bits of the last character are not zero
    b"YQ==",
    b"YQ=",
    b"Y",
    b"YWJj",
    b"YWJj=",
    b"+/+/",
    b"-_-_",
    b"!!!!",
    b"YW\nJj",
    b"YWJj\n",
    b" YWJj",
    b"YW=Jj",
    "é".encode(),
    b"\x00\x00",
]


@pytest.mark.parametrize("segment", _SEGMENTS, ids=repr)
def test_segments_are_read_by_pyjwts_rule(segment):
    from accounts.tokens import _JWS

    def outcome(check):
        try:
            return check(segment, "payload")
        except jwt.DecodeError as exc:
            return str(exc)

    assert outcome(_JWS._decode_base64url_segment) == outcome(jwt.PyJWS._decode_base64url_segment)


def test_tokens_are_read_with_the_compiled_rule():
    from accounts.tokens import _JWS, _jwt

    assert type(_jwt._jws) is _JWS
