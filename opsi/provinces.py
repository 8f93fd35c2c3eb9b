"""Indonesia's 38 provinces with their BPS codes and time zones.

Codes follow the BPS master file of statistical areas as of 2023, after the
2022 creation of Papua Selatan, Papua Tengah, Papua Pegunungan and Papua Barat Daya.
"""

from dataclasses import dataclass

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"

TIME_ZONE_LABELS = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    time_zone: str

    @property
    def time_zone_label(self):
        return TIME_ZONE_LABELS[self.time_zone]


PROVINCES = [
    Province("11", "Aceh", WIB),
    Province("12", "Sumatera Utara", WIB),
    Province("13", "Sumatera Barat", WIB),
    Province("14", "Riau", WIB),
    Province("15", "Jambi", WIB),
    Province("16", "Sumatera Selatan", WIB),
    Province("17", "Bengkulu", WIB),
    Province("18", "Lampung", WIB),
    Province("19", "Kepulauan Bangka Belitung", WIB),
    Province("21", "Kepulauan Riau", WIB),
    Province("31", "DKI Jakarta", WIB),
    Province("32", "Jawa Barat", WIB),
    Province("33", "Jawa Tengah", WIB),
    Province("34", "DI Yogyakarta", WIB),
    Province("35", "Jawa Timur", WIB),
    Province("36", "Banten", WIB),
    Province("51", "Bali", WITA),
    Province("52", "Nusa Tenggara Barat", WITA),
    Province("53", "Nusa Tenggara Timur", WITA),
    Province("61", "Kalimantan Barat", WIB),
    Province("62", "Kalimantan Tengah", WIB),
    Province("63", "Kalimantan Selatan", WITA),
    Province("64", "Kalimantan Timur", WITA),
    Province("65", "Kalimantan Utara", WITA),
    Province("71", "Sulawesi Utara", WITA),
    Province("72", "Sulawesi Tengah", WITA),
    Province("73", "Sulawesi Selatan", WITA),
    Province("74", "Sulawesi Tenggara", WITA),
    Province("75", "Gorontalo", WITA),
    Province("76", "Sulawesi Barat", WITA),
    Province("81", "Maluku", WIT),
    Province("82", "Maluku Utara", WIT),
    Province("91", "Papua Barat", WIT),
    Province("92", "Papua Barat Daya", WIT),
    Province("94", "Papua", WIT),
    Province("95", "Papua Selatan", WIT),
    Province("96", "Papua Tengah", WIT),
    Province("97", "Papua Pegunungan", WIT),
]

BY_CODE = {p.code: p for p in PROVINCES}
CHOICES = [(p.code, f"{p.name} ({p.code})") for p in PROVINCES]
