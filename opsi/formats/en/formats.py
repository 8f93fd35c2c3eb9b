# English as read in Indonesia: "12/07/2026" is 12 July to a reader here and 7 December to
# Django's American default, so short dates carry the month's name ("7 Dec 2026"). Input
# formats stay Django's own (date fields are the browser's date picker, sent as 2026-12-07).
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
