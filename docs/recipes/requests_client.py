"""Python `requests` against the auth API, in both modes.

Cookie mode: a requests.Session keeps the cookies as a browser would; unsafe requests
carry X-CSRFToken (the csrftoken cookie, read fresh: login rotates it) and, since Django
checks it behind HTTPS, a Referer of the API's own public origin.

App mode: `X-Auth-Client: app` on every request; the tokens come in the body, the access
token goes in `Authorization: Bearer`, the refresh token in the body; no cookie, no CSRF.

Both refresh on any 401 from an authenticated endpoint and retry once.
"""

import requests

NO_REFRESH = ("login/", "refresh/", "logout/")


class CookieClient:
    def __init__(self, base_url: str, *, public_origin: str | None = None):
        self.root = base_url.rstrip("/") + "/api/auth/"
        self.referer = (public_origin or base_url).rstrip("/") + "/"
        self.http = requests.Session()

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if method != "GET":
            headers["X-CSRFToken"] = self.http.cookies.get("csrftoken", "")
            headers["Referer"] = self.referer
        return self.http.request(method, self.root + path, headers=headers, timeout=10, **kwargs)

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        response = self._send(method, path, **kwargs)
        if response.status_code == 401 and path not in NO_REFRESH:
            refreshed = self._send("POST", "refresh/")
            rotated = (
                refreshed.status_code == 401 and refreshed.json().get("code") == "token_rotated"
            )
            if refreshed.ok or rotated:
                response = self._send(method, path, **kwargs)
        return response

    def login(self, username: str, password: str) -> dict:
        response = self._send("POST", "login/", json={"username": username, "password": password})
        response.raise_for_status()
        return response.json()

    def logout(self) -> None:
        self._send("POST", "logout/")  # a 204 even when already logged out
        self.http.cookies.clear()


class AppClient:
    def __init__(self, base_url: str):
        self.root = base_url.rstrip("/") + "/api/auth/"
        self.http = requests.Session()
        self.http.headers["X-Auth-Client"] = "app"
        self.access: str | None = None
        self.refresh_token: str | None = None

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.access:
            headers["Authorization"] = f"Bearer {self.access}"
        return self.http.request(method, self.root + path, headers=headers, timeout=10, **kwargs)

    def _keep(self, response: requests.Response) -> None:
        response.raise_for_status()
        body = response.json()
        self.access, self.refresh_token = body["access"], body["refresh"]

    def login(self, username: str, password: str) -> dict:
        response = self._send("POST", "login/", json={"username": username, "password": password})
        self._keep(response)
        return response.json()

    def refresh(self) -> None:
        self._keep(self.http.post(self.root + "refresh/", json={"refresh": self.refresh_token}))

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        response = self._send(method, path, **kwargs)
        if response.status_code == 401 and self.refresh_token:
            self.refresh()
            response = self._send(method, path, **kwargs)
        return response

    def logout(self) -> None:
        self.http.post(self.root + "logout/", json={"refresh": self.refresh_token})
        self.access = self.refresh_token = None
