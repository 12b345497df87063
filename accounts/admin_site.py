"""The admin site: Django's, with its password login held to the API login's rate limits and to
the second factor."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.selectors import user_has_second_factor
from accounts.services import mfa
from accounts.throttling import client_address, login_throttles

STAFF_NEED_A_FACTOR = _(
    "Staff accounts need a second factor to use the admin. Enrol an authenticator app through "
    "the API (POST /api/auth/mfa/totp/), or for the first account with "
    "`python manage.py enroltotp <username>`."
)


class AdminLoginForm(AdminAuthenticationForm):
    """Django's admin login, counted against the same per-address and per-account limits as the
    API's login, and asking an account with a second factor for a code of it."""

    code = forms.CharField(
        label=_("Authenticator or recovery code"),
        required=False,
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
        help_text=_("Only for an account with a second factor."),
    )

    def clean(self):
        for throttle in login_throttles():
            if not throttle.allow_request(self.request, None):
                raise forms.ValidationError(
                    _("Too many login attempts. Try again in %(seconds)d seconds."),
                    code="throttled",
                    params={"seconds": max(1, round(throttle.wait()))},
                )
        cleaned = super().clean()
        user = self.get_user()
        if user_has_second_factor(user=user):
            self._second_factor_check(user, cleaned.get("code") or "")
        elif settings.AUTH_MFA_REQUIRED_FOR_STAFF:
            raise forms.ValidationError(STAFF_NEED_A_FACTOR, code="mfa_enrolment_required")
        return cleaned

    def _second_factor_check(self, user, code: str) -> None:
        if not code:
            raise forms.ValidationError(
                _(
                    "This account has a second factor: enter a code of its authenticator app, "
                    "or one of its recovery codes."
                ),
                code="mfa_required",
            )
        proof = mfa.Proof(code=code) if code.isdigit() else mfa.Proof(recovery_code=code)
        if mfa.proof_check(user=user, proof=proof, ip_address=client_address(self.request)) is None:
            raise forms.ValidationError(_("The code is not valid."), code="invalid_code")


class AccountsAdminSite(admin.AdminSite):
    login_form = AdminLoginForm
    login_template = "admin/accounts/login.html"
