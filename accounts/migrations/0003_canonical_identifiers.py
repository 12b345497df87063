from django.db import migrations, models

import accounts.identifiers
import accounts.models


def fill_canonical_forms(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", "username", "email").iterator(chunk_size=2000):
        User.objects.filter(pk=user.pk).update(
            username_canonical=accounts.identifiers.canonical(user.username),
            email_canonical=accounts.identifiers.email_canonical(user.email) if user.email else None,
        )


class Migration(migrations.Migration):
    """Usernames and emails are unique in their canonical form (NFKC_Casefold), not LOWER();
    a deactivated user's sessions are revoked with a reason of their own."""

    dependencies = [
        ("accounts", "0002_loginsession"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_canonical",
            field=models.CharField(editable=False, max_length=150, null=True),
        ),
        migrations.AddField(
            model_name="user",
            name="email_canonical",
            field=models.CharField(editable=False, max_length=254, null=True),
        ),
        migrations.RunPython(fill_canonical_forms, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="user",
            name="username_canonical",
            field=models.CharField(editable=False, max_length=150, unique=True),
        ),
        migrations.AlterField(
            model_name="user",
            name="email_canonical",
            field=models.CharField(editable=False, max_length=254, null=True, unique=True),
        ),
        migrations.RemoveConstraint(model_name="user", name="user_username_ci_unique"),
        migrations.RemoveConstraint(model_name="user", name="user_email_ci_unique"),
        migrations.AlterField(
            model_name="user",
            name="username",
            field=models.CharField(
                error_messages={"unique": "A user with that username already exists."},
                help_text="Letters, digits and . + - _ only; no @.",
                max_length=150,
                unique=True,
                validators=[accounts.identifiers.username_validate],
                verbose_name="username",
            ),
        ),
        migrations.AlterModelOptions(
            name="user",
            options={"verbose_name": "user", "verbose_name_plural": "users"},
        ),
        migrations.AlterModelManagers(
            name="user",
            managers=[("objects", accounts.models.AccountUserManager())],
        ),
        migrations.AlterField(
            model_name="loginsession",
            name="revoked_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("logout", "Logout"),
                    ("logout_all", "Logout All"),
                    ("session_deleted", "Session Deleted"),
                    ("password_changed", "Password Changed"),
                    ("password_reset", "Password Reset"),
                    ("refresh_reuse", "Refresh Reuse"),
                    ("single_session", "Single Session"),
                    ("admin", "Admin"),
                    ("user_deactivated", "User Deactivated"),
                ],
                max_length=32,
            ),
        ),
    ]
