"""Login by username or by email address, both compared case-insensitively."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from accounts.models import same_text_ignoring_case


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        candidates = list(
            User._default_manager.filter(
                Q(same_text_ignoring_case("username", username))
                | Q(same_text_ignoring_case("email", username))
            )[:2]
        )
        # A username that reads like another account's email address names its own account.
        candidates.sort(key=lambda user: user.username.lower() != username.lower())
        if not candidates:
            # Hash anyway, so an unknown account costs as much time as a wrong password.
            User().set_password(password)
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
