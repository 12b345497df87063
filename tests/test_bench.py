"""The benchmark's client speaks the service's cookie names (it cannot import them: it runs
no Django), so a renamed cookie cannot silently turn its logins into unknown devices."""

from accounts import cookies
from bench import run


def test_the_benchmark_names_the_device_cookie_as_the_service_does():
    assert run.DEVICE_COOKIE == cookies.DEVICE_COOKIE
