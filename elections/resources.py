"""Importing villages with their Party organizations, and a campaign's elections.

Two sheets, each with fixed Chinese headers (the labels of closed lists are Chinese data
whatever the interface language, as in candidates/resources.py):

- 村(社区)名单: one row per village and Party organization; a village by its division code,
  its organization by (village, name). New organizations are entered in the campaigns still
  running, as a village added by hand is (elections.services.village_create).
- 换届选举: one row per election of the chosen campaign, by (campaign, organization); every
  rule of Election.clean is checked per row, and certified (locked) elections are refused.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from elections.models import (
    BRANCH_SUFFIX,
    SEAT_LIMITS,
    Branch,
    BranchKind,
    Campaign,
    Election,
    ElectionStatus,
    Method,
    Mode,
    Township,
    Village,
    VillageGrade,
    VillageKind,
)
from elections.services import MSG_LOCKED
from sheets import parsing
from sheets.bulk import existing_count, upsert
from sheets.importing import Column, Importer, Record
from sheets.reader import WorkbookError

# Closed lists as they appear in the sheets.
VILLAGE_KINDS = {"村": VillageKind.RURAL, "社区": VillageKind.COMMUNITY}
GRADES = {
    "先进村": VillageGrade.ADVANCED,
    "中间村": VillageGrade.MIDDLE,
    "薄弱村": VillageGrade.WEAK,
}
GRADE_SYNONYMS = {
    "先进": VillageGrade.ADVANCED,
    "中间": VillageGrade.MIDDLE,
    "一般村": VillageGrade.MIDDLE,
    "薄弱": VillageGrade.WEAK,
    "后进村": VillageGrade.WEAK,
}
BRANCH_KINDS = {
    "党委": BranchKind.COMMITTEE,
    "党总支": BranchKind.GENERAL_BRANCH,
    "党支部": BranchKind.BRANCH,
}
BRANCH_KIND_SYNONYMS = {
    "党总支部": BranchKind.GENERAL_BRANCH,
    "总支": BranchKind.GENERAL_BRANCH,
    "支部": BranchKind.BRANCH,
}
METHODS = {
    "公推直选": Method.PUBLIC_DIRECT,
    "两推一选": Method.TWO_NOMINATIONS,
    "常规选举": Method.CONVENTIONAL,
}
METHOD_SYNONYMS = {"常规": Method.CONVENTIONAL}
MODES = {"直接选举": Mode.DIRECT, "间接选举": Mode.INDIRECT}
MODE_SYNONYMS = {"直接": Mode.DIRECT, "直选": Mode.DIRECT, "间接": Mode.INDIRECT}
STATUSES = {
    "未启动": ElectionStatus.NOT_STARTED,
    "进行中": ElectionStatus.IN_PROGRESS,
    "已完成": ElectionStatus.COMPLETED,
    "延期": ElectionStatus.POSTPONED,
}
STATUS_SYNONYMS = {
    "未开始": ElectionStatus.NOT_STARTED,
    "完成": ElectionStatus.COMPLETED,
    "已延期": ElectionStatus.POSTPONED,
}
# The mode a method implies (Election.clean); two nominations and one election allow both.
IMPLIED_MODE = {Method.PUBLIC_DIRECT: Mode.DIRECT, Method.CONVENTIONAL: Mode.INDIRECT}


def _choice(labels: dict, field: str, synonyms: dict | None = None) -> Callable[[object], str]:
    merged = {**(synonyms or {}), **labels}

    def parse(value: object) -> str:
        # The message lists the official labels only, not every synonym accepted.
        return str(parsing.choice(value, merged, field=field, shown=labels))

    return parse


def _code(value: object) -> str:
    return parsing.compact(value)


def _limited(length: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        name = parsing.text(value)
        if len(name) > length:
            raise parsing.CellError(_("Write at most %(n)d characters here.") % {"n": length})
        return name

    return parse


def _number(minimum: int, maximum: int) -> Callable[[object], int | None]:
    """A whole number within bounds: the database's columns are small integers."""

    def parse(value: object) -> int | None:
        number = parsing.whole_number(value, minimum=minimum)
        if number is not None and number > maximum:
            raise parsing.CellError(_("The number must be at most %(max)d.") % {"max": maximum})
        return number

    return parse


def _bool(value: object) -> bool:
    return bool(parsing.boolean(value))


def _day(value: object) -> date | None:
    """A full date: an election is held on a day, so a month alone is not enough."""
    parsed = parsing.date_or_month(value)
    if parsed is None:
        return None
    day, month_only = parsed
    if month_only:
        raise parsing.CellError(_("Give the day too, like 2026-03-12."))
    return day


def _is_digits(code: str, length: int) -> bool:
    return len(code) == length and code.isascii() and code.isdigit()


def writable_townships(user: User) -> QuerySet[Township]:
    """The townships ``user`` may write in: none for a read-only user."""
    if user.is_read_only:
        return Township.objects.none()
    return Township.objects.visible_to(user)


def _rows(numbers: list[int]) -> str:
    return "、".join(map(str, numbers))


HELP_CODE = gettext_lazy("The 12-digit statistical division code of the village or community.")
HELP_VILLAGE_NAME = gettext_lazy(
    "Optional; when given, it must be the name of the village with this code."
)
HELP_MODE = gettext_lazy(
    "公推直选 is always 直接选举 and 常规选举 always 间接选举; empty takes that mode."
)
HELP_HELD = gettext_lazy("Required when the election is completed; empty if it has not started.")
HELP_BRANCH = gettext_lazy("Only needed when the village has more than one Party organization.")

# Villages and their Party organizations ------------------------------------------------------

VILLAGE_COLUMNS = (
    Column("区划代码", "code", _code, required=True, example="320703101201", as_text=True,
           width=15, help=HELP_CODE),
    Column("村(社区)名称", "name", _limited(50), required=True, example="东山村", width=14),
    Column("类型(村/社区)", "kind", _choice(VILLAGE_KINDS, "类型"), required=True, example="村",
           choices=tuple(VILLAGE_KINDS), width=10),
    Column("所属乡镇(街道)代码", "township_code", _code, required=True, example="320703101",
           as_text=True, width=14,
           help=gettext_lazy("The 9-digit code of the township; the village code starts with it.")),
    Column("党员人数", "party_members", _number(0, 99999), example="56", width=9,
           help=gettext_lazy("Empty counts as 0.")),
    Column("分类定级(先进村/中间村/薄弱村)", "grade", _choice(GRADES, "分类定级", GRADE_SYNONYMS),
           example="中间村", choices=tuple(GRADES), width=14,
           help=gettext_lazy("Empty counts as 中间村.")),
    Column("是否重难点村", "is_difficult", _bool, example="否", choices=("是", "否"), width=10),
    Column("党组织名称", "branch_name", _limited(80), example="东山村党支部", width=18,
           help=gettext_lazy("Empty: the village name followed by the kind, like 东山村党支部.")),
    Column("党组织类型(党委/党总支/党支部)", "branch_kind",
           _choice(BRANCH_KINDS, "党组织类型", BRANCH_KIND_SYNONYMS), required=True,
           example="党支部", choices=tuple(BRANCH_KINDS), width=14),
    Column("委员职数", "seats", _number(0, 99), required=True, example="5", width=9,
           help=gettext_lazy("A 党支部 has 3 to 5 seats, a 党总支 or 党委 5 to 7.")),
)  # fmt: skip

VILLAGE_FIELDS = ("name", "kind", "township_id", "party_members", "grade", "is_difficult")


class VillageImporter(Importer):
    kind = "villages"
    title = "村(社区)名单"
    sheet_name = "村(社区)名单"
    columns = VILLAGE_COLUMNS
    instructions = (
        "每行填写一个村(社区)及其党组织；一个村(社区)有多个党组织的，每个党组织填一行，村(社区)信息须一致。",
        "区划代码为村(社区)的12位统计用区划代码，须以所属乡镇(街道)的9位代码开头；乡镇(街道)须在您的管辖范围内。",
        "委员职数：党支部3至5名，党总支、党委5至7名。",
        "按区划代码识别村(社区)，按村(社区)和党组织名称识别党组织：同一文件重复导入只会更新，不会重复新增。",
        "新增的党组织自动列入正在进行的换届；文件中任何一行有误，整个文件都不会写入。",
    )

    def prepare(self, records: list[Record]) -> None:
        codes = {r.values["township_code"] for r in records if r.values.get("township_code")}
        self.townships = dict(Township.objects.filter(code__in=codes).values_list("code", "pk"))
        self.writable = set(
            writable_townships(self.user).filter(code__in=codes).values_list("pk", flat=True)
        )
        village_codes = {r.values["code"] for r in records if r.values.get("code")}
        self.villages = {
            code: (pk, township_id)
            for code, pk, township_id in Village.objects.filter(code__in=village_codes)
            .values_list("code", "pk", "township_id")
            .iterator()
        }
        self.branches = set(
            Branch.objects.filter(village__code__in=village_codes).values_list(
                "village__code", "name"
            )
        )

    def check(self, record: Record, error: Callable[[str, str], None]) -> None:
        values = record.values
        self._check_township(values, error)
        self._check_code(values, error)
        self._check_branch(values, error)
        # Empty optional cells take the model's defaults, as the help of their columns says.
        if values.get("party_members") is None:
            values["party_members"] = 0
        values["grade"] = values.get("grade") or VillageGrade.MIDDLE.value

    def _check_township(self, values: dict, error: Callable[[str, str], None]) -> None:
        code = values.get("township_code")
        if not code:
            return
        if not _is_digits(code, 9):
            error("township_code", _("A township code has 9 digits."))
        elif code not in self.townships:
            error("township_code", _("No township has this code."))
        elif self.townships[code] not in self.writable:
            error("township_code", _("This township is outside your region."))
        else:
            values["township_id"] = self.townships[code]

    def _check_code(self, values: dict, error: Callable[[str, str], None]) -> None:
        code, township = values.get("code"), values.get("township_code")
        if not code:
            return
        if not _is_digits(code, 12):
            error("code", _("A division code has 12 digits."))
            return
        if township and _is_digits(township, 9) and not code.startswith(township):
            error("code", _("A village's code must start with its township's code."))
            return
        existing = self.villages.get(code)
        if existing and values.get("township_id") and existing[1] != values["township_id"]:
            error("code", _("This village belongs to another township."))

    def _check_branch(self, values: dict, error: Callable[[str, str], None]) -> None:
        kind, seats = values.get("branch_kind"), values.get("seats")
        if kind and not values.get("branch_name") and values.get("name"):
            values["branch_name"] = values["name"] + BRANCH_SUFFIX[BranchKind(kind)]
        if kind and seats is not None:
            low, high = SEAT_LIMITS[BranchKind(kind)]
            if not low <= seats <= high:
                error(
                    "seats",
                    _("A %(kind)s has %(low)d to %(high)d committee seats.")
                    % {"kind": BRANCH_SUFFIX[BranchKind(kind)], "low": low, "high": high},
                )

    def check_file(self, records: list[Record], error: Callable[[int, str, str], None]) -> None:
        by_branch: dict[tuple, list[int]] = defaultdict(list)
        by_village: dict[str, list[Record]] = defaultdict(list)
        for record in records:
            code = record.values.get("code")
            if code:
                by_branch[(code, record.values.get("branch_name"))].append(record.row)
                by_village[code].append(record)
        for rows in by_branch.values():
            if len(rows) > 1:
                for row in rows:
                    error(
                        row,
                        "branch_name",
                        _("The same Party organization is on rows %(rows)s.")
                        % {"rows": _rows(rows)},
                    )
        for code, group in by_village.items():
            details = Counter(tuple(r.values.get(f) for f in VILLAGE_FIELDS) for r in group)
            if len(details) > 1:
                rows = [r.row for r in group]
                for row in rows:
                    error(
                        row,
                        "code",
                        _("Rows %(rows)s give different details for the village %(code)s.")
                        % {"rows": _rows(rows), "code": code},
                    )

    def count_existing(self, records: list[Record]) -> int:
        return sum((r.values["code"], r.values["branch_name"]) in self.branches for r in records)

    def write_chunk(self, records: list[Record], cursor: object) -> tuple[int, int]:
        now = timezone.now()
        villages = {r.values["code"]: r.values for r in records}
        village_ids, _created = upsert(
            Village,
            ["code", "name", "kind", "township_id", "party_members", "grade", "is_difficult",
             "created_at", "updated_at"],
            [
                (code, v["name"], v["kind"], v["township_id"], v["party_members"], v["grade"],
                 v["is_difficult"], now, now)
                for code, v in villages.items()
            ],
            key=["code"],
            update=["name", "kind", "party_members", "grade", "is_difficult", "updated_at"],
        )  # fmt: skip
        branch_ids, created = upsert(
            Branch,
            ["village_id", "name", "kind", "seats", "created_at", "updated_at"],
            [
                (village_ids[(v["code"],)], v["branch_name"], v["branch_kind"], v["seats"],
                 now, now)
                for v in (r.values for r in records)
            ],
            key=["village_id", "name"],
            update=["kind", "seats", "updated_at"],
        )  # fmt: skip
        new = [
            branch_ids[(village_ids[(v["code"],)], v["branch_name"])]
            for v in (r.values for r in records)
            if (v["code"], v["branch_name"]) not in self.branches
        ]
        self._enter_running_campaigns(new)
        return created, len(records) - created

    def _enter_running_campaigns(self, branch_ids: list[int]) -> None:
        """New organizations take part in the campaigns still running, as in village_create."""
        today = timezone.localdate()
        campaigns = Campaign.objects.filter(end_date__gte=today).values_list("pk", flat=True)
        Election.objects.bulk_create(
            [
                Election(campaign_id=campaign, branch_id=branch, updated_by=self.user)
                for campaign in campaigns
                for branch in branch_ids
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )


# Elections of a campaign ------------------------------------------------------------------

ELECTION_COLUMNS = (
    Column("区划代码", "code", _code, required=True, example="320703101201", as_text=True,
           width=15, help=HELP_CODE),
    Column("村(社区)名称", "village_name", parsing.text, example="东山村", width=14,
           help=HELP_VILLAGE_NAME),
    Column("选举方式(公推直选/两推一选/常规选举)", "method",
           _choice(METHODS, "选举方式", METHOD_SYNONYMS), required=True, example="公推直选",
           choices=tuple(METHODS), width=16),
    Column("选举办法(直接选举/间接选举)", "mode", _choice(MODES, "选举办法", MODE_SYNONYMS),
           example="直接选举", choices=tuple(MODES), width=14,
           help=HELP_MODE),
    Column("批次", "batch", _number(1, 99), required=True, example="1", width=6),
    Column("状态(未启动/进行中/已完成/延期)", "status",
           _choice(STATUSES, "状态", STATUS_SYNONYMS), required=True, example="已完成",
           choices=tuple(STATUSES), width=14),
    Column("延期原因", "reason", parsing.text, example="", width=20,
           help=gettext_lazy("Required when the election is postponed.")),
    Column("计划选举日期", "planned", _day, example="2026-03-10", width=13),
    Column("选举日期", "held", _day, example="2026-03-12", width=13,
           help=HELP_HELD),
    Column("党组织名称", "branch_name", parsing.text, example="", width=18,
           help=HELP_BRANCH),
)  # fmt: skip

# Election.clean's fields, and the columns where their errors are shown.
CLEAN_COLUMNS = {
    "postponement_reason": "reason",
    "held_date": "held",
    "mode": "mode",
    "method": "method",
    "status": "status",
}


class ElectionImporter(Importer):
    kind = "elections"
    title = "换届选举"
    sheet_name = "换届选举"
    columns = ELECTION_COLUMNS
    instructions = (
        "每行填写一个村(社区)党组织在所选换届中的选举情况；区划代码须在您的管辖范围内。",
        "公推直选须为直接选举，常规选举须为间接选举；选举办法留空时按选举方式自动填写。",
        "状态为“延期”须填写延期原因；“已完成”须填写选举日期；“未启动”不能填写选举日期。",
        "日期可填 2026-03-12、2026/3/12、2026.3.12、2026年3月12日 或日期格式单元格。",
        "已审核锁定的选举不能导入修改；文件中任何一行有误，整个文件都不会写入。",
    )

    def prepare(self, records: list[Record]) -> None:
        if self.campaign is None:
            raise WorkbookError(_("Choose the campaign these elections belong to."))
        codes = {r.values["code"] for r in records if r.values.get("code")}
        villages = Village.objects.filter(
            code__in=codes, township__in=writable_townships(self.user)
        )
        self.villages = dict(villages.values_list("code", "name"))
        self.known_codes = set(
            Village.objects.filter(code__in=codes - self.villages.keys()).values_list(
                "code", flat=True
            )
        )
        self.branches: dict[str, dict[str, int]] = defaultdict(dict)
        for code, name, pk in Branch.objects.filter(village__in=villages).values_list(
            "village__code", "name", "pk"
        ):
            self.branches[code][name] = pk
        self.elections = dict(
            Election.objects.filter(campaign=self.campaign, branch__village__in=villages)
            .values_list("branch_id", "locked")
            .iterator()
        )
        self.today = timezone.localdate()

    def check(self, record: Record, error: Callable[[str, str], None]) -> None:
        values = record.values
        self._check_branch(values, error)
        self._check_rules(values, error)

    def _check_branch(self, values: dict, error: Callable[[str, str], None]) -> None:
        code = values.get("code")
        if not code:
            return
        if code not in self.villages:
            if not _is_digits(code, 12):
                error("code", _("A division code has 12 digits."))
            elif code in self.known_codes:
                error("code", _("This village is outside your region."))
            else:
                error("code", _("No village or community has this code."))
            return
        name = values.get("village_name")
        if name and name != self.villages[code]:
            error(
                "village_name",
                _("The code %(code)s is %(name)s.") % {"code": code, "name": self.villages[code]},
            )
        branch = self._branch(code, values.get("branch_name"), error)
        if branch is None:
            return
        if self.elections.get(branch):
            error("code", str(MSG_LOCKED))
        else:
            values["branch_id"] = branch

    def _branch(self, code: str, name: str, error: Callable[[str, str], None]) -> int | None:
        branches = self.branches.get(code, {})
        if name:
            if name not in branches:
                error(
                    "branch_name",
                    _("This village has no Party organization named %(name)s.") % {"name": name},
                )
            return branches.get(name)
        if not branches:
            error("code", _("This village has no Party organization."))
        elif len(branches) > 1:
            error(
                "branch_name",
                _("This village has several Party organizations (%(names)s): name one.")
                % {"names": "、".join(sorted(branches))},
            )
        else:
            return next(iter(branches.values()))
        return None

    def _check_rules(self, values: dict, error: Callable[[str, str], None]) -> None:
        method, mode = values.get("method"), values.get("mode")
        if method and not mode:
            if method not in IMPLIED_MODE:
                error("mode", _("Give the mode: 直接选举 or 间接选举."))
                return
            values["mode"] = IMPLIED_MODE[method].value
        held = values.get("held")
        if held and held > self.today:
            error("held", _("The election date is in the future."))
        if not (values.get("status") and values.get("method") and values.get("mode")):
            return  # required cells, already reported
        # The model's own rules, so that the import can never disagree with the forms.
        election = Election(
            status=values["status"],
            method=values["method"],
            mode=values["mode"],
            held_date=held,
            postponement_reason=values.get("reason") or "",
        )
        try:
            election.clean()
        except ValidationError as problems:
            for field, messages in problems.message_dict.items():
                for message in messages:
                    error(CLEAN_COLUMNS.get(field, "code"), message)

    def check_file(self, records: list[Record], error: Callable[[int, str, str], None]) -> None:
        rows: dict[int, list[int]] = defaultdict(list)
        for record in records:
            if record.values.get("branch_id"):
                rows[record.values["branch_id"]].append(record.row)
        for same in rows.values():
            if len(same) > 1:
                for row in same:
                    error(
                        row,
                        "code",
                        _("The same election is on rows %(rows)s.") % {"rows": _rows(same)},
                    )

    def count_existing(self, records: list[Record]) -> int:
        return existing_count(
            Election,
            ["campaign_id", "branch_id"],
            [(self.campaign.pk, r.values["branch_id"]) for r in records],
        )

    def write_chunk(self, records: list[Record], cursor: object) -> tuple[int, int]:
        now = timezone.now()
        _ids, created = upsert(
            Election,
            ["campaign_id", "branch_id", "method", "mode", "batch", "status",
             "postponement_reason", "planned_date", "held_date", "updated_by_id", "locked",
             "certified_at", "created_at", "updated_at"],
            [
                (self.campaign.pk, v["branch_id"], v["method"], v["mode"], v["batch"],
                 v["status"], v["reason"], v["planned"], v["held"], self.user.pk, False, None,
                 now, now)
                for v in (r.values for r in records)
            ],
            key=["campaign_id", "branch_id"],
            update=["method", "mode", "batch", "status", "postponement_reason", "planned_date",
                    "held_date", "updated_by_id", "updated_at"],
        )  # fmt: skip
        return created, len(records) - created
