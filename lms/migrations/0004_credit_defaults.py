from decimal import Decimal

from django.db import migrations

# docs/domain.md §7.3 (2023 cadre-training regulation): county level and 四级调研员 and above
# 550 学时 per 5 years (110 a year); township level and below 90 a year; everyone at
# least 50 学时 of online self-study a year.
TARGETS = [
    ("县处级及以上（含四级调研员及以上职级）", 130, 999, Decimal("110"), Decimal("50")),
    ("乡科级及以下（含一级主任科员及以下职级）", 0, 129, Decimal("90"), Decimal("50")),
]
# A common local conversion of online minutes (used only when the policy says so).
BANDS = [(30, Decimal("1")), (15, Decimal("0.5")), (0, Decimal("0.25"))]


def load(apps, schema_editor):
    AnnualTarget = apps.get_model("lms", "AnnualTarget")
    CreditPolicy = apps.get_model("lms", "CreditPolicy")
    MinuteBand = apps.get_model("lms", "MinuteBand")
    for name, low, high, hours, online in TARGETS:
        AnnualTarget.objects.get_or_create(
            name=name,
            defaults={
                "min_ordinal": low,
                "max_ordinal": high,
                "annual_hours": hours,
                "online_hours": online,
            },
        )
    policy = CreditPolicy.objects.first() or CreditPolicy.objects.create(
        online_mode="course", quiz_bonus=Decimal("0.5")
    )
    if not MinuteBand.objects.filter(policy=policy).exists():
        for order, (minutes, hours) in enumerate(BANDS):
            MinuteBand.objects.create(
                policy=policy, min_minutes=minutes, hours=hours, sort_order=order
            )


class Migration(migrations.Migration):
    dependencies = [("lms", "0003_learning")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
