"""Importing a campaign's audits (经济审计) and their findings (审计问题).

Two sheets, each with fixed Chinese headers (closed lists are Chinese data labels whatever
the interface language, as in candidates/resources.py):

- 经济审计: one row per village, by (campaign, village). The last three columns, 问题数,
  问题金额(元) and 已整改 (how many findings are rectified), summarise the village's findings:
  the export writes them; an import does not create findings from them but checks them,
  when filled, against the findings recorded for the village, so that a summary typed into the
  sheet is never silently dropped and an exported sheet imports again unchanged. Leave them
  empty on a first import.
- 审计问题: one row per finding. The findings of every village in the file are replaced by the
  file's rows (a re-import never duplicates); the village's audit must exist already. A
  responsible person is linked to the registered person of that name when exactly one person
  of that name stands in the village's election of the campaign; otherwise the name is kept
  as text.

Every rule of the models and of the services is checked per row (a done audit's totals are
not changed by a row that keeps it done); any fault and nothing at all is written.
"""

import calendar
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.models import Audit, AuditFinding, AuditStatus
from audits.services import MSG_DONE_ONLY_REOPENS, MSG_DONE_TOTALS, TOTALS
from candidates.models import Candidacy
from elections.models import Village
from elections.resources import writable_townships
from sheets import parsing
from sheets.bulk import existing_count, upsert
from sheets.importing import Column, Importer, Record
from sheets.reader import WorkbookError

STATUSES = {
    "计划": AuditStatus.PLANNED,
    "进行中": AuditStatus.IN_PROGRESS,
    "已完成": AuditStatus.DONE,
}
STATUS_SYNONYMS = {
    "计划中": AuditStatus.PLANNED,
    "未开始": AuditStatus.PLANNED,
    "审计中": AuditStatus.IN_PROGRESS,
    "完成": AuditStatus.DONE,
    "已审计": AuditStatus.DONE,
}
CENT = Decimal("0.01")
MAX_YUAN = Decimal("1e12")  # the columns hold 12 digits before the decimal point
FLOAT_SLACK = Decimal("0.000001")


# Cells ----------------------------------------------------------------------------------------


def _choice(labels: dict, field: str, synonyms: dict) -> Callable[[object], str]:
    merged = {**synonyms, **labels}

    def parse(value: object) -> str:
        return str(parsing.choice(value, merged, field=field, shown=labels))

    return parse


def _limited(length: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        words = parsing.text(value)
        if len(words) > length:
            raise parsing.CellError(_("Write at most %(n)d characters here.") % {"n": length})
        return words

    return parse


def _decimal(value: object) -> Decimal:
    """The number in a cell: Excel's floats rounded to the fen they meant; text may say 元,
    万 (ten thousand) and use thousands separators."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        rounded = number.quantize(CENT) if abs(number) < MAX_YUAN else number
        return rounded if abs(number - rounded) < FLOAT_SLACK else number
    raw = parsing.compact(value).replace(",", "").replace("，", "").removesuffix("元")
    factor = 1
    if raw.endswith("万"):
        raw, factor = raw[:-1], 10000
    return Decimal(raw) * factor


def yuan(value: object) -> Decimal | None:
    """An amount in yuan with at most two decimals (fen); empty is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = _decimal(value)
    except (ValueError, InvalidOperation):
        raise parsing.CellError(
            _("“%(value)s” is not an amount in yuan: write it like 12500, 12500.50 or 1.25万.")
            % {"value": parsing.text(value)}
        ) from None
    if not number.is_finite():
        raise parsing.CellError(_("“%(value)s” is not an amount in yuan.") % {"value": value})
    if number < 0:
        raise parsing.CellError(_("An amount cannot be negative."))
    if number >= MAX_YUAN:
        raise parsing.CellError(_("The amount is too large."))
    if number != number.quantize(CENT):
        raise parsing.CellError(_("Give at most two decimal places (fen)."))
    return number.quantize(CENT)


def _day(value: object) -> date | None:
    """A full date: something is completed or rectified on a day, a month is not enough."""
    parsed = parsing.date_or_month(value)
    if parsed is None:
        return None
    day, month_only = parsed
    if month_only:
        raise parsing.CellError(_("Give the day too, like 2026-03-12."))
    return day


def _period_start(value: object) -> date | None:
    parsed = parsing.date_or_month(value)
    return parsed[0] if parsed else None


def _period_end(value: object) -> date | None:
    """A month alone (2026.06) ends on its last day."""
    parsed = parsing.date_or_month(value)
    if parsed is None:
        return None
    day, month_only = parsed
    if month_only:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def _count(value: object) -> int | None:
    number = parsing.whole_number(value)
    if number is not None and number > 9999:
        raise parsing.CellError(_("The number must be at most %(max)d.") % {"max": 9999})
    return number


def _bool(value: object) -> bool:
    return bool(parsing.boolean(value))


HELP_CODE = gettext_lazy("The 12-digit statistical division code of the village or community.")
HELP_VILLAGE_NAME = gettext_lazy(
    "Optional; when given, it must be the name of the village with this code."
)
HELP_SUMMARY = gettext_lazy(
    "Summary of the findings, written by the export. Findings are loaded from the 审计问题 "
    "sheet or entered on the audit's page; when filled, this cell must agree with them."
)

HELP_RECTIFIED = gettext_lazy(
    "How many of the findings are rectified: a summary written by the export; when filled, it "
    "must agree with the findings recorded."
)


# Audits -----------------------------------------------------------------------------------

AUDIT_COLUMNS = (
    Column("区划代码", "code", parsing.compact, required=True, example="320703101201",
           as_text=True, width=15, help=HELP_CODE),
    Column("村(社区)名称", "village_name", parsing.text, example="东山村", width=14,
           help=HELP_VILLAGE_NAME),
    Column("审计起始", "period_start", _period_start, example="2021.01", width=11,
           help=gettext_lazy("The first day of the period audited; a month means its first day.")),
    Column("审计截止", "period_end", _period_end, example="2026.06", width=11,
           help=gettext_lazy("The last day of the period audited; a month means its last day.")),
    Column("审计人员", "auditors", _limited(200), example="县农经站 王明、李华", width=18),
    Column("状态(计划/进行中/已完成)", "status", _choice(STATUSES, "状态", STATUS_SYNONYMS),
           required=True, example="已完成", choices=tuple(STATUSES), width=12),
    Column("完成日期", "completed_on", _day, example="2026-08-20", width=11,
           help=gettext_lazy("Required when the audit is done; empty otherwise.")),
    Column("资金(元)", "funds", yuan, example="856000.00", width=13,
           help=gettext_lazy("In yuan; 1.25万 and 12,500 are understood too.")),
    Column("资源", "resources", _limited(200), example="耕地1200亩、林地80亩", width=20,
           help=gettext_lazy("In words, with units: land, forest, water surface…")),
    Column("资产(元)", "assets", yuan, example="3200000.00", width=13),
    Column("问题数", "finding_count", _count, example="", width=8, help=HELP_SUMMARY),
    Column("问题金额(元)", "finding_amount", yuan, example="", width=12, help=HELP_SUMMARY),
    Column("已整改", "rectified_count", _count, example="", width=8, help=HELP_RECTIFIED),
)  # fmt: skip

CLEAN_COLUMNS = {"period_end": "period_end", "completed_on": "completed_on"}
AUDIT_UPDATED = (
    "period_start",
    "period_end",
    "auditors",
    "status",
    "completed_on",
    "funds",
    "resources",
    "assets",
    "updated_by_id",
    "updated_at",
)


def _rows(numbers: list[int]) -> str:
    return "、".join(map(str, numbers))


class VillageLookup:
    """The villages of the file the user may write in, and what to say of other codes."""

    def __init__(self, importer: Importer, records: list[Record]) -> None:
        codes = {r.values["code"] for r in records if r.values.get("code")}
        villages = Village.objects.filter(
            code__in=codes, township__in=writable_townships(importer.user)
        )
        self.villages = {
            code: (pk, name) for pk, code, name in villages.values_list("pk", "code", "name")
        }
        self.known = set(
            Village.objects.filter(code__in=codes - self.villages.keys()).values_list(
                "code", flat=True
            )
        )

    def find(self, values: dict, error: Callable[[str, str], None]) -> int | None:
        code = values.get("code")
        if not code:
            return None
        if code not in self.villages:
            if len(code) != 12 or not code.isascii() or not code.isdigit():
                error("code", _("A division code has 12 digits."))
            elif code in self.known:
                error("code", _("This village is outside your region."))
            else:
                error("code", _("No village or community has this code."))
            return None
        pk, name = self.villages[code]
        typed = values.get("village_name")
        if typed and typed != name:
            error(
                "village_name", _("The code %(code)s is %(name)s.") % {"code": code, "name": name}
            )
        return pk


def _need_campaign(importer: Importer) -> None:
    if importer.campaign is None:
        raise WorkbookError(_("Choose the campaign these audits belong to."))


class AuditImporter(Importer):
    kind = "audits"
    title = "经济审计"
    sheet_name = "经济审计"
    columns = AUDIT_COLUMNS
    instructions = (
        "每行填写一个村(社区)在所选换届中的换届前经济审计情况（先审计后选举）；区划代码须在您的管辖范围内。",
        "状态为“已完成”须填写完成日期，且完成日期不早于审计截止日期、不晚于今天；其他状态不填完成日期。",
        "已完成的审计不能直接修改资金、资源、资产：须将状态改为“进行中”后再修改，完成后再改回“已完成”。",
        "问题数、问题金额、已整改三列是审计问题的汇总，由导出自动生成；导入时不据此新增问题，"
        "只在填写时与已录入的问题核对。首次导入请留空，问题明细用“审计问题”表导入或在审计页面录入。",
        "金额以元为单位，可填 12500、12,500.50、1.25万；日期可填 2026-08-20、2026/8/20、"
        "2026年8月20日，审计起止可只填年月（如 2021.01、2026.06）。",
        "同一文件重复导入只会更新，不会重复新增；文件中任何一行有误，整个文件都不会写入。",
    )

    def prepare(self, records: list[Record]) -> None:
        _need_campaign(self)
        self.lookup = VillageLookup(self, records)
        village_ids = [pk for pk, _name in self.lookup.villages.values()]
        audits = (
            Audit.objects.filter(campaign=self.campaign, village_id__in=village_ids)
            .with_finding_totals()
            .values(
                "village_id",
                "status",
                "finding_count",
                "unrectified_count",
                "finding_amount",
                *TOTALS,
            )
        )
        self.audits = {row["village_id"]: row for row in audits}

    def check(self, record: Record, error: Callable[[str, str], None]) -> None:
        values = record.values
        village = self.lookup.find(values, error)
        if village is not None:
            values["village_id"] = village
        if not values.get("status"):
            return  # required, already reported
        self._check_rules(values, error)
        stored = self.audits.get(village)
        if stored:
            self._check_done(values, stored, error)
        self._check_summary(values, stored, error)

    def _check_rules(self, values: dict, error: Callable[[str, str], None]) -> None:
        # The model's own rules, so that the import can never disagree with the forms.
        audit = Audit(
            status=values["status"],
            completed_on=values.get("completed_on"),
            period_start=values.get("period_start"),
            period_end=values.get("period_end"),
        )
        try:
            audit.clean()
        except ValidationError as problems:
            for field, messages in problems.message_dict.items():
                for message in messages:
                    error(CLEAN_COLUMNS.get(field, "code"), message)

    def _check_done(self, values: dict, stored: dict, error: Callable[[str, str], None]) -> None:
        """The services' rule: a done audit goes back to in progress before its totals change."""
        if stored["status"] != AuditStatus.DONE:
            return
        if values["status"] == AuditStatus.PLANNED:
            error("status", str(MSG_DONE_ONLY_REOPENS))
        elif values["status"] == AuditStatus.DONE:
            for name in TOTALS:
                if (values.get(name) or None) != (stored[name] or None):
                    error(name, str(MSG_DONE_TOTALS))

    def _check_summary(
        self, values: dict, stored: dict | None, error: Callable[[str, str], None]
    ) -> None:
        count = stored["finding_count"] if stored else 0
        recorded = {
            "finding_count": count,
            "finding_amount": (stored["finding_amount"] if stored else None) or Decimal(0),
            "rectified_count": count - (stored["unrectified_count"] if stored else 0),
        }
        for key, value in recorded.items():
            typed = values.get(key)
            if typed is not None and typed != value:
                error(
                    key,
                    _(
                        "The findings recorded for this village say %(value)s. Load findings "
                        "from the 审计问题 sheet or on the audit's page; leave this cell empty "
                        "or make it agree."
                    )
                    % {"value": value},
                )

    def check_file(self, records: list[Record], error: Callable[[int, str, str], None]) -> None:
        rows: dict[int, list[int]] = defaultdict(list)
        for record in records:
            if record.values.get("village_id"):
                rows[record.values["village_id"]].append(record.row)
        for same in rows.values():
            if len(same) > 1:
                for row in same:
                    error(
                        row,
                        "code",
                        _("The same village's audit is on rows %(rows)s.") % {"rows": _rows(same)},
                    )

    def count_existing(self, records: list[Record]) -> int:
        return existing_count(
            Audit,
            ["campaign_id", "village_id"],
            [(self.campaign.pk, r.values["village_id"]) for r in records],
        )

    def write_chunk(self, records: list[Record], cursor: object) -> tuple[int, int]:
        # Not streamed (a campaign has one audit per village): the ORM is safe here.
        now = timezone.now()
        _ids, created = upsert(
            Audit,
            ["campaign_id", "village_id", "period_start", "period_end", "auditors", "status",
             "completed_on", "funds", "resources", "assets", "notes", "updated_by_id",
             "created_at", "updated_at"],
            [
                (self.campaign.pk, v["village_id"], v["period_start"], v["period_end"],
                 v["auditors"], v["status"], v["completed_on"], v["funds"], v["resources"],
                 v["assets"], "", self.user.pk, now, now)
                for v in (r.values for r in records)
            ],
            key=["campaign_id", "village_id"],
            update=AUDIT_UPDATED,
        )  # fmt: skip
        return created, len(records) - created


# Findings ---------------------------------------------------------------------------------

FINDING_COLUMNS = (
    Column("区划代码", "code", parsing.compact, required=True, example="320703101201",
           as_text=True, width=15, help=HELP_CODE),
    Column("村(社区)名称", "village_name", parsing.text, example="东山村", width=14,
           help=HELP_VILLAGE_NAME),
    Column("问题描述", "description", _limited(1000), required=True,
           example="村集体机动地发包未经村民代表会议讨论", width=40),
    Column("问题金额(元)", "amount", yuan, example="12000", width=12,
           help=gettext_lazy("Empty counts as 0 (a finding that involves no money).")),
    Column("责任人", "responsible_name", _limited(50), example="张三", width=10,
           help=gettext_lazy(
               "A name. When exactly one person of this name stands in the village's election, "
               "the finding is linked to them (the eligibility review then flags them)."
           )),
    Column("是否已整改", "rectified", _bool, example="否", choices=("是", "否"), width=10,
           help=gettext_lazy("Empty counts as 否.")),
    Column("整改日期", "rectified_on", _day, example="", width=11,
           help=gettext_lazy("Required when rectified; empty otherwise.")),
)  # fmt: skip

FINDING_CLEAN_COLUMNS = {"rectified_on": "rectified_on"}


class FindingImporter(Importer):
    kind = "audit_findings"
    title = "审计问题"
    sheet_name = "审计问题"
    columns = FINDING_COLUMNS
    instructions = (
        "每行填写经济审计发现的一个问题；区划代码须在您的管辖范围内，且该村(社区)在所选换届中已有经济审计（先导入“经济审计”表）。",
        "文件中出现的每个村(社区)，其原有问题全部由文件中的行替换；未出现的村(社区)不受影响。",
        "责任人填写姓名；该村本次换届的人员中恰有一人同名时，自动关联到该人员，资格联审时据此提示未整改问题。",
        "已整改的须填写整改日期，未整改的不填；金额以元为单位，不涉及金额的填0或留空。",
        "文件中任何一行有误，整个文件都不会写入。",
    )

    def prepare(self, records: list[Record]) -> None:
        _need_campaign(self)
        self.lookup = VillageLookup(self, records)
        village_ids = [pk for pk, _name in self.lookup.villages.values()]
        self.audits = dict(
            Audit.objects.filter(campaign=self.campaign, village_id__in=village_ids).values_list(
                "village_id", "pk"
            )
        )

    def check(self, record: Record, error: Callable[[str, str], None]) -> None:
        values = record.values
        village = self.lookup.find(values, error)
        if village is not None:
            audit = self.audits.get(village)
            if audit is None:
                error(
                    "code",
                    _(
                        "This village has no audit in the campaign: import the 经济审计 sheet "
                        "or enter the audit first."
                    ),
                )
            values["audit_id"], values["village_id"] = audit, village
        values["amount"] = values.get("amount") or Decimal("0.00")
        finding = AuditFinding(
            rectified=bool(values.get("rectified")), rectified_on=values.get("rectified_on")
        )
        try:
            finding.clean()
        except ValidationError as problems:
            for field, messages in problems.message_dict.items():
                for message in messages:
                    error(FINDING_CLEAN_COLUMNS.get(field, "code"), message)

    def _people(self, records: list[Record]) -> dict[tuple[int, str], int]:
        """(village, name) → the one person of that name standing there in the campaign."""
        villages = {r.values["village_id"] for r in records}
        names = {r.values["responsible_name"] for r in records if r.values["responsible_name"]}
        standing = (
            Candidacy.objects.filter(
                election__campaign=self.campaign,
                election__branch__village_id__in=villages,
                person__name__in=names,
            )
            .values("election__branch__village_id", "person__name")
            .annotate(people=Count("person", distinct=True), only_person=Min("person"))
        )
        return {
            (row["election__branch__village_id"], row["person__name"]): row["only_person"]
            for row in standing
            if row["people"] == 1
        }

    def write_chunk(self, records: list[Record], cursor: object) -> tuple[int, int]:
        # Not streamed: the ORM is safe here.
        people = self._people(records)
        audits = {r.values["audit_id"] for r in records}
        AuditFinding.objects.filter(audit_id__in=audits).delete()
        now = timezone.now()
        findings = [
            AuditFinding(
                audit_id=v["audit_id"],
                description=v["description"],
                amount=v["amount"],
                responsible_person_id=people.get((v["village_id"], v["responsible_name"])),
                responsible_name=v["responsible_name"],
                rectified=bool(v["rectified"]),
                rectified_on=v["rectified_on"],
                created_at=now,
                updated_at=now,
            )
            for v in (r.values for r in records)
        ]
        AuditFinding.objects.bulk_create(findings, batch_size=2000)
        return len(findings), 0
