"""The stock SimpleJWT project's routes (``bench.stock_settings``), named as in SimpleJWT's docs."""

from django.urls import path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from bench import stock_views

urlpatterns = [
    path("api/ceiling/", stock_views.ceiling),
    path("api/me/", stock_views.MeView.as_view()),
    path("api/me-stateless/", stock_views.StatelessMeView.as_view()),
    path("api/token/", TokenObtainPairView.as_view()),
    path("api/token/refresh/", TokenRefreshView.as_view()),
]
