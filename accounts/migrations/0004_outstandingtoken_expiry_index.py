from django.db import migrations


class Migration(migrations.Migration):
    """An index on SimpleJWT's token expiry, for the admin's "expired" filter and for
    flushexpiredtokens, which would otherwise scan millions of rows. SimpleJWT's model
    declares none, and its table is not ours to migrate, hence plain SQL."""

    dependencies = [
        ("accounts", "0003_canonical_identifiers"),
        ("token_blacklist", "0013_alter_blacklistedtoken_options_and_more"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS outstandingtoken_expires_at_idx"
            " ON token_blacklist_outstandingtoken (expires_at)",
            "DROP INDEX IF EXISTS outstandingtoken_expires_at_idx",
        ),
    ]
