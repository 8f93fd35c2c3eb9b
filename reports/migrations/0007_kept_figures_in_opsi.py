# The kept figures of closed periods move to opsi.kept (opsi 0007). None is a fact that must
# survive: a kept report lives a day at most (it is counted again after, reports.kept), and a
# closed period's figures are counted again identically from the records (dated histories read
# as of its last day; a withdrawal of consent counts from its day; an erased member stays one
# person under her pseudonym). So they are dropped, and the first reader or the nightly
# keep_reports counts them again.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_dhis2_row_for_every_branch"),
        ("opsi", "0007_kept_facts"),
    ]

    operations = [
        migrations.DeleteModel(name="KeptReport"),
        migrations.DeleteModel(name="LateChange"),
    ]
