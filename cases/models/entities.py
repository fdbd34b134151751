"""The entity registry, shared by violations and cases: one vehicle is one record
everywhere. Identifiers are normalised (cases/lib/identifiers.py) into ``key`` so that the
same plate typed two ways is found as the same entity."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class EntityKind(models.TextChoices):
    """The kinds an officer or analyst registers by hand: each value is the name of a
    followthemoney schema. Phone, EmailAddress, Container and CustomsDeclaration are the
    portal's own extensions of FtM (cases/lib/ftm_extensions.yaml). An import may bring
    any other FtM schema (Sanction, Airplane...): ``Entity.kind`` holds any schema of
    the model, not only these."""

    PERSON = "Person", _("Person")
    COMPANY = "Company", _("Company")
    ORGANIZATION = "Organization", _("Organization")
    VEHICLE = "Vehicle", _("Vehicle")
    VESSEL = "Vessel", _("Vessel")
    CONTAINER = "Container", _("Container")
    PHONE = "Phone", _("Phone")
    EMAIL = "EmailAddress", _("E-mail")
    ADDRESS = "Address", _("Address")
    IDENTITY_DOCUMENT = "Identification", _("Identity document")
    PASSPORT = "Passport", _("Passport")
    BANK_ACCOUNT = "BankAccount", _("Bank account")
    SHIPMENT = "CustomsDeclaration", _("Customs declaration (MRN)")


def validate_schema(value: str) -> None:
    """``value`` must be a concrete schema of the portal's FtM model."""
    from cases.lib.ftm import schema_get

    schema = schema_get(value)
    if schema is None or schema.abstract:
        raise ValidationError(
            _("“%(value)s” is not a followthemoney schema."), params={"value": value}
        )


def validate_edge_schema(value: str) -> None:
    """``value`` must be an interstitial (edge) schema, such as Ownership, or one of the
    portal's own link kinds (lower case, such as ``holds_document``)."""
    from cases.lib.ftm import schema_get

    if value.islower():
        return
    schema = schema_get(value)
    if schema is None or not schema.edge or schema.abstract:
        raise ValidationError(
            _("“%(value)s” is not a followthemoney relation schema."), params={"value": value}
        )


class PortalLink(models.TextChoices):
    """The portal's own relation kinds (lower case): links that FtM keeps as a property
    of one end (Identification:holder, Thing:addressEntity), also stored as relations so
    that the link chart, its paths and its pivots on shared identifiers see them. An FtM
    export leaves them out: the property on the entity carries them."""

    HOLDS_DOCUMENT = "holds_document", _("Holds the document")
    HAS_ADDRESS = "has_address", _("Has the address")


def portal_link_label(kind: str) -> str:
    """The name of one of the portal's own link kinds in the active language; another
    lower-case kind as written, its underscores as spaces."""
    if kind in PortalLink.values:
        return str(PortalLink(kind).label)
    return kind.replace("_", " ")


class ProvenanceKind(models.TextChoices):
    PERSON = "person", _("Person")
    IMPORT = "import", _("Import")
    DOCUMENT = "document", _("Document")


class Entity(models.Model):
    # The FtM schema ("Person", "Company", "Ownership"...).
    kind = models.CharField(_("schema"), max_length=40, validators=[validate_schema], db_index=True)
    # The FtM entity id: kept from an import, made up ("cep-...") for an entity born here.
    ftm_id = models.CharField(_("FtM id"), max_length=200, unique=True, null=True, blank=True)
    label = models.CharField(_("name"), max_length=300)
    # Normalised identifier (plate with country, VIN, IBAN, E.164 phone, document
    # number with country and type...); empty where a kind has none (a person).
    key = models.CharField(_("identifier"), max_length=200, blank=True)
    # FtM properties: {"birthDate": ["1980-01-02"], "nationality": ["lt"], ...}.
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    # What an FtM record carried besides id, schema and properties (caption, datasets,
    # referents, first_seen...), kept so that an export gives back what was imported.
    ftm_extra = models.JSONField(default=dict, blank=True)
    provenance = models.CharField(_("provenance"), max_length=300, blank=True)
    # For resolution (cases/lib/matching.py): phonetic codes of the name's words after
    # transliteration, and every identifier the properties hold, both GIN-indexed so
    # that candidates are found without scanning the registry.
    name_codes = ArrayField(models.CharField(max_length=12), default=list, blank=True)
    identifiers = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    # Set when an analyst merged this entity into another; undone merges clear it.
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["label"]
        permissions = [("export_entity", "Can export entities")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=~models.Q(key=""),
                name="entity_unique_key_per_kind",
            )
        ]
        indexes = [
            GinIndex(name="entity_label_trgm", fields=["label"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="entity_key_trgm", fields=["key"], opclasses=["gin_trgm_ops"]),
            # Resolution searches these three for every entity an import creates: without
            # fastupdate, as a pending list of recent entries (read whole by each search)
            # made a batch's candidate search several times slower.
            GinIndex(name="entity_name_codes", fields=["name_codes"], fastupdate=False),
            GinIndex(name="entity_identifiers", fields=["identifiers"], fastupdate=False),
            # A person without an identifier is found by name and date of birth, the
            # name case-blind (imports look up a batch of names at once).
            models.Index(Upper("label"), name="entity_label_upper"),
            # Resolution's candidates sharing a date of birth with a new entity, found
            # without reading every entity that shares a common name sound.
            GinIndex(
                KeyTransform("birthDate", "properties"), name="entity_birth_dates", fastupdate=False
            ),
            # The people whose date of birth is not known, by name sound: a new person
            # born on a known day may match one of them (or one born the same day, found
            # above), never a namesake born another day, and in a large registry reading
            # every namesake's row to learn its date was most of the candidates' search.
            GinIndex(
                name="entity_undated_person_codes",
                fields=["name_codes"],
                fastupdate=False,
                condition=models.Q(kind="Person") & ~models.Q(properties__has_key="birthDate"),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("entities:entity-detail", args=[self.pk])

    @property
    def export_id(self) -> str:
        """The FtM id this entity has in an export."""
        return self.ftm_id or f"cep-{self.pk}"


class Relation(models.Model):
    """A typed, dated link between two entities, with who or what said so.

    ``kind`` is an FtM interstitial schema (Ownership, Directorship, Family, Payment...):
    ``source`` is its edge source (the owner, the director, the payer) and ``target`` its
    edge target; the interstitial entity's other properties (percentage, role, amount...)
    are in ``properties`` and its FtM id in ``ftm_id``, so that an export gives back the
    same entity. A lower-case ``kind`` (``holds_document``) is a link of the portal's
    own that FtM keeps as a property instead (Identification:holder).
    """

    source = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(_("relation"), max_length=40, validators=[validate_edge_schema])
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("to"), null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(_("confidence (%)"), default=100)
    provenance = models.CharField(_("provenance"), max_length=300, blank=True)
    provenance_kind = models.CharField(
        _("provenance kind"),
        max_length=10,
        choices=ProvenanceKind.choices,
        default=ProvenanceKind.PERSON,
    )
    # The FtM id of the interstitial entity (unique: one relation per FtM entity).
    ftm_id = models.CharField(_("FtM id"), max_length=200, unique=True, null=True, blank=True)
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    ftm_extra = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__lte=100), name="relation_confidence_max_100"
            ),
            # Two Payments between the same pair are two relations (each its own FtM
            # entity); a relation typed here without an FtM id stays one per kind.
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                condition=models.Q(ftm_id__isnull=True),
                name="relation_unique_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} —{self.kind}→ {self.target}"
