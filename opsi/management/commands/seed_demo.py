"""Fill the database with synthetic demo data: never real people.

Each app that has demo records adds its ``seed(context)`` to ``opsi.contributions.demo_data``
from its ``AppConfig.ready()``; this command runs them in order after the shared setup.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from opsi.contributions import demo_data
from opsi.models import User
from opsi.tenant import Branch, DropInCentre

DEMO_PASSWORD = "sandi-demo-2026"

DEMO_BRANCHES = [
    ("31", "Jakarta", [("DIC Jakarta Utara", "Jakarta Utara"), ("DIC Jakarta Barat", "Jakarta Barat")]),
    ("51", "Bali", [("DIC Denpasar", "Denpasar")]),
    ("73", "Sulawesi Selatan", [("DIC Makassar", "Makassar")]),
    ("94", "Papua", [("DIC Jayapura", "Jayapura")]),
]

DEMO_USERS = [
    ("admin", User.Role.ADMIN, []),
    ("sekretariat", User.Role.SECRETARIAT, []),
    ("koordinator.jakarta", User.Role.COORDINATOR, ["31"]),
    ("koordinator.bali", User.Role.COORDINATOR, ["51"]),
    ("penjangkau.jakarta", User.Role.OUTREACH_WORKER, ["31"]),
    ("krisis", User.Role.CRISIS_RESPONSE, []),
    ("pdp", User.Role.DATA_PROTECTION, []),
]


class Command(BaseCommand):
    help = "Create synthetic demo branches, users and records (development only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run in production.")
        if User.objects.filter(username="admin").exists():
            self.stdout.write("Demo data already present; nothing added.")
        else:
            with transaction.atomic():
                context = self.seed_shared()
                demo_data(context)
        self.print_logins()

    def seed_shared(self):
        branches = {}
        for code, name, centres in DEMO_BRANCHES:
            branch = Branch.objects.create(province=code, name=name)
            branches[code] = branch
            for centre_name, area in centres:
                DropInCentre.objects.create(branch=branch, name=centre_name, area=area)
        users = {}
        for username, role, codes in DEMO_USERS:
            user = User(username=username, role=role, is_superuser=role == User.Role.ADMIN)
            user.set_password(DEMO_PASSWORD)
            if codes:
                user.usual_drop_in_centre = branches[codes[0]].drop_in_centres.first()
            user.save()
            user.branches.set(branches[c] for c in codes)
            users[username] = user
        return {"branches": branches, "users": users}

    def print_logins(self):
        self.stdout.write("")
        self.stdout.write("Demo logins (password for all: %s)" % DEMO_PASSWORD)
        for username, role, codes in DEMO_USERS:
            where = ", ".join(dict((c, n) for c, n, _ in DEMO_BRANCHES)[c] for c in codes) or "-"
            self.stdout.write(f"  {username:<22} {User.Role(role).label!s:<26} {where}")
        self.stdout.write("")
