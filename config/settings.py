"""Settings of the auth service, every one read from the environment.

The variables and their defaults are those of the API contract; a bad value
raises ``ImproperlyConfigured`` here, so every entry point (``manage.py``,
gunicorn, the tests) refuses to start and names the variable. Values that are
only wrong together are refused at start-up by ``accounts/checks.py``.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from config.env import (
    LOOPBACK,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_networks,
    env_rate,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent


# --- Core ---------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is not 1")
    SECRET_KEY = "django-insecure-development-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TIME_ZONE = "UTC"
USE_TZ = True


# --- Languages ------------------------------------------------------------------------

# Answers follow Accept-Language among these (config/locale.py), English otherwise. A
# language is listed once the service's own messages and emails are translated into it
# (accounts/locale/<language>/LC_MESSAGES, `make messages`): Django, DRF and SimpleJWT
# speak many more, and an answer must not mix two languages.
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ko", "Korean")]
# The catalogue of accounts/ and config/ alike (`make messages` writes it).
LOCALE_PATHS = [BASE_DIR / "accounts" / "locale"]


# --- Applications and middleware ------------------------------------------------

INSTALLED_APPS = [
    # accounts comes first so that its flushexpiredtokens command replaces SimpleJWT's.
    "accounts",
    "accounts.apps.AccountsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_yasg",
]

MIDDLEWARE = [
    # First, so that its duration and status cover every other layer.
    "config.request_log.RequestLogMiddleware",
    "config.cache_control.ApiNoStoreMiddleware",
    # Before any layer that may refuse the request, so that its refusal is translated too.
    "config.locale.AcceptLanguageMiddleware",
    # Before anything reads the client's address, scheme or host.
    "config.proxies.TrustedProxyMiddleware",
    "config.hosts.DisallowedHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.cors.CorsMiddleware",
    # Inside CORS, so that a front end on another origin can read the refusal.
    "accounts.cookie_guard.AmbiguousCookieMiddleware",
    "config.common.CommonMiddleware",
    "accounts.csrf.PartitionedCsrfCookieMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.admin_middleware.AdminOnlyMiddleware",
    "accounts.middleware.AccessTokenCookieMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.errors.ApiFaultMiddleware",
]
# Only the admin uses Django's session, its user and messages; AdminOnlyMiddleware
# runs these for requests under /admin/ alone, in this order.
ADMIN_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
# Django's checks for these look in MIDDLEWARE only; AdminOnlyMiddleware checks ADMIN_MIDDLEWARE.
SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Searched before the apps' own: a deployment replaces the email templates
        # by putting its own under templates/accounts/email/.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# --- Database -------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # A kept-open connection saves a connect per request; health checks
        # replace one that the server closed meanwhile.
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check that asks the kernel instead of the server.
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    DATABASES["default"]["OPTIONS"] = {
        # Parameters bound by the server, so that psycopg prepares a statement the fifth
        # time a connection runs it: planning the authenticated request's join again
        # each time cost the server more than running it. (Behind a pooler in
        # transaction mode, use one that keeps prepared statements, PgBouncer 1.21+.)
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue on the database lock instead of failing, and a
        # transaction takes that lock when it begins, not half-way through.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests run on a file so that threads and server processes share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}


# --- Cache (throttle counters) ----------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "auth",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


# --- Users and passwords ----------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.UsernameOrEmailBackend"]

PASSWORD_HASHERS = [
    "accounts.hashers.TunedArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

PASSWORD_RESET_TIMEOUT = env_int("AUTH_PASSWORD_RESET_TIMEOUT_SECONDS", 3600, minimum=1)


# --- REST framework and tokens ------------------------------------------------------

NUM_PROXIES = env_int("NUM_PROXIES", 0)
# The peers whose X-Forwarded-For and X-Forwarded-Proto count (config/proxies.py,
# and gunicorn's forwarded_allow_ips): the proxy on this host by default.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", LOOPBACK)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.CookieAwareJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.permissions.SecondFactorInSession",
    ],
    "DEFAULT_PARSER_CLASSES": ["accounts.parsers.StrictJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "accounts.parsers.ExactContentNegotiation",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    # With no proxy in front, X-Forwarded-For is the client's to forge.
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "login": env_rate("AUTH_LOGIN_THROTTLE_RATE", "10/min"),
        # Options for a passwordless login, at the login rate but counted apart.
        "passkey_options": env_rate("AUTH_LOGIN_THROTTLE_RATE", "10/min"),
        "signup": env_rate("AUTH_SIGNUP_THROTTLE_RATE", "20/hour"),
        # Per account and kind of email (reset, verification, …); over it, none is sent.
        "email": env_rate("AUTH_EMAIL_THROTTLE_RATE", "3/hour"),
    },
}

ACCESS_TOKEN_LIFETIME = timedelta(seconds=env_int("ACCESS_TOKEN_LIFETIME_SECONDS", 300, minimum=1))
REFRESH_TOKEN_LIFETIME = timedelta(
    seconds=env_int("REFRESH_TOKEN_LIFETIME_SECONDS", 604800, minimum=1)
)

# The HS256 key that signs new tokens, and older keys that still verify theirs
# until they expire (see the API reference, "Rotating the signing key").
AUTH_JWT_SIGNING_KEY = env_str("AUTH_JWT_SIGNING_KEY", SECRET_KEY)
AUTH_JWT_SIGNING_KEY_FALLBACKS = env_list("AUTH_JWT_SIGNING_KEY_FALLBACKS")
# Checked on every read, so a token of another service that shares a key is refused.
AUTH_JWT_ISSUER = env_str("AUTH_JWT_ISSUER", "cookie-jwt-auth")
AUTH_JWT_AUDIENCE = env_str("AUTH_JWT_AUDIENCE", "cookie-jwt-auth")

# Only what SimpleJWT itself still reads: the header scheme and the user claim.
# Signing, lifetimes, rotation and blacklisting happen in accounts.tokens and
# accounts.services.sessions, from the settings above.
SIMPLE_JWT = {
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}


# --- HTTPS ---------------------------------------------------------------------------

# In production the service sits behind a TLS-terminating proxy; X-Forwarded-Proto
# is trusted only when NUM_PROXIES says such a proxy exists (it must overwrite
# the header), since a client talking to the service directly could forge it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if NUM_PROXIES else None
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
# Sent on HTTPS responses only; browsers then refuse plain HTTP for the domain.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
# Until the environment sets both of the above, `check --deploy` (also run when
# gunicorn starts) warns how far they reach (accounts/checks.py).
HSTS_SCOPE_EXPLICIT = all(
    env_str(name) is not None
    for name in ("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", "DJANGO_SECURE_HSTS_PRELOAD")
)


# --- Auth cookies and login sessions ----------------------------------------------

AUTH_COOKIE_SECURE = env_bool("AUTH_COOKIE_SECURE", not DEBUG)
AUTH_COOKIE_SAMESITE = env_choice("AUTH_COOKIE_SAMESITE", "Lax", ["Lax", "Strict", "None"])
AUTH_COOKIE_DOMAIN = env_str("AUTH_COOKIE_DOMAIN")
# CHIPS, for a front end on another site (accounts/cookies.py, accounts/csrf.py).
AUTH_COOKIE_PARTITIONED = env_bool("AUTH_COOKIE_PARTITIONED", False)

AUTH_REFRESH_REUSE_GRACE = timedelta(seconds=env_int("REFRESH_REUSE_GRACE_SECONDS", 10))
AUTH_SESSION_MAX_AGE = timedelta(
    seconds=env_int("AUTH_SESSION_MAX_AGE_SECONDS", 2592000, minimum=1)
)
AUTH_SINGLE_SESSION = env_bool("AUTH_SINGLE_SESSION", False)
# How recent an authentication a sensitive action (enrolling a factor, closing the account…) needs.
AUTH_REAUTHENTICATION_SECONDS = env_int("AUTH_REAUTHENTICATION_SECONDS", 300, minimum=1)
AUTH_RETURN_TOKENS_IN_BODY = env_bool("AUTH_RETURN_TOKENS_IN_BODY", False)

# Django's session and CSRF cookies follow the auth cookies.
SESSION_COOKIE_SECURE = AUTH_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = AUTH_COOKIE_SAMESITE
CSRF_COOKIE_SECURE = AUTH_COOKIE_SECURE
CSRF_COOKIE_SAMESITE = AUTH_COOKIE_SAMESITE
CSRF_COOKIE_DOMAIN = AUTH_COOKIE_DOMAIN
CSRF_COOKIE_HTTPONLY = False  # the front end reads it to send X-CSRFToken


# --- CORS and CSRF origins --------------------------------------------------------

_DEV_ORIGINS = ["http://localhost:3000", "http://127.0.0.1:3000"] if DEBUG else []
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", _DEV_ORIGINS)
CORS_ALLOW_CREDENTIALS = True
# The API only: a front end's script may read API answers, never the admin's pages (their
# CSRF tokens would let a script on a trusted origin act as a staff user there).
CORS_URLS_REGEX = r"^/api/"
# So a front end can tell users when to try again, and find the next page of a list.
CORS_EXPOSE_HEADERS = ["Retry-After", "Link"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", CORS_ALLOWED_ORIGINS)


# --- Email --------------------------------------------------------------------------

FRONTEND_URL = env_str("FRONTEND_URL", "http://localhost:3000").rstrip("/")
AUTH_EMAIL_VERIFICATION = env_choice(
    "AUTH_EMAIL_VERIFICATION", "optional", ["none", "optional", "mandatory"]
)
# Every email is written to the outbox in the transaction of the change that causes it
# (accounts/emails.py). "worker": `manage.py email_worker` delivers it. "immediate": the
# process also delivers it itself once that transaction commits (development, tests);
# one that fails then stays in the outbox for a worker.
AUTH_EMAIL_DELIVERY = env_choice(
    "AUTH_EMAIL_DELIVERY", "immediate" if DEBUG else "worker", ["worker", "immediate"]
)
# How long a worker holds an email it claimed; past it another worker may take it over.
AUTH_EMAIL_LEASE_SECONDS = env_int("AUTH_EMAIL_LEASE_SECONDS", 300, minimum=1)
# The wait after a failed attempt, doubling with each one up to the maximum.
AUTH_EMAIL_RETRY_SECONDS = env_int("AUTH_EMAIL_RETRY_SECONDS", 30)
AUTH_EMAIL_RETRY_MAX_SECONDS = env_int("AUTH_EMAIL_RETRY_MAX_SECONDS", 3600)
# /healthz/ warns of undelivered emails older than this.
AUTH_EMAIL_BACKLOG_WARNING_SECONDS = env_int("AUTH_EMAIL_BACKLOG_WARNING_SECONDS", 600, minimum=1)
# The security notifications not to send (names in accounts/services/notifications.py;
# an unknown one is refused at start-up by accounts/checks.py).
AUTH_NOTIFICATIONS_DISABLED = [name.lower() for name in env_list("AUTH_NOTIFICATIONS_DISABLED")]


# --- Second factors and passkeys -------------------------------------------------------

_frontend = urlsplit(FRONTEND_URL)
# Staff need a second factor to use the admin (the admin's login refuses them without one).
AUTH_MFA_REQUIRED_FOR_STAFF = env_bool("AUTH_MFA_REQUIRED_FOR_STAFF", not DEBUG)
# Everyone needs one: a session without a second factor may only enrol one.
AUTH_MFA_REQUIRED_FOR_EVERYONE = env_bool("AUTH_MFA_REQUIRED_FOR_EVERYONE", False)
# How long the pending login between the password and the second factor lasts.
AUTH_MFA_LOGIN_SECONDS = env_int("AUTH_MFA_LOGIN_SECONDS", 300, minimum=30)
# The name authenticator apps and passkey prompts show for this service.
AUTH_MFA_ISSUER = env_str("AUTH_MFA_ISSUER", _frontend.hostname or "auth")
AUTH_WEBAUTHN_RP_ID = env_str("AUTH_WEBAUTHN_RP_ID", _frontend.hostname)
AUTH_WEBAUTHN_ORIGINS = env_list(
    "AUTH_WEBAUTHN_ORIGINS", [f"{_frontend.scheme}://{_frontend.netloc}"]
)

_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "filebased": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
_email_backend = env_str("DJANGO_EMAIL_BACKEND", "console" if DEBUG else "smtp")
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds an SMTP connection may wait for the server; the worker retries after it.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")


# --- Development front ends -----------------------------------------------------------

# In debug, a front end on any loopback port (Vite's 5173, Next's 3000, the example page)
# and the one at FRONTEND_URL work against `make run` with no setting: CORS through
# django-cors-headers' regexes, CSRF through config/csrf.py. Never in production.
LOOPBACK_ORIGIN_REGEX = r"http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?"
CORS_ALLOWED_ORIGIN_REGEXES = [f"^{LOOPBACK_ORIGIN_REGEX}$"] if DEBUG else []
CSRF_TRUSTED_ORIGIN_REGEXES = [LOOPBACK_ORIGIN_REGEX] if DEBUG else []
if DEBUG:
    _frontend_origin = "{0.scheme}://{0.netloc}".format(urlsplit(FRONTEND_URL))
    CORS_ALLOWED_ORIGINS = list(dict.fromkeys([*CORS_ALLOWED_ORIGINS, _frontend_origin]))
    CSRF_TRUSTED_ORIGINS = list(dict.fromkeys([*CSRF_TRUSTED_ORIGINS, _frontend_origin]))


# --- Static files ---------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps (half of the docs' bytes) are fetched only by browsers' developer
# tools; compressing them would double collectstatic's time for nothing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]


# --- Request limits -------------------------------------------------------------------

# Auth bodies are a few hundred bytes; anything far larger is refused with 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024


# --- API documentation ----------------------------------------------------------------

SWAGGER_USE_COMPAT_RENDERERS = False
SWAGGER_SETTINGS = {
    "USE_SESSION_AUTH": False,
    "SECURITY_DEFINITIONS": {
        "Bearer": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "description": "`Bearer <access token>`, for clients without cookies. In a browser "
            "the access_token cookie stands in for it.",
        },
    },
    "DEFAULT_INFO": "config.urls.api_info",
    "DEFAULT_AUTO_SCHEMA_CLASS": "accounts.schema.ApiAutoSchema",
    # Swagger UI would otherwise send the schema to an online validator.
    "VALIDATOR_URL": None,
}


# --- Logging ------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}
