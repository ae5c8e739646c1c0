"""Room on each page of games_playersegment for the nightly update of every row.

The segment job rewrites every player's row each night. With half of each page
free (fillfactor 50) PostgreSQL updates a row in place on its page (a HOT update:
no new index entries while the segment stays the same) and prunes the old version
itself, instead of writing a new index entry per row and leaving a table of dead
rows until vacuum (docs/benchmarks.md, "Insight"). Other databases: nothing.
"""

from django.db import migrations


def fillfactor(value: int):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE games_playersegment SET (fillfactor = {int(value)})"
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("games", "0008_round_time_indexes")]

    operations = [migrations.RunPython(fillfactor(50), fillfactor(100))]
