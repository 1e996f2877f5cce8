from django.contrib.auth.backends import ModelBackend

from comity.accounts.models import User


class AuthorityModelBackend(ModelBackend):
    """Loads the user's authority with the user: every page shows it and scopes by it."""

    def get_user(self, user_id):
        try:
            user = User.objects.select_related("authority").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
