"""China's public holidays and adjusted working weekends (调休上班) for 2025 and 2026.

Source: the State Council's annual notices, 国务院办公厅关于2025年部分节假日安排的通知
(国办发明电〔2024〕12号, 12 November 2024) and 国务院办公厅关于2026年部分节假日安排的通知
(4 November 2025), as published by Xinhua. Each holiday period is entered day by day,
weekend days inside it included, so that the calendar names the holiday that moves a deadline.

2027 and later: the notice is published each November. When this migration was written the
2027 notice was not known, so 2027 is left for the administrator to enter in the admin
(petitions → holidays) when it is published; deadlines are recomputed on every change there.
"""

from datetime import date, timedelta

from django.db import migrations

# (first day, last day, name) of the days off; then the weekend days worked.
HOLIDAYS = (
    (date(2025, 1, 1), date(2025, 1, 1), "元旦"),
    (date(2025, 1, 28), date(2025, 2, 4), "春节"),
    (date(2025, 4, 4), date(2025, 4, 6), "清明节"),
    (date(2025, 5, 1), date(2025, 5, 5), "劳动节"),
    (date(2025, 5, 31), date(2025, 6, 2), "端午节"),
    (date(2025, 10, 1), date(2025, 10, 8), "国庆节、中秋节"),
    (date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    (date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    (date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    (date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
)
WORKDAYS = (
    (date(2025, 1, 26), "春节调休上班"),
    (date(2025, 2, 8), "春节调休上班"),
    (date(2025, 4, 27), "劳动节调休上班"),
    (date(2025, 9, 28), "国庆节调休上班"),
    (date(2025, 10, 11), "国庆节调休上班"),
    (date(2026, 1, 4), "元旦调休上班"),
    (date(2026, 2, 14), "春节调休上班"),
    (date(2026, 2, 28), "春节调休上班"),
    (date(2026, 5, 9), "劳动节调休上班"),
    (date(2026, 9, 20), "国庆节调休上班"),
    (date(2026, 10, 10), "国庆节调休上班"),
)


def days() -> list[tuple[date, str, bool]]:
    rows = []
    for first, last, name in HOLIDAYS:
        day = first
        while day <= last:
            rows.append((day, name, False))
            day += timedelta(days=1)
    rows.extend((day, name, True) for day, name in WORKDAYS)
    return rows


def load(apps, schema_editor) -> None:
    Holiday = apps.get_model("petitions", "Holiday")
    for day, name, working in days():
        Holiday.objects.get_or_create(
            date=day, defaults={"name": name, "is_workday_override": working}
        )


def unload(apps, schema_editor) -> None:
    Holiday = apps.get_model("petitions", "Holiday")
    Holiday.objects.filter(date__in=[day for day, _name, _working in days()]).delete()


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
