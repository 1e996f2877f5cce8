from django.contrib.auth.backends import ModelBackend

from comity.accounts.models import User


class AuthorityModelBackend(ModelBackend):
    """Loads the user's authority with the user: every page shows it and scopes by it."""

    def get_user(self, user_id):
        user = User.objects.select_related("authority").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
