"""The base of every endpoint that takes no credential: signup, login, refresh, logout, links."""

from rest_framework.permissions import AllowAny
from rest_framework.views import APIView
from rest_framework_simplejwt.settings import api_settings


class PublicAPIView(APIView):
    """An endpoint that authenticates nobody, so a stale or forged access cookie never blocks it.

    It still names the Bearer scheme for ``WWW-Authenticate``: DRF answers 401
    only when a view does, and would otherwise turn every refusal of a
    credential (a bad refresh token, a wrong password) into a 403. This is the
    one thing login, refresh and logout took from SimpleJWT's ``TokenViewBase``;
    they still subclass SimpleJWT's views, with this class first and their own
    ``post``.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get_authenticate_header(self, request) -> str:
        return f'{api_settings.AUTH_HEADER_TYPES[0]} realm="api"'
