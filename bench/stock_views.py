"""The views a plain Django and SimpleJWT project would write, for the benchmark to load."""

from django.http import JsonResponse
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication


def ceiling(request):
    """No authentication, no database: the most any Django view can serve."""
    return JsonResponse({"status": "ok"})


class MeSerializer(serializers.Serializer):
    """The same declared fields as this service's ``MeSerializer``, so that the
    comparison measures authentication, not serializers."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    date_joined = serializers.DateTimeField(read_only=True)


class MeView(APIView):
    """The user behind a Bearer token, looked up by SimpleJWT's ``JWTAuthentication``."""

    permission_classes = (IsAuthenticated,)

    def get(self, request):
        return Response(MeSerializer(request.user).data)


class StatelessMeView(APIView):
    """The token's claims alone: no user lookup, so no revocation either."""

    authentication_classes = (JWTStatelessUserAuthentication,)
    permission_classes = (IsAuthenticated,)

    def get(self, request):
        return Response({"id": request.user.id})
