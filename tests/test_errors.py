"""Unknown paths under /api/ answer JSON 404 to every method, with Django's CSRF checks on.

The `api` client enforces CSRF as a browser's requests meet it; a client that
skips the checks would not see Django's HTML 403 page answer first.
"""

import pytest


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_unknown_api_path_is_a_json_404_for_every_method(api, method):
    response = getattr(api, method)("/api/auth/nowhere/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_a_session_id_that_is_not_a_uuid_is_a_json_404(api):
    # Found by fuzzing: Django's HTML CSRF page used to answer this DELETE.
    response = api.delete("/api/auth/sessions/not-a-uuid/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
