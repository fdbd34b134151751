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


@register.filter
def detail_rows(violation: object) -> list[tuple[str, str]]:
    """(label, shown value) for each category fact the violation carries."""
    from cases.services.categories import field_label

    category = violation.category  # type: ignore[attr-defined]
    details = violation.details or {}  # type: ignore[attr-defined]
    rows = []
    for definition in category.field_definitions:
        if definition["name"] not in details:
            continue
        value = details[definition["name"]]
        if definition.get("type") == "choice":
            labels = {c[0]: c for c in definition.get("choices", [])}
            choice = labels.get(value)
            lithuanian = field_label({"name": "", "label_lt": "lt", "label_en": ""}) == "lt"
            value = (choice[2] if lithuanian else choice[1]) if choice else value
        elif definition.get("type") == "boolean":
            from django.utils.translation import gettext

            value = gettext("yes") if value else gettext("no")
        rows.append((field_label(definition), str(value)))
    return rows
