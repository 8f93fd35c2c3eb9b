"""Confirmed member imports, one row per confirmation token."""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportClaim(models.Model):
    """A checked member file confirmed for import: its token is spent.

    The row is written in the transaction that imports, and its token is unique: of
    several confirmations of one file sent at once (a double tap, a resent form), the
    database lets one write it and import, and refuses the others. Only a digest of
    the token is kept, with the time; nothing about the file or who sent it (the
    audit trail says that). A row older than the check's lifetime serves nothing,
    since the checked rows expire with it, and is deleted with the next claim.
    """

    token_digest = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    claimed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("confirmed member import")
        verbose_name_plural = _("confirmed member imports")

    def __str__(self):
        return f"{self.token_digest[:8]} {self.claimed_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def digest(token):
        return hashlib.sha256(str(token).encode()).hexdigest()
