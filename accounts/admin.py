"""Admin for users, login sessions and SimpleJWT's token tables; no token value is ever shown."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist import admin as blacklist_admin
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import services
from accounts.models import LoginSession, RevokeReason, User


class SessionEndingPasswordChangeForm(AdminPasswordChangeForm):
    """A password set in the admin ends the user's sessions, as one set through the API does."""

    def save(self, commit=True):
        user = super().save(commit)
        if commit:
            services.user_sessions_revoke(user=user, reason=RevokeReason.PASSWORD_CHANGED)
        return user


@admin.register(User)
class AccountUserAdmin(UserAdmin):
    change_password_form = SessionEndingPasswordChangeForm
    list_display = ("username", "email", "email_verified", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "email_verified", "is_staff", "is_superuser")
    fieldsets = UserAdmin.fieldsets + (("Verification", {"fields": ("email_verified",)}),)
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),
    )

    def save_model(self, request, obj, form, change):
        # A new address is unproven until its owner follows a verification link,
        # unless the admin vouches for it in the same edit.
        if change and "email" in form.changed_data and "email_verified" not in form.changed_data:
            obj.email_verified = False
        super().save_model(request, obj, form, change)


class SessionStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return (("active", "Active"), ("revoked", "Revoked"), ("expired", "Expired"))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.active(now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True).expired(now)
        return queryset


@admin.register(LoginSession)
class LoginSessionAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "status",
        "created_at",
        "last_used_at",
        "expires_at",
        "ip_address",
        "user_agent",
    )
    list_filter = (SessionStatusFilter, "revoked_reason")
    search_fields = ("user__username", "user__email", "ip_address")
    list_select_related = ("user",)
    ordering = ("-last_used_at",)
    date_hierarchy = "created_at"
    actions = ("revoke_sessions",)
    fields = readonly_fields = (
        "id",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "user_agent",
        "ip_address",
        "revoked_at",
        "revoked_reason",
    )

    @admin.display(description="status")
    def status(self, session: LoginSession) -> str:
        if session.revoked_at is not None:
            return f"revoked ({session.revoked_reason})"
        return "active" if session.is_active() else "expired"

    @admin.action(description="Revoke the selected sessions")
    def revoke_sessions(self, request, queryset):
        count = services.sessions_revoke(sessions=queryset, reason=RevokeReason.ADMIN)
        self.message_user(request, f"Revoked {count} session(s).", messages.SUCCESS)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewable, never editable; revocation goes through the action.
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)


# SimpleJWT's token admins, searchable by username and email, without the token column.
admin.site.unregister(OutstandingToken)
admin.site.unregister(BlacklistedToken)


@admin.register(OutstandingToken)
class OutstandingTokenAdmin(blacklist_admin.OutstandingTokenAdmin):
    search_fields = ("user__username", "user__email", "jti")
    exclude = ("token",)

    def get_readonly_fields(self, *args, **kwargs):
        return [name for name in super().get_readonly_fields(*args, **kwargs) if name != "token"]


@admin.register(BlacklistedToken)
class BlacklistedTokenAdmin(blacklist_admin.BlacklistedTokenAdmin):
    search_fields = ("token__user__username", "token__user__email", "token__jti")
