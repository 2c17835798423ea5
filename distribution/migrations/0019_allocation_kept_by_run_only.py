"""A work's money kept with no holder on record is read by run only: the posting splits it over the works, and
the holders' claims read each work's part from the ledger, so the allocations need no index by work."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("distribution", "0018_run_weights_partitioned_by_run")]

    operations = [migrations.RemoveIndex(model_name="allocation", name="allocation_kept_of_work")]
