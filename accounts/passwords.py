from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """A password must mix at least three of: lower case, upper case, digits, symbols."""

    min_classes = 3

    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least three of: lower-case letters, upper-case "
            "letters, digits and symbols."
        )


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with a message of our own: Django 5.2's new wording of it has no
    Simplified Chinese translation yet."""

    def get_error_message(self) -> str:
        return _("This password is too short: it must have at least %(n)d characters.") % {
            "n": self.min_length
        }
