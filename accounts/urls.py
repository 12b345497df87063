from django.urls import path

from accounts.views import auth, recovery, sessions

app_name = "accounts"

urlpatterns = [
    path("signup/", auth.SignupView.as_view(), name="signup"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("refresh/", auth.RefreshView.as_view(), name="refresh"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("csrf/", auth.CsrfView.as_view(), name="csrf"),
    path("session/", auth.SessionProbeView.as_view(), name="session-probe"),
    path("me/", sessions.MeView.as_view(), name="me"),
    path("logout-all/", sessions.LogoutAllView.as_view(), name="logout-all"),
    path("sessions/", sessions.SessionListView.as_view(), name="sessions"),
    path(
        "sessions/<uuid:session_id>/", sessions.SessionDetailView.as_view(), name="session-detail"
    ),
    path("password/change/", sessions.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", recovery.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/confirm/",
        recovery.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("email/verify/", recovery.EmailVerifyView.as_view(), name="email-verify"),
    path(
        "email/verify/resend/",
        recovery.EmailVerificationResendView.as_view(),
        name="email-verify-resend",
    ),
]
