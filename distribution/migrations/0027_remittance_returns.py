"""A remittance's transfers to its society, each recorded as paid and perhaps returned by the bank: the one
transfer each paid remittance had is kept under the remittance's own number (the ledger's posting of it names
that number)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


COPY = """
INSERT INTO distribution_remittancetransfer
       (id, remittance_id, paid_on, bank_reference, recorded_by_id, returned_on, return_reference, return_reason,
        returned_by_id)
SELECT r.id, r.id, r.paid_on, r.bank_reference, r.paid_by_id, NULL, '', '', NULL
  FROM distribution_remittance r WHERE r.paid_on IS NOT NULL;
SELECT setval(pg_get_serial_sequence('distribution_remittancetransfer', 'id'),
              (SELECT coalesce(max(id), 0) + 1 FROM distribution_remittancetransfer), false);
"""

UNDO_COPY = """
UPDATE distribution_remittance r
   SET paid_on = t.paid_on, bank_reference = t.bank_reference, paid_by_id = t.recorded_by_id
  FROM distribution_remittancetransfer t
 WHERE t.remittance_id = r.id AND t.returned_on IS NULL;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('distribution', '0026_late_money_breach'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RemittanceTransfer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('paid_on', models.DateField(verbose_name='paid on')),
                ('bank_reference', models.CharField(max_length=100, verbose_name='bank reference')),
                ('returned_on', models.DateField(blank=True, null=True, verbose_name='returned on')),
                ('return_reference', models.CharField(blank=True, max_length=100, verbose_name='reference of the return')),
                ('return_reason', models.CharField(blank=True, max_length=300, verbose_name="the bank's reason")),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('remittance', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfers', to='distribution.remittance', verbose_name='remittance')),
                ('returned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='return recorded by')),
            ],
            options={
                'verbose_name': 'transfer of a remittance',
                'verbose_name_plural': 'transfers of remittances',
                'ordering': ['remittance', 'id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('returned_on__isnull', True)), fields=('remittance',), name='remittance_one_transfer_in_force'), models.CheckConstraint(condition=models.Q(models.Q(('return_reference', ''), ('returned_on__isnull', True)), models.Q(('returned_on__gte', models.F('paid_on')), models.Q(('return_reference', ''), _negated=True)), _connector='OR'), name='remittance_transfer_returned_after_paid')],
            },
        ),
        migrations.RunSQL(COPY, UNDO_COPY),
        migrations.RemoveField(
            model_name='remittance',
            name='bank_reference',
        ),
        migrations.RemoveField(
            model_name='remittance',
            name='paid_by',
        ),
        migrations.RemoveField(
            model_name='remittance',
            name='paid_on',
        ),
    ]
