"""Django's password rules with help texts of our own catalogue: Django's Lithuanian
lacks the help texts it rewrote (with a typographic apostrophe) in 5.x, so the
password pages showed English between Lithuanian lines. The rules are Django's."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_help_text(self) -> str:
        return _("Your password cannot be too similar to your name, username or e-mail.")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_help_text(self) -> str:
        return _("Your password cannot be a commonly used password.")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_help_text(self) -> str:
        return _("Your password cannot be entirely numeric.")
