"""Each audit record names the hash that protects it. Records already written keep the
plain SHA-256 they were written with (``sha256``); every new record is keyed
(``hmac-sha256``). Adding a column with a default fires no row trigger and rewrites no
hash: nothing of the existing chain changes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("portal", "0006_api_tokens_per_client")]

    operations = [
        migrations.AddField(
            model_name="auditrecord",
            name="chain_scheme",
            field=models.CharField(
                choices=[
                    ("sha256", "SHA-256 (written before the audit key)"),
                    ("hmac-sha256", "HMAC-SHA256 with the audit key"),
                ],
                default="sha256",
                max_length=16,
                verbose_name="hash scheme",
            ),
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="chain_scheme",
            field=models.CharField(
                choices=[
                    ("sha256", "SHA-256 (written before the audit key)"),
                    ("hmac-sha256", "HMAC-SHA256 with the audit key"),
                ],
                default="hmac-sha256",
                max_length=16,
                verbose_name="hash scheme",
            ),
        ),
    ]
