"""Each month of usage lines is split by report into :data:`~licensing.usage.ingest.HASH_PARTS` tables (hash
partitions on ``report_id``), in place of the BRIN index on (report, line).

The index was kept up row by row while a report loaded: for a DSR report of 3.6 million lines it cost
PostgreSQL about 1.5 s of its 4.9 s of work, more than anything else but the rows themselves. A report's
lines are now found by pruning: a query for one report reads one sixteenth of its month, with no index to
keep. Existing months are moved into the new layout; going back moves them out again and rebuilds the index.
"""

from django.db import migrations

PARTS = 16
COLUMNS = (
    "report_id, licence_id, period, line_no, played_at, isrc, iswc, title, artist, plays, duration_s, source_ref"
)

FORWARD = f"""
DROP INDEX IF EXISTS licensing_usage_line_report;
DO $$
DECLARE
  p record;
  r int;
BEGIN
  FOR p IN SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'licensing_usage_line'::regclass AND c.relkind = 'r'
              AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
  LOOP
    EXECUTE format('ALTER TABLE licensing_usage_line DETACH PARTITION %I', p.name);
    EXECUTE format('ALTER TABLE %I RENAME TO %I', p.name, p.name || '_flat');
    EXECUTE format('CREATE TABLE %I PARTITION OF licensing_usage_line %s PARTITION BY HASH (report_id)',
                   p.name, p.bound);
    FOR r IN 0..{PARTS - 1} LOOP
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS {PARTS}, REMAINDER %s)',
                     p.name || '_' || lpad(r::text, 2, '0'), p.name, r);
    END LOOP;
    EXECUTE format('INSERT INTO %I ({COLUMNS}) SELECT {COLUMNS} FROM %I', p.name, p.name || '_flat');
    EXECUTE format('DROP TABLE %I', p.name || '_flat');
  END LOOP;
END $$;
"""

BACKWARD = f"""
DO $$
DECLARE
  p record;
BEGIN
  FOR p IN SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'licensing_usage_line'::regclass AND c.relkind = 'p'
  LOOP
    EXECUTE format('ALTER TABLE licensing_usage_line DETACH PARTITION %I', p.name);
    EXECUTE format('ALTER TABLE %I RENAME TO %I', p.name, p.name || '_hashed');
    EXECUTE format('CREATE TABLE %I PARTITION OF licensing_usage_line %s', p.name, p.bound);
    EXECUTE format('INSERT INTO %I ({COLUMNS}) SELECT {COLUMNS} FROM %I', p.name, p.name || '_hashed');
    EXECUTE format('DROP TABLE %I', p.name || '_hashed');
  END LOOP;
END $$;
CREATE INDEX licensing_usage_line_report ON licensing_usage_line USING brin (report_id, line_no);
"""


class Migration(migrations.Migration):
    dependencies = [("licensing", "0008_usage_line_brin")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
