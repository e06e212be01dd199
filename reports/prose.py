"""Part 1 of the research report (上篇), written from the figures in the seed report's words.

``part_one(figures, scope_name=…)`` takes the dict of ``reports.statistics.compute_figures``
(as stored in JSON too: Decimals as strings, missing values as None) and returns the opening
paragraph (a section without a title) and sections 一 to 五. Every number comes from the
figures; a sentence whose figure is null is left out, and so is a claim the figures do not
support. Two keys are read when present although compute_figures does not give them yet:
``townships`` and ``villages`` (the opening's "辖xx个乡镇(街道)，xx个村(社区)") and
``rural_secretaries_age_41_to_54_share_previous`` ("连续两届保持了以45岁左右为主体").

The report is written in Chinese whatever the reader's language: the English msgids are only
keys of the zh_Hans catalog. Clauses carry no punctuation of their own; they are joined and
ended through the catalog too ("%(first)s, %(second)s" → "%(first)s，%(second)s").
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: list[str]


def part_one(figures: dict, *, scope_name: str) -> list[Section]:
    """The opening paragraph (title "") and sections 一 to 五 for ``scope_name`` ("全市",
    "赣榆县", …), which stands where the seed says 全市."""
    f = Figures(figures)
    with translation.override(settings.LANGUAGE_CODE):
        return [
            Section("", _paragraphs(*_opening(f, scope_name))),
            _methods_section(f),
            _members_section(f, scope_name),
            _secretaries_section(f, scope_name),
            _sources_section(f),
            _conduct_section(f, scope_name),
        ]


# Reading the figures ----------------------------------------------------------------------


class Figures:
    """The figures dict read as numbers: ``dec`` a Decimal (or None), ``text`` as printed."""

    def __init__(self, figures: dict) -> None:
        self.figures = figures

    def dec(self, key: str) -> Decimal | None:
        value = self.figures.get(key)
        return None if value is None else Decimal(str(value))

    def text(self, key: str) -> str | None:
        return number(self.dec(key))

    def has(self, *keys: str) -> bool:
        return all(self.figures.get(key) is not None for key in keys)


def number(value: Decimal | None) -> str | None:
    """As the seed prints numbers: 43.3, and whole values without decimals (47, 98, 100)."""
    if value is None:
        return None
    return format(abs(value).normalize(), "f") if value < 0 else format(value.normalize(), "f")


# Joining clauses ---------------------------------------------------------------------------


def _comma(clauses: Iterable[str | None]) -> str:
    return _fold(clauses, lambda a, b: _("%(first)s, %(second)s") % {"first": a, "second": b})


def _semicolon(clauses: Iterable[str | None]) -> str:
    return _fold(clauses, lambda a, b: _("%(first)s; %(second)s") % {"first": a, "second": b})


def _fold(clauses: Iterable[str | None], join) -> str:
    result = ""
    for clause in clauses:
        if clause:
            result = join(result, clause) if result else clause
    return result


def _sentence(*clauses: str | None) -> str | None:
    body = _comma(clauses)
    return _("%(sentence)s.") % {"sentence": body} if body else None


def _paragraphs(*sentences: str | None) -> list[str]:
    text = "".join(s for s in sentences if s)
    return [text] if text else []


def _change_people(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if value > 0:
        return _("%(count)s more than the previous campaign") % {"count": number(value)}
    if value < 0:
        return _("%(count)s fewer than the previous campaign") % {"count": number(value)}
    return _("the same as the previous campaign")


def _change_percent(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if value > 0:
        return _("up %(percent)s%% on the previous campaign") % {"percent": number(value)}
    if value < 0:
        return _("down %(percent)s%% on the previous campaign") % {"percent": number(value)}
    return _("the same as the previous campaign")


def _change_points(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if value > 0:
        return _("up %(points)s percentage points on the previous campaign") % {
            "points": number(value)
        }
    if value < 0:
        return _("down %(points)s percentage points on the previous campaign") % {
            "points": number(value)
        }
    return _("the same as the previous campaign")


def _count_share(f: Figures, message: str, key: str) -> str | None:
    """A "N名，占总数的x%" clause; without the share when it is null."""
    if not f.has(key):
        return None
    return message % {"count": f.text(key), "share": f.text(f"{key}_share") or "—"}


# The opening --------------------------------------------------------------------------------


def _opening(f: Figures, scope: str) -> tuple[str | None, ...]:
    area = None
    if f.has("townships", "villages"):
        area = _(
            "%(scope)s has %(townships)s townships (subdistricts) and %(villages)s villages "
            "(communities)."
        ) % {"scope": scope, "townships": f.text("townships"), "villages": f.text("villages")}
    if not f.has("elections_completed"):
        return (area,)
    done = _(
        "By now, the Party organizations of %(count)s villages (communities) have held their "
        "elections on schedule"
    ) % {"count": f.text("elections_completed")}
    postponed = None
    if f.dec("elections_postponed"):
        postponed = _("%(count)s villages (communities) have postponed theirs") % {
            "count": f.text("elections_postponed")
        }
    rate = None
    if f.has("completion_rate"):
        rate = _("a completion rate of %(share)s%%") % {"share": f.text("completion_rate")}
    if f.dec("elections_completed") == f.dec("elections_total"):
        overall = _(
            "On the whole, the concentrated elections of the village (community) Party "
            "organizations of %(scope)s were completed smoothly, choosing strong committees, "
            "enlivening the organizations and furthering development and stability."
        ) % {"scope": scope}
    else:
        overall = _(
            "On the whole, the concentrated elections of the village (community) Party "
            "organizations of %(scope)s are going on steadily and in good order."
        ) % {"scope": scope}
    return area, _sentence(done, postponed, rate), overall


# Section 一: methods and petitions ----------------------------------------------------------


METHOD_CLAUSES = (
    (
        "method_public_direct",
        gettext_noop("%(count)s used public nomination and direct election, %(share)s%%"),
    ),
    (
        "method_two_nominations",
        gettext_noop("%(count)s used two nominations and one election, %(share)s%%"),
    ),
    ("method_conventional", gettext_noop("%(count)s used the conventional election, %(share)s%%")),
)


def _methods_section(f: Figures) -> Section:
    return Section(
        _(
            "I. Continuous and stable policies: a new direction for the elections of village "
            "(community) Party organizations"
        ),
        _paragraphs(
            _(
                "Basic-level Party organizations are elected by public nomination and direct "
                "election, by two nominations and one election, or by conventional election. "
                "This campaign respected what had worked before and each village's situation "
                "in choosing the method."
            ),
            _methods_sentence(f),
            _petitions_sentence(f),
        ),
    )


def _methods_sentence(f: Figures) -> str | None:
    if not f.dec("elections_completed"):
        return None
    methods = [_count_share(f, _(message), key) for key, message in METHOD_CLAUSES if f.dec(key)]
    head = _(
        "Of the %(count)s villages (communities) whose elections are completed, by the count"
    ) % {"count": f.text("elections_completed")}
    return _sentence(head, _semicolon(methods))


def _petitions_sentence(f: Figures) -> str | None:
    if not f.has("petitions_to_city"):
        return None
    received = _(
        "During the campaign the city received %(count)s letters, calls and visits from the public"
    ) % {"count": f.text("petitions_to_city")}
    previous = None
    if f.has("petitions_to_city_share_of_previous"):
        previous = _("%(share)s%% of the previous campaign's") % {
            "share": f.text("petitions_to_city_share_of_previous")
        }
    visits = None
    if f.has("petitions_group_visits_to_city"):
        count = f.dec("petitions_group_visits_to_city")
        visits = (
            _("with no group visit of 10 or more people to the city")
            if count == 0
            else _("with %(count)s group visits of 10 or more people to the city")
            % {"count": number(count)}
        )
    return _sentence(received, previous, visits)


# Section 二: the committees ----------------------------------------------------------------


def _women_goals(f: Figures) -> tuple[bool, bool]:
    """(every committee has a woman, every committee has its women's director)."""
    committees = f.dec("committees")
    if not committees:
        return False, False
    every_woman = f.dec("committees_without_woman") == 0
    every_director = f.dec("committees_with_women_director_share") == 100
    return every_woman, every_director


def _members_section(f: Figures, scope: str) -> Section:
    title = _("II. A better structure of the village (community) Party committees")
    if all(_women_goals(f)):
        title = _(
            "II. Every aim achieved: a better structure of the village (community) Party committees"
        )
    sentences = (
        _(
            "Reasonable conditions, sound selection, a wide field and moderate competition "
            "gave able people at the grassroots their chance."
        ),
        _members_age_sentence(f),
        _education_sentence(f),
        _women_sentence(f),
    )
    if f.dec("members"):
        sentences += (
            _(
                "Through the elections the committees of the village (community) Party "
                "organizations of %(scope)s are better composed."
            )
            % {"scope": scope},
        )
    return Section(title, _paragraphs(*sentences))


def _members_age_sentence(f: Figures) -> str | None:
    if not f.dec("members"):
        return None
    head = _("The campaign elected %(count)s members of village (community) Party committees") % {
        "count": f.text("members")
    }
    mean = None
    if f.has("members_mean_age"):
        mean = _("average age %(age)s") % {"age": f.text("members_mean_age")}
    bands = _semicolon(
        [
            _count_share(f, _("%(count)s aged 35 or under, %(share)s%% of all"),
                         "members_age_35_or_under"),
            _count_share(f, _("%(count)s aged 45 or under, %(share)s%% of all"),
                         "members_age_45_or_under"),
            _count_share(f, _("%(count)s aged 55 or over, %(share)s%% of all"),
                         "members_age_55_or_over"),
        ]
    )  # fmt: skip
    of_whom = _("of whom %(list)s") % {"list": bands} if bands else None
    aim = None
    if _middle_aged_majority(f):
        aim = _(
            "achieving the aim of committees built around people of about 45, with the old, "
            "the middle-aged and the young together"
        )
    return _sentence(_comma([head, mean]), of_whom, aim)


def _middle_aged_majority(f: Figures) -> bool:
    """More than half the members are 36 to 54, and both the young (≤ 35) and the old (≥ 55)
    are there: "以45岁左右为主体、老中青相结合"."""
    if not f.has("members", "members_age_35_or_under", "members_age_55_or_over"):
        return False
    young, old = f.dec("members_age_35_or_under"), f.dec("members_age_55_or_over")
    middle = f.dec("members") - young - old
    return young > 0 and old > 0 and 2 * middle > f.dec("members")


def _education_sentence(f: Figures) -> str | None:
    if not f.dec("members"):
        return None
    postgraduates = None
    if f.has("members_postgraduates"):
        postgraduates = _comma(
            [
                _("%(count)s postgraduates") % {"count": f.text("members_postgraduates")},
                _change_people(f.dec("members_postgraduates_change_people")),
            ]
        )
    degrees = _comma(
        [
            postgraduates,
            _count_share(f, _("%(count)s with a bachelor's degree, %(share)s%% of all"),
                         "members_bachelors"),
            _count_share(f, _("%(count)s with junior college or above, %(share)s%% of all"),
                         "members_college_or_above"),
        ]
    )  # fmt: skip
    if not degrees:
        return None
    change = f.dec("members_postgraduates_change_people")
    if change is not None and change > 0:
        return _sentence(
            _("The new committees are better educated than the previous ones, with %(list)s")
            % {"list": degrees}
        )
    return _sentence(_("Among the new committee members, %(list)s") % {"list": degrees})


def _women_sentence(f: Figures) -> str | None:
    if not f.dec("members") or not f.has("members_women"):
        return None
    women = _("The campaign also elected %(count)s women members") % {
        "count": f.text("members_women")
    }
    every_woman, every_director = _women_goals(f)
    share = f.text("committees_with_women_director_share")
    if every_woman and every_director:
        return _sentence(
            women,
            _(
                "achieving the aim of at least one woman on every village (community) Party "
                "committee and the Party women's directors %(share)s%% on the committees"
            )
            % {"share": share},
        )
    woman = None
    if every_woman:
        woman = _("achieving the aim of at least one woman on every committee")
    elif f.dec("committees_without_woman"):
        woman = _("%(count)s committees still have no woman") % {
            "count": f.text("committees_without_woman")
        }
    director = None
    if share is not None:
        director = _("the Party women's directors on the committees make %(share)s%%") % {
            "share": share
        }
    return _sentence(women, woman, director)


# Section 三: the secretaries ----------------------------------------------------------------


def _secretaries_section(f: Figures, scope: str) -> Section:
    title = _("III. The secretaries of the village (community) Party organizations")
    if (f.dec("secretaries_strong_two_share") or 0) > 50:
        title = _(
            'III. Mostly "double strong" leaders elected: new vigour for development at the '
            "grassroots"
        )
    return Section(
        title,
        _paragraphs(
            _(
                'The campaign put integrity first and formed committees by the "double strong" '
                "standard."
            ),
            _secretaries_sentence(f),
            _secretaries_age_sentence(f),
            _rural_age_sentence(f),
            _rural_new_sentence(f, scope),
            _rural_sources_sentence(f, scope),
        ),
    )


def _secretaries_sentence(f: Figures) -> str | None:
    if not f.dec("secretaries"):
        return None
    head = _(
        "After the elections, of the %(count)s secretaries of village (community) Party "
        "organizations elected"
    ) % {"count": f.text("secretaries")}
    facts = _semicolon(
        [
            _count_share(f, _('%(count)s are "double strong" leaders, %(share)s%% of all'),
                         "secretaries_strong_two"),
            _count_share(f, _("%(count)s have junior college or above, %(share)s%% of all"),
                         "secretaries_college_or_above"),
        ]
    )  # fmt: skip
    return _sentence(head, facts) if facts else None


def _secretaries_age_sentence(f: Figures) -> str | None:
    if not f.has("secretaries_mean_age"):
        return None
    head = _("The new secretaries of village (community) Party organizations average %(age)s") % {
        "age": f.text("secretaries_mean_age")
    }
    under_45 = _count_share(
        f, _("of whom %(count)s are aged 45 or under, %(share)s%% of all"),
        "secretaries_age_45_or_under",
    )  # fmt: skip
    both_terms = None
    now = f.dec("rural_secretaries_age_41_to_54_share")
    before = f.dec("rural_secretaries_age_41_to_54_share_previous")
    if now is not None and before is not None and now > 50 and before > 50:
        both_terms = _("secretaries of about 45 have been the main body for two terms running")
    return _sentence(head, under_45, both_terms)


def _rural_age_sentence(f: Figures) -> str | None:
    if not f.has("rural_secretaries_mean_age"):
        return None
    head = _(
        "In the countryside especially, the %(count)s village Party secretaries elected "
        "average %(age)s"
    ) % {"count": f.text("rural_secretaries"), "age": f.text("rural_secretaries_mean_age")}
    change = f.dec("rural_secretaries_age_55_or_over_change_percent")
    old = _count_share(f, _("%(count)s aged 55 or over, %(share)s%%"),
                       "rural_secretaries_age_55_or_over")  # fmt: skip
    if change is not None:
        old = _comma(
            [
                _("%(count)s aged 55 or over")
                % {"count": f.text("rural_secretaries_age_55_or_over")},
                _change_percent(change),
            ]
        )
    bands = _semicolon(
        [
            _count_share(f, _("%(count)s aged 40 or under, %(share)s%%"),
                         "rural_secretaries_age_40_or_under"),
            _count_share(f, _("%(count)s aged about 45, %(share)s%%"),
                         "rural_secretaries_age_41_to_54"),
            old,
        ]
    )  # fmt: skip
    ageing = None
    if change is not None and change < 0:
        ageing = _("the ageing of the village Party secretaries has been checked")
    of_whom = _("of whom %(list)s") % {"list": bands} if bands else None
    return _sentence(head, of_whom, ageing)


def _rural_new_sentence(f: Figures, scope: str) -> str | None:
    new = f.dec("rural_secretaries_new")
    if new is None or not f.dec("rural_secretaries"):
        return None
    if new == 0:
        return _sentence(_("every village Party secretary was re-elected"))
    head = _(
        "Of them %(count)s are new village secretaries, %(share)s%% of the village Party "
        "secretaries of %(scope)s"
    ) % {
        "count": number(new),
        "share": f.text("rural_secretaries_new_share"),
        "scope": scope,
    }
    mean = None
    if f.has("rural_secretaries_new_mean_age"):
        mean = _("average age %(age)s") % {"age": f.text("rural_secretaries_new_mean_age")}
    return _sentence(head, mean, _("bringing fresh blood to the leaders of the countryside"))


def _rural_sources_sentence(f: Figures, scope: str) -> str | None:
    if not f.dec("rural_secretaries"):
        return None
    leading = f.dec("rural_secretaries_strong_and_leading_change_points")
    lead_in = None
    if leading is not None and leading > 0:
        lead_in = _(
            'The village Party secretaries are more "double strong, double leading" (strong '
            "at leading development and at mass work, leading in starting businesses and in "
            "common prosperity)"
        )
    local = None
    if f.has("rural_secretaries_local_or_returnee"):
        local = _comma(
            [
                _(
                    "of the %(count)s village Party secretaries, %(local)s are local capable "
                    "people or returning entrepreneurs, %(share)s%%"
                )
                % {
                    "count": f.text("rural_secretaries"),
                    "local": f.text("rural_secretaries_local_or_returnee"),
                    "share": f.text("rural_secretaries_local_or_returnee_share"),
                },
                _change_points(f.dec("rural_secretaries_local_or_returnee_change_points")),
            ]
        )
    double = None
    if f.has("rural_secretaries_strong_and_leading_share"):
        double = _comma(
            [
                _(
                    '"double strong, double leading" leaders make %(share)s%% of the village '
                    "Party secretaries of %(scope)s"
                )
                % {"share": f.text("rural_secretaries_strong_and_leading_share"), "scope": scope},
                _change_points(leading),
                _('the ranks of "double strong, double leading" village secretaries have grown')
                if leading is not None and leading > 0
                else None,
            ]
        )
    return _sentence(lead_in, _semicolon([local, double]))


# Section 四: where the members come from ----------------------------------------------------


SOURCE_CLAUSES = (
    ("local_capable", gettext_noop("%(count)s local capable people")),
    ("veteran", gettext_noop("%(count)s veterans")),
    ("returnee", gettext_noop("%(count)s returning entrepreneurs")),
    ("graduate_official", gettext_noop("%(count)s college-graduate village officials")),
    ("dispatched", gettext_noop("%(count)s sent from government, institutions or enterprises")),
)


def _sources_section(f: Figures) -> Section:
    members = _comma(
        _(message) % {"count": f.text(f"members_source_{key}")}
        for key, message in SOURCE_CLAUSES
        if f.dec(f"members_source_{key}")
    )
    secretaries = _comma(
        _(message) % {"count": f.text(f"secretaries_source_{key}")}
        for key, message in SOURCE_CLAUSES[1:2] + SOURCE_CLAUSES[3:]
        if f.dec(f"secretaries_source_{key}")
    )
    sentences = [
        _(
            "The field was widened, encouraging capable local people, veterans, "
            "returning entrepreneurs, officials and college-graduate village officials to stand."
        )
    ]
    if members:
        sentences.append(
            _sentence(_("Among the newly elected committee members, %(list)s") % {"list": members})
        )
    if secretaries and f.dec("secretaries"):
        sentences.append(
            _sentence(
                _(
                    "Of the %(count)s secretaries of village (community) Party organizations "
                    "elected, besides local capable people and returning entrepreneurs, %(list)s"
                )
                % {"count": f.text("secretaries"), "list": secretaries}
            )
        )
    if members:
        sentences.append(
            _(
                "People of many backgrounds on the committees widen the field of selection "
                "and broaden the committees' experience."
            )
        )
    title = _("IV. A wider field of selection: cadres at the grassroots of a higher standard")
    return Section(title, _paragraphs(*sentences))


# Section 五: conduct ------------------------------------------------------------------------


def _conduct_section(f: Figures, scope: str) -> Section:
    training = None
    if f.dec("measures_training_sessions") and f.has("measures_people_trained"):
        training = _(
            "After the elections %(scope)s held %(sessions)s training sessions for the new "
            "committees, with %(people)s attendances."
        ) % {
            "scope": scope,
            "sessions": f.text("measures_training_sessions"),
            "people": f.text("measures_people_trained"),
        }
    return Section(
        _(
            "V. Answerable both upwards and downwards: a new style among Party members and "
            "cadres at the grassroots"
        ),
        _paragraphs(
            _(
                "The committees elected democratically went through campaign speeches, "
                "questions from the public and public pledges; their sense of serving the "
                "public has grown and their style of work has improved."
            ),
            training,
        ),
    )
