"""The admin site: Django's, with its password login held to the API login's rate limits."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.throttling import login_throttles


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """Counts each attempt against the same per-address and per-account limits as the API's
    login, so the admin is not a second, unthrottled door to every password."""

    def clean(self):
        for throttle in login_throttles():
            if not throttle.allow_request(self.request, None):
                raise forms.ValidationError(
                    _("Too many login attempts. Try again in %(seconds)d seconds."),
                    code="throttled",
                    params={"seconds": max(1, round(throttle.wait()))},
                )
        return super().clean()


class AccountsAdminSite(admin.AdminSite):
    login_form = ThrottledAdminAuthenticationForm
