"""A report's figures as DHIS2 data values: what is sent, what changed since the last export of
the same report, period and scope, and the files (``dataValueSets`` JSON, ADX XML).

Decisions, where DHIS2 leaves a choice:

- Only ended quarters, halves and years are exported (the report for use outside OPSI, every
  count randomly rounded): a period not over is refused, not sent as provisional, since DHIS2
  keeps no mark of it and its figures would change under the receiver's eyes.
- A zero the report shows is sent as "0". DHIS2 stores it only for a data element whose zero is
  significant and ignores it otherwise, keeping the value it had: a figure that was sent as 5
  and is now 0 is therefore sent as a deletion when its zero is not significant.
- A value sent last time that is now absent (no longer shown, no longer mapped, mapped to other
  codes) is withdrawn: in JSON a data value with an empty value and ``"deleted": true``, which
  DHIS2's default import strategy (CREATE_AND_UPDATE) deletes; ADX has no deletion, so an ADX
  file leaves withdrawn values in DHIS2 and the next preview still lists them."""

import hashlib
import json
from dataclasses import dataclass, field

# Only writes our own document; nothing is parsed with it.
from xml.etree import ElementTree  # nosec B405

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import kept
from ..building import build_report
from .figures import cells
from .models import DataElementMapping, Dhis2Export, MappingVersion, OrgUnitMapping, options

ADX_NAMESPACE = "urn:ihe:qrph:adx:2015"


class Refused(Exception):
    """Why a report cannot be exported (shown to the user as it is)."""


def period_code(period):
    """DHIS2's ISO period: 2026Q3, 2026S1 (January to June), 2026."""
    kind = period.kind
    if kind == "quarter":
        return f"{period.start.year}Q{(period.start.month - 1) // 3 + 1}"
    if kind == "half":
        return f"{period.start.year}S{1 if period.start.month == 1 else 2}"
    if kind == "year":
        return str(period.start.year)
    raise Refused(_("Only quarters, half-years and years can be sent to DHIS2."))


def adx_period(period):
    """ADX's period: the first day and the duration, 2026-07-01/P3M."""
    duration = {"quarter": "P3M", "half": "P6M", "year": "P1Y"}[period.kind]
    return f"{period.start.isoformat()}/{duration}"


@dataclass
class Value:
    data_element: str
    category_option_combo: str
    attribute_option_combo: str
    org_unit: str
    period: str
    value: str
    label: str = ""
    adx_options: str = ""
    zero_is_significant: bool = False

    @property
    def key(self):
        return "|".join(
            (self.data_element, self.category_option_combo, self.attribute_option_combo, self.org_unit, self.period)
        )


@dataclass
class Change:
    status: str  # "new", "changed", "withdrawn", "unchanged"
    key: str
    label: str
    data_element: str
    category_option_combo: str
    before: str | None
    now: str | None
    deleted: bool = False  # sent as a deletion (withdrawn, or a zero DHIS2 would not store)


@dataclass
class Prepared:
    definition: object
    period: object
    scope: object
    report: object
    version: object
    org_unit: str
    values: dict  # key -> Value
    unmapped: list  # cells the report shows that no mapping row names
    not_shown: list  # mapping rows whose figure the report does not show (nothing sent for them)
    last: object = None  # the last export of the same report, period and scope
    no_org_unit: list = field(default_factory=list)  # branch rows whose branch has no org unit (not sent)
    changes: list = field(default_factory=list)

    @property
    def counts(self):
        counts = {"new": 0, "changed": 0, "withdrawn": 0, "unchanged": 0}
        for change in self.changes:
            counts[change.status] += 1
        return counts

    @property
    def deletions(self):
        return [c for c in self.changes if c.deleted]


def _org_unit(version, scope):
    units = OrgUnitMapping.objects.filter(version=version, scope_kind=scope.kind)
    if scope.kind == "region":
        units = units.filter(region=scope.value)
    elif scope.kind == "branch":
        units = units.filter(branch_id=scope.value)
    unit = units.first()
    if unit is None:
        raise Refused(_("The mapping %(version)s gives this scope no org unit.") % {"version": version})
    return unit.org_unit


def prepare(definition, period, scope, user):
    """The values ``definition`` over ``period`` and ``scope`` sends (as ``user`` may see it, for
    use outside OPSI), and what changed since the last export. Raises ``Refused``."""
    code = period_code(period)
    if not kept.is_closed(period):
        raise Refused(_("The period is not over: its figures are provisional and are not sent to DHIS2."))
    version = MappingVersion.in_force(definition.key, period.end)
    if version is None:
        raise Refused(
            _("No DHIS2 mapping of this report is valid on %(date)s: an administrator adds one in the admin.")
            % {"date": period.end.isoformat()}
        )
    org_unit = _org_unit(version, scope)
    report = build_report(definition, period, scope, user, external=True)
    rows = {(m.figure, m.row, m.column): m for m in DataElementMapping.objects.filter(version=version)}
    # A branch's row of a table by branch goes under the branch's own org unit.
    branch_units = dict(
        OrgUnitMapping.objects.filter(version=version, scope_kind="branch").values_list("branch_id", "org_unit")
    )
    values, unmapped, shown, no_org_unit = {}, [], set(), []
    for cell in cells(report):
        key = (cell.figure, cell.row, cell.column)
        if key not in rows and cell.branch is not None:
            key = (cell.figure, "*", cell.column)
        mapping = rows.get(key)
        if mapping is None:
            if cell.value is not None:
                unmapped.append(cell)
            continue
        shown.add(key)
        if cell.value is None:
            continue
        unit = org_unit if cell.branch is None else branch_units.get(cell.branch)
        if unit is None:
            no_org_unit.append(cell)
            continue
        value = Value(
            mapping.data_element,
            mapping.category_option_combo,
            version.attribute_option_combo,
            unit,
            code,
            cell.value,
            label=cell.label,
            adx_options=mapping.adx_category_options,
            zero_is_significant=mapping.zero_is_significant,
        )
        values[value.key] = value
    not_shown = [m for key, m in rows.items() if key not in shown]
    prepared = Prepared(definition, period, scope, report, version, org_unit, values, unmapped, not_shown)
    prepared.no_org_unit = no_org_unit
    prepared.last = _exports_of(definition, period, scope).first()
    prepared.changes = _changes(values, prepared.last.held if prepared.last else {})
    return prepared


def _exports_of(definition, period, scope):
    return Dhis2Export.objects.filter(
        definition=definition.key,
        period_start=period.start,
        period_end=period.end,
        scope_kind=scope.kind,
        scope_value=scope.value,
    ).order_by("-made_at", "-pk")


def exports_of(definition, period, scope):
    return _exports_of(definition, period, scope).select_related("made_by", "version")


def _changes(values, held):
    changes = []
    for key, value in values.items():
        before = held.get(key, {}).get("value") if key in held else None
        if before is None:
            status = "new"
        elif before == value.value:
            status = "unchanged"
        else:
            status = "changed"
        # DHIS2 ignores a zero it does not store, keeping the old figure: it is deleted instead.
        deleted = status == "changed" and value.value == "0" and not value.zero_is_significant
        change = Change(
            status, key, value.label, value.data_element, value.category_option_combo, before, value.value, deleted
        )
        changes.append(change)
    for key, old in held.items():
        if key not in values:
            changes.append(
                Change(
                    "withdrawn",
                    key,
                    old.get("label", ""),
                    old["data_element"],
                    old["category_option_combo"],
                    old["value"],
                    None,
                    True,
                )
            )
    order = {"withdrawn": 0, "changed": 1, "new": 2, "unchanged": 3}
    return sorted(changes, key=lambda c: (order[c.status], c.label, c.key))


def _held_record(value):
    return {
        "data_element": value.data_element,
        "category_option_combo": value.category_option_combo,
        "attribute_option_combo": value.attribute_option_combo,
        "org_unit": value.org_unit,
        "period": value.period,
        "value": value.value,
        "label": value.label,
    }


def held_after(prepared, file_format, not_taken=()):
    """What DHIS2 holds for this report, period and scope once the file is imported; values
    whose data element, combo or org unit DHIS2 named in a conflict (``not_taken``) were not
    imported, and the next preview offers them again."""
    held = {
        key: _held_record(value)
        for key, value in prepared.values.items()
        if not {value.data_element, value.category_option_combo, value.org_unit} & set(not_taken)
    }
    if file_format == Dhis2Export.Format.ADX:
        # ADX deletes nothing: withdrawn values stay, and a zero DHIS2 ignores leaves the old figure.
        before = prepared.last.held if prepared.last else {}
        for change in prepared.deletions:
            held[change.key] = before[change.key]
    return held


def _split(key):
    data_element, combo, attribute_combo, org_unit, period = key.split("|")
    return data_element, combo, attribute_combo, org_unit, period


def data_value_set(prepared, today=None):
    """The ``dataValueSets`` payload (JSON), codes as ``idScheme=code`` reads them."""
    today = today or timezone.localdate()
    version = prepared.version
    payload = {
        "dataSet": version.data_set,
        "completeDate": today.isoformat(),
        "period": period_code(prepared.period),
        "orgUnit": prepared.org_unit,
    }
    if version.attribute_option_combo:
        payload["attributeOptionCombo"] = version.attribute_option_combo
    deleted = {c.key for c in prepared.deletions}
    data_values = []
    for key, value in sorted(prepared.values.items()):
        if key in deleted:
            continue
        data_values.append(_data_value(payload, key, value.value))
    for key in sorted(deleted):
        data_values.append({**_data_value(payload, key, ""), "deleted": True})
    payload["dataValues"] = data_values
    return payload


def _data_value(payload, key, value):
    data_element, combo, attribute_combo, org_unit, period = _split(key)
    data_value = {"dataElement": data_element}
    if combo:
        data_value["categoryOptionCombo"] = combo
    # A value withdrawn under earlier codes names its own org unit, period or attribute combo.
    if org_unit != payload["orgUnit"]:
        data_value["orgUnit"] = org_unit
    if period != payload["period"]:
        data_value["period"] = period
    if attribute_combo != payload.get("attributeOptionCombo", ""):
        data_value["attributeOptionCombo"] = attribute_combo
    data_value["value"] = value
    return data_value


def json_file(prepared, today=None):
    return json.dumps(data_value_set(prepared, today), indent=2, ensure_ascii=False).encode("utf-8")


def adx_file(prepared, today=None, now=None):
    """The ADX message: a group per org unit (the scope's, then each branch's of a table by
    branch) with the data set and period, a data value per figure with its disaggregation as
    category code = option code attributes, or its combo's code where the mapping gives none
    (DHIS2 reads both). Withdrawn values are not in it."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    ElementTree.register_namespace("", ADX_NAMESPACE)
    root = ElementTree.Element(f"{{{ADX_NAMESPACE}}}adx", {"exported": now.replace(microsecond=0).isoformat()})
    deleted = {c.key for c in prepared.deletions}
    groups = {}
    for key, value in sorted(prepared.values.items(), key=lambda kv: (kv[1].org_unit != prepared.org_unit, kv[0])):
        if key in deleted:
            continue
        group = groups.get(value.org_unit)
        if group is None:
            attributes = {
                "dataSet": prepared.version.data_set,
                "orgUnit": value.org_unit,
                "period": adx_period(prepared.period),
                "completeDate": today.isoformat(),
            }
            attributes.update(_adx_combo("attributeOptionCombo", value.attribute_option_combo, ""))
            attributes.update(options(prepared.version.adx_attribute_options))
            group = groups[value.org_unit] = ElementTree.SubElement(root, f"{{{ADX_NAMESPACE}}}group", attributes)
        attributes = {"dataElement": value.data_element}
        attributes.update(_adx_combo("categoryOptionCombo", value.category_option_combo, value.adx_options))
        attributes.update(options(value.adx_options))
        attributes["value"] = value.value
        ElementTree.SubElement(group, f"{{{ADX_NAMESPACE}}}dataValue", attributes)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _adx_combo(name, code, category_options):
    """DHIS2's ADX import takes a combo by its code (``categoryOptionCombo``,
    ``attributeOptionCombo``) where no category code = option code attributes name it."""
    return {name: code} if code and not category_options else {}


FILES = {Dhis2Export.Format.JSON: json_file, Dhis2Export.Format.ADX: adx_file}


def record(prepared, file_format, content, user, submission_key=None, import_summary=None):
    """The export recorded: who, when, which report, the mapping and what DHIS2 holds afterwards
    (after an import, without the values it named in conflicts)."""
    not_taken = {c["object"] for c in (import_summary or {}).get("conflicts", [])}
    with transaction.atomic():
        return Dhis2Export.objects.create(
            definition=prepared.definition.key,
            period_start=prepared.period.start,
            period_end=prepared.period.end,
            scope_kind=prepared.scope.kind,
            scope_value=prepared.scope.value,
            version=prepared.version,
            file_format=file_format,
            held=held_after(prepared, file_format, not_taken),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content.decode("utf-8"),
            counts=prepared.counts,
            import_summary=import_summary,
            made_by=user,
            submission_key=submission_key,
        )


def file_name(prepared, file_format):
    scope = prepared.scope.kind + (f"-{prepared.scope.value}" if prepared.scope.value else "")
    extension = {"json": "json", "adx": "adx.xml"}[file_format]
    return f"dhis2-{prepared.definition.key}-{scope}-{period_code(prepared.period)}.{extension}"
