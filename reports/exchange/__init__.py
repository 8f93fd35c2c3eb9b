"""Data exchange with DHIS2: a report's figures sent to the national HIV system or a donor's
DHIS2 as ``dataValueSets`` JSON or ADX XML, by codes (``idScheme=code``).

The figures are those of the report for use outside OPSI (``build_report(..., external=True)``:
every count randomly rounded, ``reports.protection``), never the raw counts; a mapping version
(``models.MappingVersion``) says which DHIS2 data element, category option combo and org unit
each figure goes to; each export is recorded (``models.Dhis2Export``) so that the next one
shows what changed since."""
