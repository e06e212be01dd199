"""The headings of part 2 as the city's own report (../shared/seed, 中篇) words them: four groups
of four. Titles are data, in Chinese as printed; the city may rename or add them in the admin."""

from django.db import migrations

GROUPS = [
    (
        "坚持超前谋划，做好“四个先行”，夯实换届工作基础",
        [
            ("survey", "调研摸底先行", "摸底调研的范围、排查出的重难点村和矛盾隐患、建档情况。"),
            ("audit", "经济审计先行", "“三资”清查和离任、任期审计的组织方式与结果运用。"),
            ("disputes", "化解矛盾先行", "选情复杂村的化解办法、解决的重点难点问题。"),
            ("adjust", "调整班子先行", "整顿软弱涣散党组织、调整不胜任书记的做法。"),
        ],
    ),
    (
        "坚持有序推进，落实“四个到位”，强化重点举措落实",
        [
            ("leadership", "组织领导到位", "领导小组、责任书、分片包村等工作机制。"),
            ("publicity", "宣传引导到位", "宣传方案、渠道和“五个明白”等做法。"),
            ("guidance", "分类指导到位", "“一村一策”、分批推进的安排。"),
            ("inspection", "检查督导到位", "督查指导组、督查次数、日报周报制度。"),
        ],
    ),
    (
        "坚持依法依规，严把“四个关口”，确保选举合法有效",
        [
            ("training", "严把业务培训关", "县乡两级业务培训、指导手册。"),
            ("eligibility", "严把资格条件关", "资格条件细化、联审把关和取消资格情况。"),
            ("procedure", "严把程序操作关", "规定环节和法定程序的执行。"),
            ("democracy", "严把民主选举关", "保障党员“四权”的做法。"),
        ],
    ),
    (
        "坚持主动应对，做到“四个突出”，维护社会和谐稳定",
        [
            ("discipline", "突出严肃纪律", "纪律教育、警示教育和公开承诺。"),
            ("prevention", "突出重点防范", "薄弱村、难点村的预案和重要环节把控。"),
            ("supervision", "突出全程监督", "监督热线、监督小组和全程监督。"),
            ("petitions", "突出接访息访", "信访登记、举报受理和办结情况。"),
        ],
    ),
]


def load(apps, schema_editor):
    heading = apps.get_model("reports", "MeasureHeading")
    for group, (group_title, items) in enumerate(GROUPS, start=1):
        for order, (slug, title, hint) in enumerate(items, start=1):
            heading.objects.update_or_create(
                slug=slug,
                defaults={
                    "group": group,
                    "group_title": group_title,
                    "order": order,
                    "title": title,
                    "hint": hint,
                },
            )


def unload(apps, schema_editor):
    slugs = [slug for _title, items in GROUPS for slug, _t, _h in items]
    apps.get_model("reports", "MeasureHeading").objects.filter(slug__in=slugs).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_report_texts_and_snapshots")]
    operations = [migrations.RunPython(load, unload)]
