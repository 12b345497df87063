"""The production settings, with what tests need: a key, and a fast password hash."""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-long-enough-for-every-hmac-algorithm-0123456789"
)

from config.settings import *  # noqa: E402,F403

# The production hasher costs ~100 ms a password; tests hash hundreds.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each email is delivered as soon as its transaction commits, in the test's own thread;
# tests/test_email_outbox.py runs the worker itself.
AUTH_EMAIL_DELIVERY = "immediate"
# The manifest storage needs collectstatic; the tests that serve static files run it themselves.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}  # noqa: F405
# The test client speaks plain HTTP; test_production checks the redirect on a real gunicorn.
SECURE_SSL_REDIRECT = False
