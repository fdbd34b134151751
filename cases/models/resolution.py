"""Entity resolution: proposed matches between registry entities, the analyst's
judgement on each pair, and merges that can be undone."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.entities import Entity


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SAME = "same", _("Same")
    DIFFERENT = "different", _("Different")


class EntityMatch(models.Model):
    """A pair of entities that may be one, stored once (``left`` has the lower id). The
    row stays after the analyst's judgement: a pair judged "different" is never
    proposed again, a pair judged "same" is not proposed again either."""

    left = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("score (%)"))
    # [{"code": "name" | "birth_date" | "identifier" | ..., "params": {...}}]
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposed match")
        verbose_name_plural = _("proposed matches")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="entity_match_unique_pair"),
            models.CheckConstraint(
                condition=models.Q(left__lt=models.F("right")), name="entity_match_ordered_pair"
            ),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="entity_match_score"),
        ]
        indexes = [models.Index(fields=["status", "-score"], name="entity_match_queue")]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.score}%)"


class EntityMerge(models.Model):
    """``absorbed`` merged into ``kept``: what moved, and what each looked like before,
    so that an undo gives both back with their links."""

    kept = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="merges_kept")
    absorbed = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="merges_absorbed")
    match = models.ForeignKey(
        EntityMatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="merges"
    )
    # {"kept_properties": {...}, "absorbed_properties": {...}, "absorbed_provenance": "",
    #  "relations": [[id, "source" | "target"], ...], "involvements": [id, ...]}
    snapshot = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.absorbed_id} → {self.kept_id}"
