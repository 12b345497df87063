"""Admin for users, login sessions and SimpleJWT's token tables.

Tokens, blacklist entries and sessions are records, not forms: read-only, with
no add, edit or delete; a session ends through the revoke actions only. No page
shows a token's value. Every list stays fast on tables of millions of rows:
searches go through the indexed canonical columns, filters through indexed
columns, related rows are joined in the page's one query, and the total is the
planner's estimate where counting would scan the table.
"""

import datetime
import ipaddress
import json
import uuid

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery, UUIDField
from django.db.models.functions import Cast, Substr
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework_simplejwt.token_blacklist import admin as simplejwt_admin  # noqa: F401
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import emails, identifiers
from accounts.models import (
    LoginSession,
    OutboxEmail,
    RecoveryCode,
    RevokeReason,
    SecurityEvent,
    TotpDevice,
    User,
)
from accounts.services import mfa
from accounts.services.account import account_close
from accounts.services.notifications import notify
from accounts.services.sessions import sessions_revoke, user_sessions_revoke
from accounts.throttling import client_address
from accounts.tokens import JTI_SESSION_PREFIX_LENGTH

_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_USER_SEARCH_LIMIT = 1000


def _when(moment) -> str:
    """A time to the second, in UTC."""
    return moment.astimezone(datetime.UTC).strftime(_TIME_FORMAT) + " UTC" if moment else "-"


def _revoked_message(count: int) -> str:
    return ngettext("Revoked %(count)d session.", "Revoked %(count)d sessions.", count) % {
        "count": count
    }


def _matching_user_ids(term: str) -> list[int]:
    """The users whose canonical username or address starts with the term: indexed lookups,
    bounded, so a search never joins a token table to a scan of every user."""
    name = identifiers.canonical(term)
    users = User.objects.filter(
        Q(username_canonical__startswith=name)
        | Q(email_canonical__startswith=identifiers.email_canonical(term))
    )
    return list(users.values_list("pk", flat=True)[:_USER_SEARCH_LIMIT])


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to a point; past it, PostgreSQL's planner estimate stands in, since
    counting millions of rows for a page header would take longer than the page."""

    EXACT_UP_TO = 10_000

    @cached_property
    def count(self) -> int:
        exact = self.object_list[: self.EXACT_UP_TO + 1].count()
        if exact <= self.EXACT_UP_TO or connection.vendor != "postgresql":
            return exact if exact <= self.EXACT_UP_TO else super().count
        plan = self.object_list.explain(format="json")
        return max(exact, int(_plan_rows(plan)))


def _plan_rows(plan: str) -> float:
    return json.loads(plan)[0]["Plan"]["Plan Rows"]


class RecordAdmin(admin.ModelAdmin):
    """A read-only view of rows the service writes: no add, no edit, no delete."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    # Searched by the helpers below, not by Django's LIKE '%…%' over joins.
    search_fields = ("user",)
    search_help_text = "Username or email (or its beginning), or an exact jti or session id."
    user_path = "user_id"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(self.search_filter(term)), False

    def search_filter(self, term: str) -> Q:
        return Q(**{f"{self.user_path}__in": _matching_user_ids(term)})

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewable, never editable.
        return False


# --- Users ------------------------------------------------------------------------------------


class SessionEndingPasswordChangeForm(AdminPasswordChangeForm):
    """A password set in the admin ends the user's sessions, as one set through the API does."""

    def save(self, commit=True):
        user = super().save(commit)
        if commit:
            user_sessions_revoke(user=user, reason=RevokeReason.PASSWORD_CHANGED)
            with emails.in_default_language():
                notify(user=user, kind="password_changed")
        return user


@admin.register(User)
class AccountUserAdmin(UserAdmin):
    change_password_form = SessionEndingPasswordChangeForm
    change_form_template = "admin/accounts/user/change_form.html"
    list_display = ("username", "email", "email_verified", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "email_verified", "is_staff", "is_superuser")
    show_full_result_count = False
    fieldsets = UserAdmin.fieldsets + (
        ("Verification", {"fields": ("email_verified",)}),
        ("Login sessions", {"fields": ("active_sessions",)}),
        ("Second factors", {"fields": ("second_factors", "security_events")}),
        ("Closure", {"fields": ("closed_at",)}),
    )
    readonly_fields = ("active_sessions", "second_factors", "security_events", "closed_at")
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),
    )
    actions = ("revoke_all_sessions", "remove_second_factors", "close_accounts")

    SESSIONS_SHOWN = 20
    EVENTS_SHOWN = 20

    def save_model(self, request, obj, form, change):
        # A new address is unproven until its owner follows a verification link,
        # unless the admin vouches for it in the same edit.
        if change and "email" in form.changed_data and "email_verified" not in form.changed_data:
            obj.email_verified = False
        super().save_model(request, obj, form, change)

    @admin.display(description="active sessions")
    def active_sessions(self, user: User) -> str:
        sessions = LoginSession.objects.active().filter(user=user).order_by("-last_used_at")
        rows = [
            (
                reverse("admin:accounts_loginsession_change", args=[s.pk]),
                _when(s.last_used_at),
                s.ip_address or "-",
                s.user_agent or "-",
            )
            for s in sessions[: self.SESSIONS_SHOWN]
        ]
        if not rows:
            return "None."
        listing = format_html_join(
            "",
            '<li><a href="{}">last used {}</a> from {}: {}</li>',
            rows,
        )
        all_of_them = reverse("admin:accounts_loginsession_changelist") + f"?user={user.pk}"
        return format_html('<ul>{}</ul><a href="{}">All of them</a>', listing, all_of_them)

    @admin.display(description="second factors")
    def second_factors(self, user: User) -> str:
        """Kind, name, created, last used: never a secret."""
        rows = []
        totp = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
        if totp is not None:
            rows.append(("authenticator app (TOTP)", "", totp.confirmed_at, totp.last_used_at))
        for passkey in user.passkeys.order_by("created_at"):
            rows.append(("passkey", passkey.name, passkey.created_at, passkey.last_used_at))
        if not rows:
            return "None."
        listing = format_html_join(
            "",
            "<li>{} {}: added {}, last used {}</li>",
            ((kind, name, _when(added), _when(used)) for kind, name, added, used in rows),
        )
        remaining = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
        return format_html("<ul>{}</ul>{} recovery codes left", listing, remaining)

    @admin.display(description="security events")
    def security_events(self, user: User) -> str:
        events = SecurityEvent.objects.filter(user=user).order_by("-created_at")
        rows = [
            (_when(event.created_at), event.kind, event.ip_address or "-")
            for event in events[: self.EVENTS_SHOWN]
        ]
        if not rows:
            return "None."
        listing = format_html_join("", "<li>{} {} from {}</li>", rows)
        all_of_them = reverse("admin:accounts_securityevent_changelist") + f"?user={user.pk}"
        return format_html('<ul>{}</ul><a href="{}">All of them</a>', listing, all_of_them)

    @admin.action(description=_("Remove every second factor of the selected users (lost device)"))
    def remove_second_factors(self, request, queryset):
        # The owner's notification in LANGUAGE_CODE, not the admin's language.
        with emails.in_default_language():
            for user in queryset:
                mfa.factors_reset(user=user, ip_address=client_address(request))
        count = len(queryset)
        message = ngettext(
            "Removed the second factors of %(count)d user; they log in with the password "
            "alone until they enrol again.",
            "Removed the second factors of %(count)d users; they log in with the password "
            "alone until they enrol again.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Revoke every session of the selected users"))
    def revoke_all_sessions(self, request, queryset):
        revoked = sum(
            user_sessions_revoke(user=user, reason=RevokeReason.ADMIN) for user in queryset
        )
        self.message_user(request, _revoked_message(revoked), messages.SUCCESS)

    @admin.action(description=_("Close the selected accounts (sessions revoked, data removed)"))
    def close_accounts(self, request, queryset):
        """What DELETE /api/auth/me/ does, for each selected user; a confirmation goes to each,
        in LANGUAGE_CODE (the admin's language is not theirs)."""
        with emails.in_default_language():
            closed = sum(account_close(user=user, ip_address=None, by="admin") for user in queryset)
        message = ngettext("Closed %(count)d account.", "Closed %(count)d accounts.", closed)
        self.message_user(request, message % {"count": closed}, messages.SUCCESS)

    def get_urls(self):
        revoke = path(
            "<id>/revoke-sessions/",
            self.admin_site.admin_view(self.revoke_sessions_view),
            name="accounts_user_revoke_sessions",
        )
        return [revoke, *super().get_urls()]

    def revoke_sessions_view(self, request, id):
        """The "Revoke all sessions" button of a user's page (a POST with Django's CSRF token)."""
        user = get_object_or_404(User, pk=id)
        if request.method != "POST" or not self.has_change_permission(request, user):
            return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))
        revoked = user_sessions_revoke(user=user, reason=RevokeReason.ADMIN)
        message = ngettext(
            "Revoked %(count)d session of %(user)s.",
            "Revoked %(count)d sessions of %(user)s.",
            revoked,
        )
        self.message_user(request, message % {"count": revoked, "user": user}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))


# --- Login sessions ---------------------------------------------------------------------------


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
            return queryset.exclude(revoked_at=None)
        if self.value() == "expired":
            return queryset.unrevoked().expired(now)
        return queryset


class UserFilter(admin.SimpleListFilter):
    """``?user=<id>``, the link from a user's page; no list of every user to pick from."""

    title = "user"
    parameter_name = "user"

    def lookups(self, request, model_admin):
        return ()

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(user_id=self.value()) if self.value().isdigit() else queryset.none()


def _session_status(session: LoginSession) -> str:
    if session.revoked_at is not None:
        return f"revoked ({session.revoked_reason})"
    if session.active:
        return "active"
    return "expired" if session.expires_at <= timezone.now() else "ended"


@admin.register(LoginSession)
class LoginSessionAdmin(RecordAdmin):
    list_display = (
        "user",
        "status",
        "created",
        "last_used",
        "expires",
        "ip_address",
        "user_agent",
    )
    list_filter = (SessionStatusFilter, "revoked_reason", UserFilter)
    list_select_related = ("user",)
    ordering = ("-last_used_at",)
    actions = ("revoke_sessions",)
    fields = readonly_fields = (
        "id",
        "user",
        "status",
        "created",
        "last_used",
        "expires",
        "user_agent",
        "ip_address",
        "revoked",
        "revoked_reason",
    )

    def get_queryset(self, request):
        # Whether each session is active, by the one definition, in the page's own query.
        active = LoginSession.objects.active().filter(pk=OuterRef("pk"))
        return super().get_queryset(request).annotate(active=Exists(active))

    def search_filter(self, term: str) -> Q:
        matches = super().search_filter(term)
        if _reads_as(ipaddress.ip_address, term):
            matches |= Q(ip_address=term)
        if _reads_as(uuid.UUID, term):
            matches |= Q(pk=term)
        return matches

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_loginsession")

    @admin.display(description="status")
    def status(self, session: LoginSession) -> str:
        return _session_status(session)

    @admin.display(description="created", ordering="created_at")
    def created(self, session):
        return _when(session.created_at)

    @admin.display(description="last used", ordering="last_used_at")
    def last_used(self, session):
        return _when(session.last_used_at)

    @admin.display(description="expires", ordering="expires_at")
    def expires(self, session):
        return _when(session.expires_at)

    @admin.display(description="revoked")
    def revoked(self, session):
        return _when(session.revoked_at)

    @admin.action(description=_("Revoke the selected sessions"), permissions=["revoke"])
    def revoke_sessions(self, request, queryset):
        count = sessions_revoke(sessions=queryset, reason=RevokeReason.ADMIN)
        self.message_user(request, _revoked_message(count), messages.SUCCESS)


def _reads_as(parse, term: str) -> bool:
    try:
        parse(term)
    except ValueError:
        return False
    return True


# --- Tokens -------------------------------------------------------------------------------------


class TokenStateFilter(admin.SimpleListFilter):
    """current: its session's newest token, and the session active; rotated: blacklisted when its
    successor was issued; revoked: the newest token of a revoked session; expired: past its exp."""

    title = "state"
    parameter_name = "state"

    def __init__(self, request, params, model, model_admin):
        self.token_path = model_admin.token_path
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return (
            ("current", "Current"),
            ("rotated", "Rotated"),
            ("revoked", "Revoked"),
            ("expired", "Expired"),
        )

    def queryset(self, request, queryset):
        now = timezone.now()
        token = self.token_path
        of_active_session = LoginSession.objects.active(now).filter(
            current_refresh=OuterRef(token or "pk")
        )
        if self.value() == "current":
            return queryset.filter(Exists(of_active_session))
        if self.value() == "rotated":
            return queryset.filter(
                **{_path(token, "blacklistedtoken__isnull"): False},
                **{_path(token, "login_session__isnull"): True},
            )
        if self.value() == "revoked":
            return queryset.filter(
                Q(**{_path(token, "login_session__revoked_at__isnull"): False})
                | Q(
                    **{_path(token, "login_session__isnull"): False},
                    **{_path(token, "blacklistedtoken__isnull"): False},
                )
            )
        if self.value() == "expired":
            return queryset.filter(**{_path(token, "expires_at__lte"): now})
        return queryset


def _path(prefix: str, lookup: str) -> str:
    return f"{prefix}__{lookup}" if prefix else lookup


class TokenRecordAdmin(RecordAdmin):
    """What both token tables show of a refresh token: its user, its session (linked), its
    state and why it was blacklisted. ``token_path`` leads from a row to its OutstandingToken."""

    token_path = ""
    list_filter = (TokenStateFilter,)

    def get_queryset(self, request):
        # The session named by the jti's first characters, and its user agent, in the page's
        # own query: a rotated token is no longer its session's current one.
        named_session = Cast(
            Substr(_path(self.token_path, "jti"), 1, JTI_SESSION_PREFIX_LENGTH),
            output_field=UUIDField(),
        )
        session = LoginSession.objects.filter(pk=OuterRef("named_session"))
        return (
            super()
            .get_queryset(request)
            .annotate(named_session=named_session)
            .annotate(
                session_id=Subquery(session.values("pk")[:1]),
                session_user_agent=Subquery(session.values("user_agent")[:1]),
            )
        )

    def search_filter(self, term: str) -> Q:
        return super().search_filter(term) | Q(**{_path(self.token_path, "jti"): term})

    def outstanding(self, row) -> OutstandingToken:
        return row

    @admin.display(description="session")
    def session(self, row):
        if row.session_id is None:
            return "-"
        url = reverse("admin:accounts_loginsession_change", args=[row.session_id])
        return format_html('<a href="{}">{}</a>', url, str(row.session_id)[:8])

    @admin.display(description="user agent")
    def user_agent(self, row):
        return row.session_user_agent or "-"

    @admin.display(description="state")
    def state(self, row) -> str:
        token = self.outstanding(row)
        current_of = getattr(token, "login_session", None)
        blacklisted = hasattr(token, "blacklistedtoken")
        if current_of is not None and (current_of.revoked_at is not None or blacklisted):
            return "revoked"
        if token.expires_at <= timezone.now():
            return "expired"
        if blacklisted:
            return "rotated"
        return "current" if current_of is not None else "ended"

    @admin.display(description="blacklisted because")
    def blacklist_reason(self, row) -> str:
        token = self.outstanding(row)
        if not hasattr(token, "blacklistedtoken"):
            return "-"
        current_of = getattr(token, "login_session", None)
        if current_of is None:
            # Its successor took its place; it was blacklisted then.
            return "rotation"
        return current_of.revoked_reason or "blacklisted outside the service"

    @admin.display(description="created")
    def created(self, row):
        return _when(self.outstanding(row).created_at)

    @admin.display(description="expires")
    def expires(self, row):
        return _when(self.outstanding(row).expires_at)


admin.site.unregister(OutstandingToken)
admin.site.unregister(BlacklistedToken)


_TOKEN_COLUMNS = ("jti", "user", "session", "state", "blacklist_reason")


@admin.register(OutstandingToken)
class OutstandingTokenAdmin(TokenRecordAdmin):
    list_display = (*_TOKEN_COLUMNS, "created", "expires", "user_agent")
    list_select_related = ("user", "login_session", "blacklistedtoken")
    ordering = ("-id",)
    fields = readonly_fields = list_display


@admin.register(BlacklistedToken)
class BlacklistedTokenAdmin(TokenRecordAdmin):
    token_path = "token"
    user_path = "token__user_id"
    list_display = (*_TOKEN_COLUMNS, "blacklisted", "created", "expires", "user_agent")
    list_select_related = ("token__user", "token__login_session")
    ordering = ("-id",)
    fields = readonly_fields = list_display

    def outstanding(self, row) -> OutstandingToken:
        return row.token

    @admin.display(description="jti")
    def jti(self, row):
        return row.token.jti

    @admin.display(description="user")
    def user(self, row):
        return row.token.user

    @admin.display(description="blacklisted", ordering="blacklisted_at")
    def blacklisted(self, row):
        return _when(row.blacklisted_at)


# --- Security events ---------------------------------------------------------------------------


@admin.register(SecurityEvent)
class SecurityEventAdmin(RecordAdmin):
    list_display = ("user", "kind", "when", "ip_address", "detail")
    list_filter = ("kind", UserFilter)
    list_select_related = ("user",)
    ordering = ("-created_at",)
    fields = readonly_fields = ("user", "kind", "when", "ip_address", "detail")

    @admin.display(description="when", ordering="created_at")
    def when(self, event):
        return _when(event.created_at)


# --- Email outbox -------------------------------------------------------------------------------


@admin.register(OutboxEmail)
class OutboxEmailAdmin(RecordAdmin):
    """What the worker has delivered or still owes; never a recipient or content (encrypted,
    and emptied once sent)."""

    list_display = ("id", "template", "user", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "template")
    list_select_related = ("user",)
    fields = (
        "template",
        "user",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "available_at",
        "claimed_by",
        "lease_expires_at",
        "sent_at",
    )
    ordering = ("-created_at",)
    search_help_text = "Username or email (or its beginning)."
