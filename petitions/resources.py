"""Importing petitions from the 信访登记 sheet.

One row is one petition. A row without a number registers a new petition, numbered on import;
a row with a number (as the export writes it) corrects that petition, which the user must be
allowed to change. Every row goes through the same checks and services as the registration
form (role and level, region, the art. 30 rule, the petitioner), one by one, so that each
petition gets its number, its event and its audit-log entry; the file is all or nothing.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from elections.models import County, Township, Village
from petitions import selectors, services
from petitions.models import Category, Channel, Level, Petition
from sheets import parsing
from sheets.importing import Column, Importer, Record

# Closed lists as they appear in the sheet: Chinese labels whatever the interface language.
LEVELS = {"市": Level.CITY, "县": Level.COUNTY, "乡镇": Level.TOWNSHIP}
LEVEL_SYNONYMS = {
    "市级": Level.CITY,
    "县级": Level.COUNTY,
    "区": Level.COUNTY,
    "县(区)": Level.COUNTY,
    "乡镇级": Level.TOWNSHIP,
    "乡镇(街道)": Level.TOWNSHIP,
    "街道": Level.TOWNSHIP,
    "乡": Level.TOWNSHIP,
    "镇": Level.TOWNSHIP,
}
CHANNELS = {
    "来信": Channel.LETTER,
    "来电": Channel.CALL,
    "来访": Channel.VISIT,
    "网上信访": Channel.ONLINE,
    "领导信箱": Channel.MAILBOX,
    "热线电话": Channel.HOTLINE,
}
CHANNEL_SYNONYMS = {
    "信件": Channel.LETTER,
    "电话": Channel.CALL,
    "走访": Channel.VISIT,
    "上访": Channel.VISIT,
    "网上": Channel.ONLINE,
    "网信": Channel.ONLINE,
    "信箱": Channel.MAILBOX,
    "书记信箱": Channel.MAILBOX,
    "热线": Channel.HOTLINE,
    "12345": Channel.HOTLINE,
}
REAL_NAME = {"实名": True, "匿名": False}
CATEGORIES = {
    "违反换届纪律": Category.ELECTION_DISCIPLINE,
    "候选人资格": Category.CANDIDATE_ELIGIBILITY,
    "选举程序": Category.PROCEDURE,
    "贿选拉票": Category.VOTE_BUYING,
    "宗族势力干扰": Category.CLAN_INTERFERENCE,
    "其他": Category.OTHER,
}
CATEGORY_SYNONYMS = {
    "换届纪律": Category.ELECTION_DISCIPLINE,
    "资格": Category.CANDIDATE_ELIGIBILITY,
    "程序": Category.PROCEDURE,
    "贿选": Category.VOTE_BUYING,
    "拉票贿选": Category.VOTE_BUYING,
    "宗族干扰": Category.CLAN_INTERFERENCE,
    "家族势力干扰": Category.CLAN_INTERFERENCE,
}

# The service's fields, and the columns where their errors are shown.
ERROR_COLUMNS = {
    "level": "level",
    "county": "county_code",
    "receiving_township": "township_code",
    "received_on": "received_on",
    "channel": "channel",
    "real_name": "real_name",
    "petitioner_name": "petitioner",
    "petitioner_phone": "phone",
    "people_count": "people",
    "category": "category",
    "about_township": "about_code",
    "village": "village_code",
    "election": "village_code",
    "candidacy": "candidate",
    "content": "content",
}


def _choice(labels: dict, field: str, synonyms: dict | None = None) -> Callable[[object], object]:
    merged = {**(synonyms or {}), **labels}

    def parse(value: object) -> object:
        word = parsing.text(value)
        if not word:
            return None
        if word in merged:
            return merged[word]
        raise parsing.CellError(
            _("“%(value)s” is not one of the choices for %(field)s: %(choices)s.")
            % {"value": word, "field": field, "choices": "、".join(labels)}
        )

    return parse


def _day(value: object) -> date | None:
    parsed = parsing.date_or_month(value)
    if parsed is None:
        return None
    day, month_only = parsed
    if month_only:
        raise parsing.CellError(_("Give the day too, like 2026-03-12."))
    return day


def _people(value: object) -> int | None:
    return parsing.whole_number(value, minimum=1)


def _limited(length: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        words = parsing.text(value)
        if len(words) > length:
            raise parsing.CellError(_("Write at most %(n)d characters here.") % {"n": length})
        return words

    return parse


def _content(value: object) -> str:
    # Line breaks of a long account are kept; only the ends are trimmed.
    return "" if value is None else str(value).strip()


HELP_NUMBER = gettext_lazy(
    "Empty for a new petition (the number is given on import); the number of a registered "
    "petition to correct it."
)
HELP_UNIT = gettext_lazy(
    "市: the city; 县: the county in 县(市、区)代码; 乡镇: the township in 受理乡镇(街道)代码."
)

PETITION_COLUMNS = (
    Column("编号", "number", parsing.compact, example="", width=16, help=HELP_NUMBER),
    Column("收到日期", "received_on", _day, required=True, example="2026-09-14", width=12),
    Column("受理层级(市/县/乡镇)", "level", _choice(LEVELS, "受理层级", LEVEL_SYNONYMS),
           required=True, example="县", choices=tuple(LEVELS), width=10, help=HELP_UNIT,
           repeats=True),
    Column("县(市、区)代码", "county_code", parsing.compact, example="320703", as_text=True,
           width=12, help=gettext_lazy("6 digits; required at county level.")),
    Column("受理乡镇(街道)代码", "township_code", parsing.compact, example="", as_text=True,
           width=14, help=gettext_lazy("9 digits; required at township level.")),
    Column("来源渠道", "channel", _choice(CHANNELS, "来源渠道", CHANNEL_SYNONYMS), required=True,
           example="来访", choices=tuple(CHANNELS), width=10, repeats=True),
    Column("实名/匿名", "real_name", _choice(REAL_NAME, "实名/匿名"), required=True,
           example="实名", choices=tuple(REAL_NAME), width=9, repeats=True),
    Column("信访人", "petitioner", _limited(50), example="李四", width=10,
           help=gettext_lazy("Required for a real-name petition; empty when anonymous.")),
    Column("联系电话", "phone", parsing.phone, example="13800138000", as_text=True, width=14),
    Column("人数", "people", _people, example="1", width=6,
           help=gettext_lazy("Empty counts as 1.")),
    Column("问题类别", "category", _choice(CATEGORIES, "问题类别", CATEGORY_SYNONYMS),
           required=True, example="贿选拉票", choices=tuple(CATEGORIES), width=14, repeats=True),
    Column("涉及乡镇(街道)代码", "about_code", parsing.compact, example="", as_text=True,
           width=14, help=gettext_lazy("When the petition concerns a township's officials.")),
    Column("涉及村(社区)区划代码", "village_code", parsing.compact, example="320703101201",
           as_text=True, width=15),
    Column("涉及候选人", "candidate", _limited(50), example="", width=10,
           help=gettext_lazy("The name of a candidate standing in that village.")),
    Column("信访内容", "content", _content, required=True, example="反映某村有人以请客送礼方式拉票",
           width=40),
)  # fmt: skip


class PetitionImporter(Importer):
    kind = "petitions"
    title = "信访登记"
    sheet_name = "信访登记"
    columns = PETITION_COLUMNS
    instructions = (
        "每行登记一件信访事项；编号留空为新登记，导入时自动编号；填写已有编号则更正该件登记内容。",
        "受理层级填“市”“县”或“乡镇”：县级须填县(市、区)代码，乡镇级须填受理乡镇(街道)代码。",
        "实名信访须填写信访人姓名，匿名信访不填；联系电话须为文本格式，导出时默认隐藏中间四位。",
        "涉及村(社区)、乡镇(街道)、候选人须在您的管辖范围内；乡镇(街道)不得登记涉及本乡镇(街道)的信访事项，"
        "应原件转交县(市、区)委组织部（《信访工作条例》第三十条）。",
        "日期可填 2026-09-14、2026/9/14、2026.9.14、2026年9月14日 或日期格式单元格。",
        "文件中任何一行有误，整个文件都不会写入。",
    )

    def prepare(self, records: list[Record]) -> None:
        def codes(key: str) -> set[str]:
            return {r.values[key] for r in records if r.values.get(key)}

        self.counties = {c.code: c for c in County.objects.filter(code__in=codes("county_code"))}
        townships = codes("township_code") | codes("about_code")
        self.townships = {
            t.code: t for t in Township.objects.filter(code__in=townships).select_related("county")
        }
        self.villages = {
            v.code: v
            for v in Village.objects.filter(code__in=codes("village_code")).select_related(
                "township__county"
            )
        }
        numbers = codes("number")
        self.petitions = {
            p.number: p
            for p in selectors.petition_queryset().visible_to(self.user).filter(number__in=numbers)
        }
        self.prepared: dict[int, Petition] = {}

    def check(self, record: Record, error: Callable[[str, str], None]) -> None:
        values = record.values
        fields = self._fields(values, error)
        missing = any(values.get(c.key) in (None, "") for c in self.columns if c.required)
        if fields is None or missing:
            return  # reported already, cell by cell
        number = values.get("number")
        try:
            if number:
                petition = self.petitions.get(number)
                if petition is None:
                    error("number", _("No petition you can reach has this number."))
                    return
                self._check_units(petition, values, error)
                fields.pop("level")
                fields.pop("receiving_township")
                if petition.level != Level.CITY:
                    fields.pop("county")
                services.petition_change(by=self.user, petition=petition, **fields)
            else:
                petition = services.petition_prepare(by=self.user, **fields)
                self._check_duplicate(petition, error)
        except PermissionDenied:
            error("number", _("You cannot change this petition."))
            return
        except ValidationError as problems:
            self._report(problems, error)
            return
        self.prepared[record.row] = petition

    def _fields(self, values: dict, error: Callable[[str, str], None]) -> dict | None:
        """The service's fields from the row's cells, the codes looked up."""
        fields = {
            "level": values.get("level"),
            "received_on": values.get("received_on"),
            "channel": values.get("channel"),
            "real_name": bool(values.get("real_name")),
            "petitioner_name": values.get("petitioner") or "",
            "petitioner_phone": values.get("phone") or "",
            "people_count": values.get("people") or 1,
            "category": values.get("category"),
            "content": values.get("content") or "",
        }
        no_township = _("No township has this code.")
        lookups = (
            ("county", "county_code", self.counties, _("No county has this code.")),
            ("receiving_township", "township_code", self.townships, no_township),
            ("about_township", "about_code", self.townships, no_township),
            ("village", "village_code", self.villages, _("No village or community has this code.")),
        )
        found = True
        for field, key, known, message in lookups:
            code = values.get(key)
            fields[field] = known.get(code) if code else None
            if code and fields[field] is None:
                error(key, message)
                found = False
        fields["candidacy"] = None
        if self.user.role == Role.TOWNSHIP:
            # As on the form: a township never links a petition; given links are refused.
            for key in ("about_township", "village", "candidacy"):
                if fields.get(key) is None and not values.get("candidate"):
                    fields.pop(key, None)
        name = values.get("candidate")
        if name:
            village = fields["village"]
            if village is None:
                error("candidate", _("Give the village in which the candidate stands."))
                found = False
            else:
                fields["candidacy"] = selectors.find_candidacy(
                    self.user, village, name, fields["received_on"]
                )
                if fields["candidacy"] is None:
                    error("candidate", _("No candidate of this name stands in this village."))
                    found = False
        return fields if found else None

    def _check_units(self, petition: Petition, values: dict, error: Callable) -> None:
        township = values.get("township_code")
        if values.get("level") != petition.level or (
            petition.level == Level.TOWNSHIP
            and township
            and township != petition.receiving_township.code
        ):
            error("level", str(services.MSG_UNIT_FIXED))

    def _check_duplicate(self, petition: Petition, error: Callable[[str, str], None]) -> None:
        same = (
            Petition.objects.visible_to(self.user)
            .filter(
                received_on=petition.received_on,
                petitioner_name=petition.petitioner_name,
                content=petition.content,
            )
            .values_list("number", flat=True)
            .first()
        )
        if same:
            message = _(
                "This petition is registered already as %(number)s; give its number to correct it."
            )
            error("number", message % {"number": same})

    def _report(self, problems: ValidationError, error: Callable[[str, str], None]) -> None:
        if hasattr(problems, "error_dict"):
            for field, messages in problems.message_dict.items():
                for message in messages:
                    error(ERROR_COLUMNS.get(field, "number"), message)
        else:
            for message in problems.messages:
                error("number", message)

    def check_file(self, records: list[Record], error: Callable[[int, str, str], None]) -> None:
        rows: dict[tuple, list[int]] = defaultdict(list)
        for record in records:
            values = record.values
            if values.get("number"):
                rows[("number", values["number"])].append(record.row)
            else:
                key = (values.get("received_on"), values.get("petitioner"), values.get("content"))
                rows[("new", *key)].append(record.row)
        for key, same in rows.items():
            if len(same) > 1:
                column = "number" if key[0] == "number" else "content"
                for row in same:
                    error(
                        row,
                        column,
                        _("The same petition is on rows %(rows)s.")
                        % {"rows": "、".join(map(str, same))},
                    )

    def count_existing(self, records: list[Record]) -> int:
        return sum(1 for r in records if r.values.get("number"))

    def write_chunk(self, records: list[Record], cursor: object) -> tuple[int, int]:
        """Through the services, row by row: each petition is numbered, gets its event and its
        audit-log entry. The rows were checked; the services check them again."""
        created = updated = 0
        for record in records:
            values = record.values
            fields = self._fields(values, _fail)
            if values.get("number"):
                petition = self.petitions[values["number"]]
                fields.pop("level")
                fields.pop("receiving_township")
                if petition.level != Level.CITY:
                    fields.pop("county")
                services.petition_update(by=self.user, petition=petition, **fields)
                updated += 1
            else:
                services.petition_register(by=self.user, **fields)
                created += 1
        return created, updated


def _fail(key: str, message: str) -> None:
    raise ValidationError(message)
