"""Signing keys: kid, iss and aud on each token; rotation without logging anyone out; retirement."""

import jwt
import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts.tokens import key_id
from tests.conftest import ME, decode, login, sign

OLD_KEY = "an-old-signing-key-that-is-long-enough-0123456789"
NEW_KEY = "a-new-signing-key-that-is-long-enough-9876543210"


def bearer(token):
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_every_token_names_its_key_its_issuer_and_its_audience(logged_in, settings):
    for name in ("access_token", "refresh_token"):
        token = logged_in.cookies[name].value
        assert jwt.get_unverified_header(token) == {
            "alg": "HS256",
            "typ": "JWT",
            "kid": key_id(settings.AUTH_JWT_SIGNING_KEY),
        }
        claims = decode(token)
        assert claims["iss"] == settings.AUTH_JWT_ISSUER
        assert claims["aud"] == settings.AUTH_JWT_AUDIENCE


def test_the_kid_does_not_reveal_the_key(settings):
    kid = key_id(settings.AUTH_JWT_SIGNING_KEY)

    assert settings.AUTH_JWT_SIGNING_KEY not in kid and len(kid) == 16


@pytest.mark.parametrize("claim, value", [("iss", "another-service"), ("aud", "another-api")])
def test_a_token_for_another_issuer_or_audience_is_refused(logged_in, claim, value):
    claims = decode(logged_in.cookies["access_token"].value)

    response = bearer(sign({**claims, claim: value})).get(ME)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


@pytest.mark.parametrize("claim", ["iss", "aud", "exp", "iat", "jti", "sid", "token_type"])
def test_a_token_without_a_required_claim_is_refused(logged_in, claim):
    claims = decode(logged_in.cookies["access_token"].value)
    del claims[claim]

    assert bearer(sign(claims)).get(ME).status_code == 401


def _signed_with_header(header: dict, claims: dict, key: str) -> str:
    """A JWT with any header at all (PyJWT refuses to write some), signed with ``key``."""
    import base64
    import hashlib
    import hmac
    import json

    def part(data) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    signing_input = f"{part(header)}.{part(claims)}"
    mac = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def test_the_hand_made_header_is_accepted_with_the_right_kid(logged_in, settings):
    # The control for the test below: the same token with our kid works.
    claims = decode(logged_in.cookies["access_token"].value)
    header = {"alg": "HS256", "typ": "JWT", "kid": key_id(settings.AUTH_JWT_SIGNING_KEY)}
    token = _signed_with_header(header, claims, settings.AUTH_JWT_SIGNING_KEY)

    assert bearer(token).get(ME).status_code == 200


@pytest.mark.parametrize("kid", [None, "0" * 16, ["x"], 7, {"k": "v"}], ids=repr)
def test_a_token_naming_no_known_key_is_refused_without_trying_the_keys(logged_in, settings, kid):
    claims = decode(logged_in.cookies["access_token"].value)
    header = {"alg": "HS256", "typ": "JWT"} | ({} if kid is None else {"kid": kid})
    token = _signed_with_header(header, claims, settings.AUTH_JWT_SIGNING_KEY)

    response = bearer(token).get(ME)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_a_token_signed_with_the_right_key_but_no_kid_is_refused(logged_in, settings):
    claims = decode(logged_in.cookies["access_token"].value)
    token = jwt.encode(claims, settings.AUTH_JWT_SIGNING_KEY, algorithm="HS256")

    response = bearer(token).get(ME)

    assert response.status_code == 401


@pytest.mark.parametrize(
    "claim, value",
    [
        ("exp", "9999999999"),
        ("exp", 1e300),
        ("exp", 10**30),
        ("exp", True),
        ("exp", [1]),
        ("iat", "now"),
        ("iat", None),
        ("sid", 42),
        ("sid", {"a": 1}),
        ("user_id", ["1"]),
        ("user_id", 10**30),
    ],
    ids=repr,
)
def test_signed_claims_of_the_wrong_type_are_401s_never_500s(logged_in, claim, value):
    claims = decode(logged_in.cookies["access_token"].value)

    response = bearer(sign({**claims, claim: value})).get(ME)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


@given(
    claims=st.dictionaries(
        st.sampled_from(["exp", "iat", "sid", "user_id", "jti", "token_type"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(allow_nan=False),
            st.text(max_size=40),
            st.lists(st.integers(), max_size=2),
        ),
    )
)
@settings(max_examples=200, deadline=None)
def test_no_signed_payload_is_a_server_error(django_db_blocker, claims):
    base = {"iss": "cookie-jwt-auth", "aud": "cookie-jwt-auth", "token_type": "access"}
    with django_db_blocker.unblock():
        for path in (ME, "/api/auth/session/"):
            response = bearer(sign({**base, **claims})).get(path)
            assert response.status_code in (200, 401), (claims, response.content)


@pytest.mark.parametrize("kind", ["access", "refresh"])
def test_a_rotated_key_keeps_everybody_logged_in(user, kind):
    with override_settings(AUTH_JWT_SIGNING_KEY=OLD_KEY):
        client = APIClient(enforce_csrf_checks=True)
        login(client)
    refresh = client.cookies["refresh_token"].value
    access = client.cookies["access_token"].value

    with override_settings(AUTH_JWT_SIGNING_KEY=NEW_KEY, AUTH_JWT_SIGNING_KEY_FALLBACKS=[OLD_KEY]):
        if kind == "access":
            assert bearer(access).get(ME).status_code == 200
        else:
            response = APIClient().post("/api/auth/refresh/", {"refresh": refresh}, format="json")
            assert response.status_code == 200
            # What the refresh issued is signed with the new key.
            assert jwt.get_unverified_header(response.cookies["access_token"].value)["kid"] == (
                key_id(NEW_KEY)
            )


def test_a_retired_key_logs_its_tokens_out_at_once(user):
    with override_settings(AUTH_JWT_SIGNING_KEY=OLD_KEY):
        client = APIClient(enforce_csrf_checks=True)
        login(client)

    with override_settings(AUTH_JWT_SIGNING_KEY=NEW_KEY, AUTH_JWT_SIGNING_KEY_FALLBACKS=[]):
        assert bearer(client.cookies["access_token"].value).get(ME).status_code == 401
        refresh = client.cookies["refresh_token"].value
        response = APIClient().post("/api/auth/refresh/", {"refresh": refresh}, format="json")
        assert response.status_code == 401


def test_a_fallback_key_only_verifies_it_never_signs(user):
    with override_settings(AUTH_JWT_SIGNING_KEY=NEW_KEY, AUTH_JWT_SIGNING_KEY_FALLBACKS=[OLD_KEY]):
        client = APIClient()
        login(client)

    assert jwt.get_unverified_header(client.cookies["access_token"].value)["kid"] == key_id(NEW_KEY)


def test_the_signing_key_is_not_the_django_secret_key_when_set():
    import sys

    from tests.test_settings import start

    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AUTH_JWT_SIGNING_KEY == s.SECRET_KEY, s.AUTH_JWT_SIGNING_KEY_FALLBACKS)"
    )
    result = start(
        [sys.executable, "-c", script],
        AUTH_JWT_SIGNING_KEY="k" * 50,
        AUTH_JWT_SIGNING_KEY_FALLBACKS="old-1,old-2",
    )

    assert result.stdout.split() == ["False", "['old-1',", "'old-2']"], result.stderr
