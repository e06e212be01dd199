"""Importing risks (矛盾隐患排查表) and inspection visits (督查记录) from Excel.

Each sheet has fixed Chinese headers; closed lists are Chinese data labels whatever the
interface language, as in candidates/resources.py. A row with a 编号 updates that record (the
exports fill it in), a row without one adds a record; a new row identical to a record already
kept is refused, so importing the same file twice never duplicates. Rows are written one by
one through the services (there are tens or hundreds, not thousands): each write is checked
once more and recorded in the audit log.

These importers do not stream (``Importer.streams`` stays False): ``write_chunk`` runs in the
import's own thread and transaction, so the ORM and the services may be used there; ``write``
is the same for the engine's earlier interface.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from elections.models import Township, Village
from elections.resources import writable_townships
from oversight import services
from oversight.models import (
    InspectionVisit,
    Risk,
    RiskCategory,
    RiskLevel,
    RiskStatus,
)
from oversight.permissions import visit_townships, writes_visits
from sheets import parsing
from sheets.importing import Column, Importer, Record
from sheets.reader import WorkbookError

# Closed lists as they appear in the sheets.
RISK_CATEGORIES = {
    "宗族势力干扰": RiskCategory.CLAN,
    "土地纠纷": RiskCategory.LAND,
    "经济纠纷": RiskCategory.MONEY,
    "征地拆迁": RiskCategory.DEMOLITION,
    "班子不团结": RiskCategory.DIVIDED,
    "其他": RiskCategory.OTHER,
}
RISK_CATEGORY_SYNONYMS = {
    "宗族势力": RiskCategory.CLAN,
    "家族势力": RiskCategory.CLAN,
    "宗族": RiskCategory.CLAN,
    "土地": RiskCategory.LAND,
    "资金纠纷": RiskCategory.MONEY,
    "经济": RiskCategory.MONEY,
    "拆迁": RiskCategory.DEMOLITION,
    "班子不和": RiskCategory.DIVIDED,
    "其它": RiskCategory.OTHER,
}
RISK_LEVELS = {"高": RiskLevel.HIGH, "中": RiskLevel.MEDIUM, "低": RiskLevel.LOW}
RISK_LEVEL_SYNONYMS = {
    "高风险": RiskLevel.HIGH,
    "较高": RiskLevel.HIGH,
    "中风险": RiskLevel.MEDIUM,
    "一般": RiskLevel.MEDIUM,
    "低风险": RiskLevel.LOW,
    "较低": RiskLevel.LOW,
}
RISK_STATUSES = {
    "未化解": RiskStatus.OPEN,
    "化解中": RiskStatus.IN_PROGRESS,
    "已化解": RiskStatus.RESOLVED,
}
RISK_STATUS_SYNONYMS = {"正在化解": RiskStatus.IN_PROGRESS, "化解": RiskStatus.RESOLVED}

NUMBER_HEADER = "编号(新增留空)"
HELP_NUMBER = gettext_lazy(
    "Leave it empty for a new record; an exported list has it filled in, and a row with a "
    "number updates that record."
)

MSG_NO_CAMPAIGN = gettext_lazy("Choose the campaign these risks belong to.")
MSG_NOT_INSPECTOR = gettext_lazy("Only members of an inspection group can import its visits.")


def _choice(labels: dict, field: str, synonyms: dict) -> Callable[[object], str]:
    merged = {**synonyms, **labels}

    def parse(value: object) -> str:
        # The message lists the official labels only, not every synonym accepted.
        return str(parsing.choice(value, merged, field=field, shown=labels))

    return parse


def _limited(length: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        value = parsing.text(value)
        if len(value) > length:
            raise parsing.CellError(_("Write at most %(n)d characters here.") % {"n": length})
        return value

    return parse


def _day(value: object) -> date | None:
    """A full date: a month alone does not say when."""
    parsed = parsing.date_or_month(value)
    if parsed is None:
        return None
    day, month_only = parsed
    if month_only:
        raise parsing.CellError(_("Give the day too, like 2026-03-12."))
    return day


def _is_digits(code: str, length: int) -> bool:
    return len(code) == length and code.isascii() and code.isdigit()


def _rows(numbers: list[int]) -> str:
    return "、".join(map(str, numbers))


def _number(value: object) -> int | None:
    return parsing.whole_number(value, minimum=1)


def _bool(value: object) -> bool:
    return bool(parsing.boolean(value))


def _model_errors(
    instance: object, columns: dict[str, str], error: Callable[[str, str], None]
) -> None:
    """The model's own rules (clean()), so that the import never disagrees with the forms."""
    try:
        instance.clean()
    except ValidationError as problems:
        for field, messages in problems.message_dict.items():
            for message in messages:
                error(columns.get(field, "code"), message)


def _duplicates(records: Iterable[Record], key: Callable[[dict], tuple | None]) -> list[list[int]]:
    rows: dict[tuple, list[int]] = defaultdict(list)
    for record in records:
        value = key(record.values)
        if value is not None:
            rows[value].append(record.row)
    return [same for same in rows.values() if len(same) > 1]


# Risks ----------------------------------------------------------------------------------------

RISK_COLUMNS = (
    Column(NUMBER_HEADER, "pk", _number, example="", width=10, help=HELP_NUMBER),
    Column("区划代码", "code", parsing.compact, required=True, example="320703101201",
           as_text=True, width=15,
           help=gettext_lazy("The 12-digit statistical division code of the village.")),
    Column("村(社区)名称", "village_name", parsing.text, example="东山村", width=14,
           help=gettext_lazy("Optional; when given, it must be the name of the village with "
                             "this code.")),
    Column("矛盾类型", "category", _choice(RISK_CATEGORIES, "矛盾类型", RISK_CATEGORY_SYNONYMS),
           required=True, example="土地纠纷", choices=tuple(RISK_CATEGORIES), width=14),
    Column("风险等级(高/中/低)", "level", _choice(RISK_LEVELS, "风险等级", RISK_LEVEL_SYNONYMS),
           required=True, example="中", choices=tuple(RISK_LEVELS), width=10),
    Column("情况描述", "description", parsing.text, required=True,
           example="村民小组间土地承包调整纠纷", width=40),
    Column("化解责任人", "owner", _limited(50), required=True, example="王建国（镇党委副书记）",
           width=18),
    Column("化解措施", "plan", parsing.text, example="镇村两级联合调处，召开村民代表会议协商",
           width=40),
    Column("化解状态(未化解/化解中/已化解)", "status",
           _choice(RISK_STATUSES, "化解状态", RISK_STATUS_SYNONYMS), required=True,
           example="已化解", choices=tuple(RISK_STATUSES), width=14),
    Column("排查日期", "found_on", _day, required=True, example="2026-07-10", width=12),
    Column("化解日期", "resolved_on", _day, example="2026-08-20", width=12,
           help=gettext_lazy("Required when the risk is resolved; empty otherwise.")),
)  # fmt: skip

RISK_CLEAN_COLUMNS = {
    "resolved_on": "resolved_on",
    "found_on": "found_on",
    "status": "status",
    "description": "description",
    "owner": "owner",
}


class RiskImporter(Importer):
    kind = "risks"
    title = "矛盾隐患排查"
    sheet_name = "矛盾隐患排查"
    columns = RISK_COLUMNS
    instructions = (
        "每行填写一个村(社区)在所选换届中排查出的一个矛盾隐患；区划代码须在您的管辖范围内。",
        "化解状态为“已化解”须填写化解日期，化解日期不能早于排查日期；其他状态不填化解日期。",
        "编号由系统导出时填写：有编号的行修改该条记录，新增的矛盾隐患编号留空。",
        "日期可填 2026-07-10、2026/7/10、2026.7.10、2026年7月10日 或日期格式单元格。",
        "文件中任何一行有误，整个文件都不会写入。",
    )

    @classmethod
    def may_import(cls, user: User) -> bool:
        return not user.is_read_only

    def prepare(self, records: list[Record]) -> None:
        if self.campaign is None:
            raise WorkbookError(str(MSG_NO_CAMPAIGN))
        codes = {r.values["code"] for r in records if r.values.get("code")}
        villages = Village.objects.filter(
            code__in=codes, township__in=writable_townships(self.user)
        )
        self.villages = {v.code: v for v in villages}
        self.known_codes = set(
            Village.objects.filter(code__in=codes - self.villages.keys()).values_list(
                "code", flat=True
            )
        )
        numbers = {r.values["pk"] for r in records if r.values.get("pk")}
        kept = Risk.objects.visible_to(self.user).for_campaign(self.campaign)
        self.risks = {
            risk.pk: risk
            for risk in kept.filter(pk__in=numbers).select_related("village", "campaign")
        }
        self.existing = {
            self._key_of(risk.village_id, risk.category, risk.found_on, risk.description): risk.pk
            for risk in kept.filter(village__code__in=codes)
        }

    @staticmethod
    def _key_of(village: int, category: str, found: date, description: str) -> tuple:
        return (village, category, found, description)

    def _key(self, values: dict) -> tuple | None:
        village = values.get("village")
        if village is None or values.get("pk"):
            return None
        return self._key_of(
            village.pk, values.get("category"), values.get("found_on"), values.get("description")
        )

    def check(self, record: Record, error: Callable[[str, str], None]) -> None:
        values = record.values
        self._check_village(values, error)
        self._check_number(values, error)
        key = self._key(values)
        if key in self.existing:
            error(
                "description",
                _("This risk is already recorded as number %(pk)d; give the number to change it.")
                % {"pk": self.existing[key]},
            )
        risk = Risk(
            category=values.get("category") or "",
            status=values.get("status") or "",
            found_on=values.get("found_on"),
            resolved_on=values.get("resolved_on"),
        )
        if values.get("status"):
            _model_errors(risk, RISK_CLEAN_COLUMNS, error)

    def _check_village(self, values: dict, error: Callable[[str, str], None]) -> None:
        code = values.get("code")
        if not code:
            return
        village = self.villages.get(code)
        if village is None:
            if not _is_digits(code, 12):
                error("code", _("A division code has 12 digits."))
            elif code in self.known_codes:
                error("code", _("This village is outside your region."))
            else:
                error("code", _("No village or community has this code."))
            return
        name = values.get("village_name")
        if name and name != village.name:
            error(
                "village_name",
                _("The code %(code)s is %(name)s.") % {"code": code, "name": village.name},
            )
        values["village"] = village

    def _check_number(self, values: dict, error: Callable[[str, str], None]) -> None:
        number = values.get("pk")
        if not number:
            return
        risk = self.risks.get(number)
        if risk is None:
            error("pk", _("No risk of this campaign in your region has this number."))
        elif values.get("village") and risk.village_id != values["village"].pk:
            error("code", _("Risk %(pk)d belongs to another village.") % {"pk": number})
        else:
            values["risk"] = risk

    def check_file(self, records: list[Record], error: Callable[[int, str, str], None]) -> None:
        for same in _duplicates(records, lambda v: (v["pk"],) if v.get("pk") else None):
            for row in same:
                error(row, "pk", _("The same number is on rows %(rows)s.") % {"rows": _rows(same)})
        for same in _duplicates(records, self._key):
            for row in same:
                error(
                    row,
                    "description",
                    _("The same risk is on rows %(rows)s.") % {"rows": _rows(same)},
                )

    def count_existing(self, records: list[Record]) -> int:
        return sum(1 for r in records if r.values.get("pk"))

    def write_chunk(self, records: list[Record], cursor: object) -> tuple[int, int]:
        return self.write(records)

    def write(self, records: list[Record]) -> tuple[int, int]:
        # An import runs in a task, outside any request: name its user in the audit log.
        with set_actor(self.user):
            return self._write(records)

    def _write(self, records: list[Record]) -> tuple[int, int]:
        created = 0
        for record in records:
            values = record.values
            fields = {
                "category": values["category"],
                "level": values["level"],
                "description": values["description"],
                "owner": values["owner"],
                "plan": values.get("plan") or "",
                "status": values["status"],
                "found_on": values["found_on"],
                "resolved_on": values.get("resolved_on"),
            }
            if values.get("risk"):
                services.risk_update(by=self.user, risk=values["risk"], **fields)
            else:
                services.risk_create(
                    by=self.user, village=values["village"], campaign=self.campaign, **fields
                )
                created += 1
        return created, len(records) - created


# Inspection visits ----------------------------------------------------------------------------

VISIT_COLUMNS = (
    Column(NUMBER_HEADER, "pk", _number, example="", width=10, help=HELP_NUMBER),
    Column("督查日期", "visited_on", _day, required=True, example="2026-09-15", width=12),
    Column("乡镇(街道)代码", "township_code", parsing.compact, required=True,
           example="320703101", as_text=True, width=14,
           help=gettext_lazy("The 9-digit code of a township assigned to your group.")),
    Column("村(社区)区划代码", "village_code", parsing.compact, example="320703101201",
           as_text=True, width=15,
           help=gettext_lazy("Empty when the visit was to the township itself.")),
    Column("发现问题", "findings", parsing.text, required=True,
           example="公推大会现场秩序良好，个别党员对资格审查程序了解不够", width=40),
    Column("整改要求", "follow_up", parsing.text, example="镇党委组织专题解读，会前逐人告知",
           width=40),
    Column("是否整改到位", "follow_up_done", _bool, example="否", choices=("是", "否"), width=10),
)  # fmt: skip

VISIT_CLEAN_COLUMNS = {"visited_on": "visited_on", "follow_up": "follow_up"}


class VisitImporter(Importer):
    kind = "visits"
    title = "督查记录"
    sheet_name = "督查记录"
    columns = VISIT_COLUMNS
    instructions = (
        "督查指导组成员填写本组的督查记录：每行一次督查，地点为本组负责的乡镇(街道)，可具体到村(社区)。",
        "乡镇(街道)代码为9位统计用区划代码；村(社区)区划代码为12位，须属于该乡镇(街道)。",
        "“是否整改到位”填“是”的，须填写整改要求。",
        "编号由系统导出时填写：有编号的行修改本组的该条记录，新增的督查记录编号留空。",
        "文件中任何一行有误，整个文件都不会写入。",
    )

    @classmethod
    def may_import(cls, user: User) -> bool:
        """Inspection-group members only: the one import a read-only role may run."""
        return writes_visits(user)

    def prepare(self, records: list[Record]) -> None:
        if not writes_visits(self.user):
            raise WorkbookError(str(MSG_NOT_INSPECTOR))
        codes = {r.values["township_code"] for r in records if r.values.get("township_code")}
        self.townships = {t.code: t for t in visit_townships(self.user).filter(code__in=codes)}
        self.known_townships = set(
            Township.objects.filter(code__in=codes).values_list("code", flat=True)
        )
        village_codes = {r.values["village_code"] for r in records if r.values.get("village_code")}
        self.villages = {v.code: v for v in Village.objects.filter(code__in=village_codes)}
        own = InspectionVisit.objects.filter(group_id=self.user.inspection_group_id)
        numbers = {r.values["pk"] for r in records if r.values.get("pk")}
        self.visits = {v.pk: v for v in own.filter(pk__in=numbers)}
        self.existing = {
            (v.visited_on, v.township_id, v.village_id, v.findings): v.pk
            for v in own.filter(township__code__in=codes)
        }

    def _key(self, values: dict) -> tuple | None:
        township, village = values.get("township"), values.get("village")
        if township is None or values.get("pk"):
            return None
        if values.get("village_code") and village is None:
            return None  # a wrong village, already reported
        return (
            values.get("visited_on"),
            township.pk,
            village.pk if village else None,
            values.get("findings"),
        )

    def check(self, record: Record, error: Callable[[str, str], None]) -> None:
        values = record.values
        self._check_place(values, error)
        number = values.get("pk")
        if number:
            if number in self.visits:
                values["visit"] = self.visits[number]
            else:
                error("pk", _("No visit of your group has this number."))
        key = self._key(values)
        if key in self.existing:
            error(
                "findings",
                _("This visit is already recorded as number %(pk)d; give the number to change it.")
                % {"pk": self.existing[key]},
            )
        visit = InspectionVisit(
            visited_on=values.get("visited_on"),
            follow_up=values.get("follow_up") or "",
            follow_up_done=values.get("follow_up_done") or False,
        )
        _model_errors(visit, VISIT_CLEAN_COLUMNS, error)

    def _check_place(self, values: dict, error: Callable[[str, str], None]) -> None:
        code = values.get("township_code")
        if code:
            if code in self.townships:
                values["township"] = self.townships[code]
            elif not _is_digits(code, 9):
                error("township_code", _("A township code has 9 digits."))
            elif code in self.known_townships:
                error("township_code", str(services.MSG_TOWNSHIP_NOT_ASSIGNED))
            else:
                error("township_code", _("No township has this code."))
        village_code = values.get("village_code")
        if not village_code:
            return
        village = self.villages.get(village_code)
        if village is None:
            error("village_code", _("No village or community has this code."))
        elif code and not village_code.startswith(code):
            error("village_code", _("This village does not belong to the township."))
        else:
            values["village"] = village

    def check_file(self, records: list[Record], error: Callable[[int, str, str], None]) -> None:
        for same in _duplicates(records, lambda v: (v["pk"],) if v.get("pk") else None):
            for row in same:
                error(row, "pk", _("The same number is on rows %(rows)s.") % {"rows": _rows(same)})
        for same in _duplicates(records, self._key):
            for row in same:
                error(
                    row,
                    "findings",
                    _("The same visit is on rows %(rows)s.") % {"rows": _rows(same)},
                )

    def count_existing(self, records: list[Record]) -> int:
        return sum(1 for r in records if r.values.get("pk"))

    def write_chunk(self, records: list[Record], cursor: object) -> tuple[int, int]:
        return self.write(records)

    def write(self, records: list[Record]) -> tuple[int, int]:
        # An import runs in a task, outside any request: name its user in the audit log.
        with set_actor(self.user):
            return self._write(records)

    def _write(self, records: list[Record]) -> tuple[int, int]:
        created = 0
        for record in records:
            values = record.values
            fields = {
                "visited_on": values["visited_on"],
                "township": values["township"],
                "village": values.get("village"),
                "findings": values["findings"],
                "follow_up": values.get("follow_up") or "",
                "follow_up_done": values.get("follow_up_done") or False,
            }
            if values.get("visit"):
                services.visit_update(by=self.user, visit=values["visit"], **fields)
            else:
                services.visit_create(by=self.user, **fields)
                created += 1
        return created, len(records) - created
