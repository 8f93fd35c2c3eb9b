from auditlog.registry import auditlog
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsi.scoping import ScopedQuerySet

from opsi.crypto import EncryptedTextField
from .members import Member


class MemberIdentity(models.Model):
    """The identity vault: legal name, NIK and phone, encrypted, apart from the member.

    Lists, searches and timelines never join this table. A row exists only when a
    paperwork case needs one of these fields.
    """

    branch_path = "member__branch"

    member = models.OneToOneField(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="identity")
    legal_name = EncryptedTextField(_("legal name"), blank=True)
    nik = EncryptedTextField(_("NIK"), blank=True, help_text=_("The 16-digit number on the KTP."))
    nik_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")

    def __str__(self):
        # The member's number, not their alias or code: this text is copied into the audit trail.
        return str(_("Identity of member #%(number)s")) % {"number": self.member_id}


# The plain values must never reach the audit trail (it would store them in clear):
# operations in members/identity.py write their own entries naming the fields only.
auditlog.register(
    MemberIdentity,
    exclude_fields=["legal_name", "nik", "nik_hash", "phone", "updated_at"],
)
