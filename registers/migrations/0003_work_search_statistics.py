"""Finer planner statistics for the search vector of works.

With the default statistics target PostgreSQL estimates every rare prefix (``'tunurbekta':*``) at a
floor of about 0.1 % of the register, and for a search ordered by id it then prefers walking the
primary key and filtering, which reads the whole table when nothing matches. A target of 1000 keeps
ten thousand lexeme frequencies, the floor falls twenty-fold and such searches go through the GIN
index (see registers/search.py).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registers", "0002_reference_data")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE registers_work ALTER COLUMN search SET STATISTICS 1000",
            "ALTER TABLE registers_work ALTER COLUMN search SET STATISTICS -1",
        )
    ]
