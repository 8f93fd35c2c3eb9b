from django.db import migrations

COMMODITIES = [
    # Indonesian name, English name, unit, low-stock threshold
    ("Kondom", "Condoms", "buah", 200),
    ("Pelicin", "Lubricant", "sachet", 100),
    ("Leaflet", "Leaflets", "lembar", 50),
    ("Paket pengurangan dampak buruk", "Harm-reduction kits", "paket", 10),
]
SERVICES = [
    # Indonesian name, English name, commodity, counts for HIV prevention coverage
    ("Konseling", "Counselling", None, True),
    ("Rujukan tes HIV", "HIV test referral", None, True),
    ("Rujukan pemeriksaan IMS", "STI check referral", None, True),
    ("Kondom", "Condoms", "Kondom", True),
    ("Pelicin", "Lubricant", "Pelicin", True),
    ("Bantuan KTP/KK", "ID help (KTP/KK)", None, False),
    ("Bantuan BPJS", "Health insurance help (BPJS)", None, False),
    ("Bantuan hukum", "Legal aid", None, False),
    ("Informasi pengurangan dampak buruk", "Harm-reduction information", None, False),
    ("Istirahat", "Rest", None, False),
]


def add(apps, schema_editor):
    Commodity = apps.get_model("services", "Commodity")
    ServiceType = apps.get_model("services", "ServiceType")
    items = {}
    for name, name_en, unit, threshold in COMMODITIES:
        items[name], _ = Commodity.objects.get_or_create(
            name=name, defaults={"name_en": name_en, "unit": unit, "low_stock_threshold": threshold}
        )
    for order, (name, name_en, commodity, prevention) in enumerate(SERVICES):
        ServiceType.objects.get_or_create(
            name=name,
            defaults={
                "name_en": name_en,
                "commodity": items.get(commodity),
                "counts_for_prevention": prevention,
                "order": order,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("services", "ServiceType").objects.filter(name__in=[s[0] for s in SERVICES]).delete()
    apps.get_model("services", "Commodity").objects.filter(name__in=[c[0] for c in COMMODITIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0002_visits_and_paperwork")]
    operations = [migrations.RunPython(add, remove)]
