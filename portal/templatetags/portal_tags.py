from django import template

from portal.roles import role_labels

register = template.Library()


@register.filter
def role_label(name: str) -> str:
    """The translated label of a role name ("officer" -> "Officer" / "Pareigūnas")."""
    labels = role_labels([name])
    return labels[0] if labels else name
