"""Login by username or by email address, compared in canonical form."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from accounts.selectors import user_by_identifier_get


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not isinstance(username, str) or password is None:
            return None
        user = user_by_identifier_get(identifier=username.strip(), request=request)
        if user is None:
            # Hash anyway, so an unknown account costs as much time as a wrong password.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
