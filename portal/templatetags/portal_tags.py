from django import template

from portal.roles import role_labels

register = template.Library()


@register.filter
def role_label(name: str) -> str:
    """The translated label of a role name ("officer" -> "Officer" / "Pareigūnas")."""
    labels = role_labels([name])
    return labels[0] if labels else name


@register.filter
def as_dms(point: object) -> str:
    """A point in degrees, minutes and seconds."""
    from portal.lib.coordinates import point_to_dms

    return point_to_dms(point) if point is not None else ""  # type: ignore[arg-type]


@register.filter
def as_lks94(point: object) -> str:
    """A point in the Lithuanian grid LKS-94 (EPSG:3346), as "x y" metres."""
    from portal.lib.coordinates import point_to_lks94

    if point is None:
        return ""
    easting, northing = point_to_lks94(point)  # type: ignore[arg-type]
    return f"{easting} {northing}"
