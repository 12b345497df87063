from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.checks import enforce_settings

        enforce_settings()


class AccountsAdminConfig(admin_apps.AdminConfig):
    """Django's admin on this service's site (accounts.admin_site)."""

    default = False
    default_site = "accounts.admin_site.AccountsAdminSite"
