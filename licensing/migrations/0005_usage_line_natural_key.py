"""Usage lines are keyed by what names them, their report and line (with the month, as a partitioned table's
key must be): one index serves loading, listing a report's lines in order and deleting a replaced report.
The (period, id) key and the (licence, period) index cost as much to keep up at every load as the lines
themselves and served no query (a licence's lines are found through its reports). Identities are handed out
a thousand at a time."""

from django.db import migrations

FORWARD = """
ALTER TABLE licensing_usage_line DROP CONSTRAINT licensing_usage_line_pkey;
DROP INDEX IF EXISTS licensing_usage_line_licence;
DROP INDEX IF EXISTS licensing_usage_line_report;
ALTER TABLE licensing_usage_line ADD CONSTRAINT licensing_usage_line_pkey PRIMARY KEY (report_id, line_no, period);
ALTER TABLE licensing_usage_line ALTER COLUMN id SET CACHE 1000;
"""

BACKWARD = """
ALTER TABLE licensing_usage_line ALTER COLUMN id SET CACHE 1;
ALTER TABLE licensing_usage_line DROP CONSTRAINT licensing_usage_line_pkey;
ALTER TABLE licensing_usage_line ADD CONSTRAINT licensing_usage_line_pkey PRIMARY KEY (period, id);
CREATE INDEX licensing_usage_line_report ON licensing_usage_line (report_id);
CREATE INDEX licensing_usage_line_licence ON licensing_usage_line (licence_id, period);
"""


class Migration(migrations.Migration):
    dependencies = [("licensing", "0004_merge_usage_ledger_monitoring")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
