from django.db import migrations, models

import sources.models

# A frozen copy of sources.agencies.TIME_ZONES as it was when this migration was written: sources
# already stored for these agencies get their zone (only those still at the default).
KNOWN = {
    "dpa": "Europe/Berlin",
    "apa": "Europe/Vienna",
    "sda": "Europe/Zurich",
    "ntb": "Europe/Oslo",
    "tt": "Europe/Stockholm",
    "ritzau": "Europe/Copenhagen",
    "stt": "Europe/Helsinki",
    "anp": "Europe/Amsterdam",
    "belga": "Europe/Brussels",
    "ansa": "Europe/Rome",
    "efe": "Europe/Madrid",
    "lusa": "Europe/Lisbon",
    "pa": "Europe/London",
    "ctk": "Europe/Prague",
    "pap": "Europe/Warsaw",
    "mti": "Europe/Budapest",
    "aa": "Europe/Istanbul",
    "tass": "Europe/Moscow",
    "aap": "Australia/Sydney",
    "kyodo": "Asia/Tokyo",
    "jiji": "Asia/Tokyo",
    "yonhap": "Asia/Seoul",
    "xinhua": "Asia/Shanghai",
    "pti": "Asia/Kolkata",
    "k24": "Asia/Baghdad",
    "rudaw": "Asia/Baghdad",
    "ina": "Asia/Baghdad",
    "irna": "Asia/Tehran",
}


def known_zones(apps, schema_editor):
    Source = apps.get_model("sources", "Source")
    for source in Source.objects.filter(time_zone="UTC"):
        zone = KNOWN.get(source.code.casefold())
        if zone:
            source.time_zone = zone
            source.save(update_fields=["time_zone"])


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0005_wireitem_agency_text_formats"),
    ]

    operations = [
        migrations.AddField(
            model_name="source",
            name="time_zone",
            field=models.CharField(
                default="UTC",
                help_text="IANA time zone in which its copy gives times that name no zone, e.g. Europe/Berlin "
                "for dpa, Australia/Sydney for AAP (docs/wire-formats.md).",
                max_length=64,
                validators=[sources.models.validate_time_zone],
            ),
        ),
        migrations.RunPython(known_zones, migrations.RunPython.noop),
    ]
