from django.urls import path

from accounts.views import account, auth, mfa, passkeys, recovery, sessions

app_name = "accounts"

urlpatterns = [
    path("signup/", auth.SignupView.as_view(), name="signup"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("refresh/", auth.RefreshView.as_view(), name="refresh"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("csrf/", auth.CsrfView.as_view(), name="csrf"),
    path("session/", auth.SessionProbeView.as_view(), name="session-probe"),
    path("me/", account.MeView.as_view(), name="me"),
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
    path("email/change/", account.EmailChangeView.as_view(), name="email-change"),
    path(
        "email/change/confirm/",
        account.EmailChangeConfirmView.as_view(),
        name="email-change-confirm",
    ),
    path(
        "email/change/cancel/",
        account.EmailChangeCancelView.as_view(),
        name="email-change-cancel",
    ),
    # Second factors and passkeys
    path("mfa/", mfa.MfaStatusView.as_view(), name="mfa"),
    path("mfa/totp/", mfa.TotpView.as_view(), name="mfa-totp"),
    path("mfa/totp/confirm/", mfa.TotpConfirmView.as_view(), name="mfa-totp-confirm"),
    path("mfa/recovery-codes/", mfa.RecoveryCodesView.as_view(), name="mfa-recovery-codes"),
    path("mfa/verify/", mfa.MfaVerifyView.as_view(), name="mfa-verify"),
    path("mfa/webauthn/options/", mfa.MfaWebAuthnOptionsView.as_view(), name="mfa-webauthn"),
    path("reauthenticate/", mfa.ReauthenticateView.as_view(), name="reauthenticate"),
    path(
        "reauthenticate/options/",
        mfa.ReauthenticateOptionsView.as_view(),
        name="reauthenticate-options",
    ),
    path(
        "passkeys/register/options/",
        passkeys.PasskeyRegistrationOptionsView.as_view(),
        name="passkeys-register-options",
    ),
    path("passkeys/", passkeys.PasskeyListView.as_view(), name="passkeys"),
    path("passkeys/<int:passkey_id>/", passkeys.PasskeyDetailView.as_view(), name="passkey"),
    path(
        "passkeys/login/options/",
        passkeys.PasskeyLoginOptionsView.as_view(),
        name="passkeys-login-options",
    ),
    path("passkeys/login/", passkeys.PasskeyLoginView.as_view(), name="passkeys-login"),
]
