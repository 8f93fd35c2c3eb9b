"""The mapping from a report's figures to DHIS2 codes, and the record of each export.

A mapping version is valid from one day to another (or on): a report of a period uses the
version of its definition in force on the period's last day. Only administrators edit it (the
admin, audited by auditlog); the secretariat reads it on the export page."""

import re

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsi.tenant import Region

# DHIS2 codes: at most 50 characters, no spaces or quotes (they go into XML attributes and URLs).
code_validator = RegexValidator(
    r"^[A-Za-z0-9_.\-]+$", _("A DHIS2 code holds letters, digits, '_', '-' and '.' only, no spaces.")
)
OPTIONS = re.compile(r"^[A-Za-z0-9_.\-]+=[A-Za-z0-9_.\-]+(,[A-Za-z0-9_.\-]+=[A-Za-z0-9_.\-]+)*$")


def validate_options(value):
    if value and not OPTIONS.match(value):
        raise ValidationError(_('Write category code=option code pairs separated by commas, e.g. "SEX=F,AGE=LT25".'))


def options(value):
    """``"SEX=F,AGE=LT25"`` as ``[("SEX", "F"), ("AGE", "LT25")]``."""
    return [tuple(pair.split("=", 1)) for pair in value.split(",")] if value else []


def definition_choices():
    from ..definitions import DEFINITIONS  # the definitions import the indicators, which import models

    return [(d.key, d.title) for d in DEFINITIONS.values()]


class MappingVersion(models.Model):
    definition = models.CharField(_("report"), max_length=20, choices=definition_choices)
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. the national HIV programme's data set, 2026."))
    data_set = models.CharField(
        _("DHIS2 data set code"), max_length=50, validators=[code_validator], help_text=_("The data set's code.")
    )
    attribute_option_combo = models.CharField(
        _("attribute option combo code"),
        max_length=50,
        blank=True,
        validators=[code_validator],
        help_text=_("Optional: e.g. the funding mechanism every value of this export belongs to (JSON)."),
    )
    adx_attribute_options = models.CharField(
        _("attribute options for ADX"),
        max_length=200,
        blank=True,
        validators=[validate_options],
        help_text=_('The same as category code=option code pairs, for ADX, e.g. "FUNDER=GF".'),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty: still valid."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("DHIS2 mapping version")
        verbose_name_plural = _("DHIS2 mapping versions")
        ordering = ["definition", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="mapping_valid_to_after_valid_from",
                violation_error_message=_("A version cannot end before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.valid_from:%Y-%m-%d} – {self.valid_to or '…'})"

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("A version cannot end before it starts.")})
        if self.definition and self.valid_from:
            overlapping = MappingVersion.objects.filter(definition=self.definition).exclude(pk=self.pk)
            overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
            if self.valid_to:
                overlapping = overlapping.filter(valid_from__lte=self.valid_to)
            if overlapping.exists():
                raise ValidationError(
                    _("Another version of this report's mapping is valid on some of these days: end it first.")
                )

    @classmethod
    def in_force(cls, definition_key, day):
        """The version of ``definition_key`` valid on ``day`` (a period's last day), or None."""
        return (
            cls.objects.filter(definition=definition_key, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("-valid_from")
            .first()
        )


class DataElementMapping(models.Model):
    """One figure of the report (a key figure, or a table's cell by its row and column) and the
    DHIS2 data element and category option combo it is sent as."""

    version = models.ForeignKey(
        MappingVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="data_elements"
    )
    figure = models.CharField(
        _("figure"),
        max_length=80,
        help_text=_('A key figure as "figure:visits", or a table\'s key, e.g. "services_by_type".'),
    )
    row = models.CharField(
        _("row"),
        max_length=80,
        blank=True,
        help_text=_(
            "The row's key; empty for a key figure; \"*\" for every branch's row of a table by branch (each sent "
            "under its branch's org unit)."
        ),
    )
    column = models.CharField(
        _("column"), max_length=80, blank=True, help_text=_("The column's key; empty for a key figure.")
    )
    data_element = models.CharField(_("data element code"), max_length=50, validators=[code_validator])
    category_option_combo = models.CharField(
        _("category option combo code"),
        max_length=50,
        blank=True,
        validators=[code_validator],
        help_text=_("The disaggregation (e.g. female, under 25) for JSON; empty: the default."),
    )
    adx_category_options = models.CharField(
        _("category options for ADX"),
        max_length=200,
        blank=True,
        validators=[validate_options],
        help_text=_('The same disaggregation as category code=option code pairs, e.g. "SEX=F,AGE=LT25".'),
    )
    zero_is_significant = models.BooleanField(
        _("zero is significant"),
        default=False,
        help_text=_("As set on the data element in DHIS2: whether DHIS2 stores a zero."),
    )

    class Meta:
        verbose_name = _("data element mapping")
        verbose_name_plural = _("data element mappings")
        ordering = ["figure", "row", "column"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "figure", "row", "column"],
                name="one_mapping_per_figure",
                violation_error_message=_("This figure is already mapped in this version."),
            ),
            models.UniqueConstraint(
                fields=["version", "data_element", "category_option_combo"],
                name="one_figure_per_data_element_and_combo",
                violation_error_message=_("Two figures cannot go to the same data element and combo."),
            ),
        ]

    def __str__(self):
        return f"{self.address} -> {self.data_element}/{self.category_option_combo or 'default'}"

    @property
    def address(self):
        return ":".join(p for p in (self.figure, self.row, self.column) if p)


class OrgUnitMapping(models.Model):
    """Where a report's scope goes in DHIS2: the country, a region or a branch, by org unit code."""

    class ScopeKind(models.TextChoices):
        NATIONAL = "national", _("National")
        REGION = "region", _("Region")
        BRANCH = "branch", _("Branch")

    version = models.ForeignKey(
        MappingVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="org_units"
    )
    scope_kind = models.CharField(_("scope"), max_length=10, choices=ScopeKind.choices)
    region = models.CharField(_("region"), max_length=10, choices=Region.choices, blank=True)
    branch = models.ForeignKey("opsi.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, null=True, blank=True)
    org_unit = models.CharField(_("org unit code"), max_length=50, validators=[code_validator])

    class Meta:
        verbose_name = _("org unit mapping")
        verbose_name_plural = _("org unit mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "region"],
                condition=Q(scope_kind="region"),
                name="one_org_unit_per_region",
                violation_error_message=_("This region already has an org unit in this version."),
            ),
            models.UniqueConstraint(
                fields=["version", "branch"],
                condition=Q(scope_kind="branch"),
                name="one_org_unit_per_branch",
                violation_error_message=_("This branch already has an org unit in this version."),
            ),
            models.UniqueConstraint(
                fields=["version", "scope_kind"],
                condition=Q(scope_kind="national"),
                name="one_national_org_unit",
                violation_error_message=_("The country already has an org unit in this version."),
            ),
        ]

    def __str__(self):
        return f"{self.scope_value or self.scope_kind} -> {self.org_unit}"

    @property
    def scope_value(self):
        return {"region": self.region, "branch": str(self.branch_id or "")}.get(self.scope_kind, "")

    def clean(self):
        super().clean()
        if self.scope_kind == "region" and not self.region:
            raise ValidationError({"region": _("Choose the region.")})
        if self.scope_kind == "branch" and not self.branch_id:
            raise ValidationError({"branch": _("Choose the branch.")})
        # Only the field of the scope's kind is kept, so a scope cannot name two places.
        if self.scope_kind != "region":
            self.region = ""
        if self.scope_kind != "branch":
            self.branch = None


class Dhis2Export(models.Model):
    """One export of a report's figures: who, when, which report, period and scope, the mapping
    version, and the values DHIS2 holds once it is imported (the next preview compares with
    them). Counts rounded as the report for use outside shows them, never member data."""

    class Format(models.TextChoices):
        JSON = "json", "dataValueSets JSON"
        ADX = "adx", "ADX XML"
        SENT = "sent", _("Sent to the DHIS2 server")

    definition = models.CharField(_("report"), max_length=20)
    period_start = models.DateField(_("first day of the period"))
    period_end = models.DateField(_("last day of the period"))
    scope_kind = models.CharField(_("scope"), max_length=10)
    scope_value = models.CharField(_("scope value"), max_length=20, blank=True)
    version = models.ForeignKey(MappingVersion, verbose_name=_("mapping version"), on_delete=models.PROTECT)
    file_format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    # {"DE|COC|AOC|OU|PERIOD": "value"}: what DHIS2 holds after this export is imported.
    held = models.JSONField(_("values held in DHIS2 afterwards"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    # The file as sent (codes and rounded counts): a form sent twice gets the same file back.
    content = models.TextField(_("file"), blank=True)
    counts = models.JSONField(_("new, changed, withdrawn, unchanged"), default=dict)
    import_summary = models.JSONField(_("import summary"), null=True, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    made_at = models.DateTimeField(_("made at"), auto_now_add=True, db_index=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("DHIS2 export")
        verbose_name_plural = _("DHIS2 exports")
        ordering = ["-made_at", "-pk"]
        indexes = [models.Index(fields=["definition", "period_start", "period_end", "scope_kind", "scope_value"])]

    @property
    def recorded_by_id(self):
        # opsi.submissions.create_once checks that a resent form is the same person's.
        return self.made_by_id


auditlog.register(MappingVersion)
auditlog.register(DataElementMapping)
auditlog.register(OrgUnitMapping)
auditlog.register(Dhis2Export, exclude_fields=["held", "content", "submission_key"])
