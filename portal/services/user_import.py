"""Bulk creation of users from a CSV or XLSX file: read, check every row, create all or
nothing.

The file is read into plain rows (``user_import_read``), each row is checked against the
file and the database (``user_import_check``), and only a file without a single error is
created (``user_import_create``), in one transaction that checks again, because other
administrators may have created a person between the preview and the confirmation.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any
from zipfile import BadZipFile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from portal.lib.exports import csv_safe_row
from portal.lib.text import hidden_characters_problem, length_problem
from portal.models import AuditAction, OrgUnit, User
from portal.roles import ROLE_LABELS, Role
from portal.services.audit import audit_record
from portal.services.invitations import invitations_send
from portal.services.users import (
    FirstSignIn,
    NewUser,
    OneTimePassword,
    user_create_by_administrator,
)

# The columns of the file, in the order of the template; the header row names them.
COLUMNS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "badge_number",
    "phone",
    "unit_code",
    "roles",
]
REQUIRED_COLUMNS = ["username", "first_name", "last_name", "roles"]
COLUMN_LABELS = {
    "username": gettext_lazy("Username"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "email": gettext_lazy("E-mail"),
    "badge_number": gettext_lazy("Badge number"),
    "phone": gettext_lazy("Phone"),
    "unit_code": gettext_lazy("Unit code"),
    "roles": gettext_lazy("Roles"),
}
MAX_LENGTHS = {
    "username": 150,
    "first_name": 150,
    "last_name": 150,
    "email": 254,
    "badge_number": 30,
    "phone": 30,
}
USERNAME_VALIDATOR = RegexValidator(r"^[\w.@+-]+$")
ROLE_SEPARATORS = (";", ",", "|")


class ImportFileRefusedError(Exception):
    """The file as a whole cannot be read (its kind, size, encoding, header)."""


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    value: str
    reason: str

    @property
    def column_label(self) -> str:
        return str(COLUMN_LABELS.get(self.column, self.column))


@dataclass
class ImportRow:
    number: int
    values: dict[str, str]
    roles: list[Role] = field(default_factory=list)
    unit: OrgUnit | None = None
    errors: list[RowError] = field(default_factory=list)

    def error(self, column: str, reason: str) -> None:
        self.errors.append(
            RowError(
                row=self.number, column=column, value=self.values.get(column, ""), reason=reason
            )
        )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a badge number typed as a number: 1234, not 1234.0
    return str(value).strip()


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        # utf-8-sig reads UTF-8 with or without the byte-order mark Excel writes.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileRefusedError(
            _(
                "The file is not UTF-8 text (a byte that UTF-8 does not allow at position "
                "%(position)d). In Excel choose “Save as” → “CSV UTF-8”, or upload an XLSX file."
            )
            % {"position": error.start + 1}
        ) from error
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        # data_only=False: a formula is read as its text, never evaluated (and refused
        # row by row below); read_only streams the sheet.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileRefusedError(
            _("The file cannot be read as an Excel workbook (.xlsx).")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        # Blank rows are skipped, but not without end: a sheet of a million empty rows
        # (a few KB compressed) is refused instead of read.
        blank_limit = 10 * settings.USER_IMPORT_MAX_ROWS
        blank = 0
        for values in sheet.iter_rows(values_only=True):
            cells = [_cell_text(value) for value in values]
            if not any(cells):
                blank += 1
                if blank > blank_limit:
                    raise ImportFileRefusedError(
                        _("The sheet has more than %(limit)d empty rows: remove them.")
                        % {"limit": blank_limit}
                    )
                continue
            rows.append(cells)
            # The header and one row over the limit are enough to refuse the file.
            if len(rows) > settings.USER_IMPORT_MAX_ROWS + 1:
                break
        return rows
    except (BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileRefusedError(
            _("The file cannot be read as an Excel workbook (.xlsx).")
        ) from error
    finally:
        workbook.close()


def user_import_read(*, upload: IO[bytes], name: str, size: int) -> list[ImportRow]:
    """The rows of an uploaded CSV or XLSX file, by column name; ImportFileRefusedError when the
    file as a whole cannot be used."""
    if size > settings.USER_IMPORT_MAX_BYTES:
        raise ImportFileRefusedError(
            _("The file is larger than %(limit)s: split it into smaller files.")
            % {"limit": filesizeformat(settings.USER_IMPORT_MAX_BYTES)}
        )
    data = upload.read(settings.USER_IMPORT_MAX_BYTES + 1)
    if not data.strip():
        raise ImportFileRefusedError(_("The file is empty."))
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        table = _read_xlsx(data)
    elif lowered.endswith((".csv", ".txt")):
        table = _read_csv(data)
    else:
        raise ImportFileRefusedError(_("Upload a .csv or .xlsx file."))
    table = [row for row in table if any(cell for cell in row)]
    if not table:
        raise ImportFileRefusedError(_("The file is empty."))
    header = [cell.strip().lower().replace(" ", "_") for cell in table[0]]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileRefusedError(
            _("The header row lacks the columns %(columns)s. Start from the template file.")
            % {"columns": ", ".join(missing)}
        )
    unknown = [cell for cell in header if cell and cell not in COLUMNS]
    if unknown:
        raise ImportFileRefusedError(
            _("Unknown columns in the header row: %(columns)s. The columns are %(known)s.")
            % {"columns": ", ".join(unknown), "known": ", ".join(COLUMNS)}
        )
    body = table[1:]
    if not body:
        raise ImportFileRefusedError(_("The file has a header row but no people."))
    if len(body) > settings.USER_IMPORT_MAX_ROWS:
        raise ImportFileRefusedError(
            _("The file has more than %(limit)d rows: split it into smaller files.")
            % {"limit": settings.USER_IMPORT_MAX_ROWS}
        )
    rows = []
    for index, cells in enumerate(table[1:], start=2):
        values = dict.fromkeys(COLUMNS, "")
        for position, column in enumerate(header):
            if column in values and position < len(cells):
                values[column] = cells[position]
        rows.append(ImportRow(number=index, values=values))
    return rows


def user_import_size_check(*, rows: list[ImportRow], first_sign_in: FirstSignIn) -> None:
    """ImportFileRefusedError when the file holds more people than one confirmation
    creates in reasonable time with one-time passwords (each is hashed)."""
    limit = settings.USER_IMPORT_MAX_ONE_TIME_PASSWORDS
    if first_sign_in == FirstSignIn.ONE_TIME_PASSWORD and len(rows) > limit:
        raise ImportFileRefusedError(
            _(
                "At most %(limit)d people get one-time passwords from one file: send "
                "invitations instead, or split the file."
            )
            % {"limit": limit}
        )


def _role_lookup() -> dict[str, Role]:
    """A role by its code or its label, in either language, case-insensitively."""
    from django.utils.translation import override

    names: dict[str, Role] = {}
    for role in Role:
        names[role.value.lower()] = role
        for language, _name in settings.LANGUAGES:
            with override(language):
                names[str(ROLE_LABELS[role]).lower()] = role
    return names


def user_import_check(*, rows: list[ImportRow], first_sign_in: FirstSignIn) -> list[ImportRow]:
    """Check every row against the rules of a new user, the other rows of the file and
    the database; each problem is recorded on its row with the column, value and reason."""
    roles = _role_lookup()
    units = {unit.code.lower(): unit for unit in OrgUnit.objects.all()}
    usernames = Counter(row.values["username"].lower() for row in rows if row.values["username"])
    emails = Counter(row.values["email"].lower() for row in rows if row.values["email"])
    taken_usernames = set(
        User.objects.annotate(lowered=Lower("username"))
        .filter(lowered__in=list(usernames))
        .values_list("lowered", flat=True)
    )
    taken_emails = set(
        User.objects.annotate(lowered=Lower("email"))
        .filter(lowered__in=list(emails))
        .values_list("lowered", flat=True)
    )
    for row in rows:
        row.errors = []
        values = row.values
        for column in ("username", "first_name", "last_name"):
            if not values[column]:
                row.error(column, _("Required."))
        for column, limit in MAX_LENGTHS.items():
            if values[column] and (problem := length_problem(values[column], limit)):
                row.error(column, str(problem))
        for column in COLUMNS:
            if values[column].startswith("="):
                row.error(column, _("Formulas are not accepted: type the value itself."))
        for column in ("first_name", "last_name"):
            if problem := hidden_characters_problem(values[column]):
                row.error(column, str(problem))
        username = values["username"]
        if username:
            try:
                USERNAME_VALIDATOR(username)
            except ValidationError:
                row.error("username", _("Letters, digits and @ . + - _ only."))
            if usernames[username.lower()] > 1:
                row.error("username", _("The same username is on another row of the file."))
            if username.lower() in taken_usernames:
                row.error("username", _("A user with this username exists already."))
        email = values["email"]
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.error("email", _("Not a valid e-mail address."))
            if emails[email.lower()] > 1:
                row.error("email", _("The same e-mail address is on another row of the file."))
            if email.lower() in taken_emails:
                row.error("email", _("A user with this e-mail address exists already."))
        elif first_sign_in == FirstSignIn.INVITATION:
            row.error("email", _("Required: the invitation is sent by e-mail."))
        row.roles = []
        names = values["roles"]
        for separator in ROLE_SEPARATORS:
            names = names.replace(separator, ";")
        for name in (part.strip() for part in names.split(";")):
            if not name:
                continue
            role = roles.get(name.lower())
            if role is None:
                row.error(
                    "roles",
                    _("Unknown role “%(role)s”; the roles are %(known)s.")
                    % {"role": name, "known": ", ".join(role.value for role in Role)},
                )
            elif role not in row.roles:
                row.roles.append(role)
        if not values["roles"]:
            row.error("roles", _("Give at least one role."))
        row.unit = None
        code = values["unit_code"]
        if code:
            unit = units.get(code.lower())
            if unit is None:
                row.error("unit_code", _("No unit has this code."))
            elif not unit.is_active:
                row.error("unit_code", _("This unit is deactivated."))
            else:
                row.unit = unit
    return rows


def user_import_errors(rows: list[ImportRow]) -> list[RowError]:
    return [error for row in rows for error in row.errors]


@transaction.atomic
def user_import_create(
    *,
    actor: User,
    rows: list[ImportRow],
    first_sign_in: FirstSignIn,
    file_name: str,
    passwords: dict[int, OneTimePassword] | None = None,
) -> list[NewUser]:
    """Create every row's person, or none: the rows are checked again inside the
    transaction (ValidationError when any has an error now), and a failure of any one
    rolls back all. Invitations are e-mailed on commit. ``passwords``: the one-time
    passwords made beforehand, by row number."""
    # One administrator's import at a time: two imports of one file cannot both pass the
    # check and then collide on the unique username.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    user_import_check(rows=rows, first_sign_in=first_sign_in)
    if user_import_errors(rows):
        raise ValidationError(_("Some rows have errors: nothing was created."))
    created: list[NewUser] = []
    for row in rows:
        values = row.values
        created.append(
            user_create_by_administrator(
                actor=actor,
                username=values["username"],
                roles=row.roles,
                first_sign_in=first_sign_in,
                fields={
                    "first_name": values["first_name"],
                    "last_name": values["last_name"],
                    "email": values["email"],
                    "badge_number": values["badge_number"],
                    "phone": values["phone"],
                    "org_unit": row.unit,
                },
                send=False,
                prepared_password=(passwords or {}).get(row.number),
            )
        )
    invitations_send([new.invitation for new in created if new.invitation is not None])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="portal.user",
        object_repr=file_name[:200],
        changes={
            "bulk_import": {
                "file": file_name[:200],
                "created": [new.user.username for new in created],
                "first_sign_in": first_sign_in.value,
            }
        },
    )
    return created


def user_import_template_csv() -> str:
    """The template file: the header row and two example rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "jonaitis",
            "Jonas",
            "Jonaitis",
            "jonas.jonaitis@customs.example",
            "LT-1001",
            "+37060000001",
            "",
            "officer",
        ]
    )
    writer.writerow(
        [
            "petraityte",
            "Ona",
            "Petraitytė",
            "ona.petraityte@customs.example",
            "",
            "",
            "",
            "analyst;dispatcher",
        ]
    )
    return out.getvalue()


def user_import_result_csv(created: list[NewUser]) -> bytes:
    """The created accounts with what each person first signs in with: their invitation
    link or their one-time password. Secrets: the job keeps it downloadable once."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "username",
            "first_name",
            "last_name",
            "email",
            "invitation_link",
            "invitation_expires",
            "one_time_password",
        ]
    )
    for new in created:
        link = new.invitation
        writer.writerow(
            csv_safe_row(
                [
                    new.user.username,
                    new.user.first_name,
                    new.user.last_name,
                    new.user.email,
                    link.url if link else "",
                    timezone.localtime(link.invitation.expires).strftime("%Y-%m-%d %H:%M")
                    if link
                    else "",
                    new.one_time_password,
                ]
            )
        )
    # With a byte-order mark: Excel then opens the file as UTF-8 (names like Petraitytė).
    return ("\ufeff" + out.getvalue()).encode("utf-8")
