from django.core.management.base import BaseCommand

from members.identity import reseal_identities


class Command(BaseCommand):
    help = (
        "Encrypt the identity vault again under the first FIELD_ENCRYPTION_KEYS entry and recompute "
        "the NIK hashes under FIELD_HASH_KEY (after a key rotation or a new hash key)."
    )

    def handle(self, *args, **options):
        resealed, left = reseal_identities()
        self.stdout.write(f"{resealed} identities resealed, {left} left as they were (keys missing).")
