

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_self_service_and_outbox'),
        ('token_blacklist', '0013_alter_blacklistedtoken_options_and_more'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='loginsession',
            index=models.Index(fields=['user', '-last_used_at', '-id'], name='session_user_recent_idx'),
        ),
    ]
