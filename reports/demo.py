"""Demo texts of the report: each county's measures under part 2's headings and the city's
part 3, so that the demo city's report reads as a whole. Short, in the seed's voice, built from
templates with each county's name; nothing here is anyone's real work."""

from typing import TYPE_CHECKING

from reports.models import MeasureHeading, MeasureText, ReportSection

if TYPE_CHECKING:
    from elections.demo import DemoCity

MEASURES = {
    "survey": "{county}成立县级调研组，各乡镇(街道)成立调研小组，对全县(区)村(社区)逐一摸底，"
    "排查出重难点村和矛盾隐患，建立动态管理档案，做到一村一册。",
    "audit": "{county}由县(区)委组织部指导，乡镇(街道)抽调经管、审计人员组成审计组，对村级"
    "“三资”进行全面清查，审计结果与换届选举资格直接挂钩。",
    "disputes": "{county}对选情复杂的村提前派驻工作组，一村一策化解矛盾，"
    "把问题解决在换届选举之前。",
    "adjust": "{county}对软弱涣散村党组织先整顿、后换届，通过机关干部下派、能人跨村选派等方式"
    "调整不胜任现职的村党组织书记。",
    "leadership": "{county}成立换届工作领导小组，县(区)领导分片联系乡镇(街道)，乡镇干部分片包村。",
    "inspection": "{county}组建督查指导组全程跟踪指导，实行乡镇日报、县(区)周报制度。",
    "eligibility": "{county}细化候选人资格条件，组织纪检、政法、信访等部门联审把关。",
    "petitions": "{county}开通换届专用举报电话，设立举报信箱，坚持有访必接、有报必查。",
}
SECTIONS = [
    (
        "必须把加强领导、责任靠身作为换届工作的根本保证",
        "加强领导是做好一切工作的根本保证。这次换届，各级领导高度重视，明确分工和责任，"
        "层层落实责任制，为换届工作顺利推进提供了有力保障。",
    ),
    (
        "必须把宣传引导、统一思想作为换届工作的前提基础",
        "广泛宣传发动、统一思想认识，是换出强有力新班子的前提。各地把宣传引导贯穿换届全过程，"
        "营造了风清气正的换届环境。",
    ),
    (
        "必须把扩大民主、落实“四权”作为换届工作的根本要求",
        "扩大党内民主，保障党员的知情权、参与权、选举权和监督权，增强了党组织的凝聚力。",
    ),
]


def build_report_texts(city: "DemoCity") -> None:
    author = next(user for user in city.users if user.is_city)
    headings = {heading.slug: heading for heading in MeasureHeading.objects.all()}
    MeasureText.objects.bulk_create(
        MeasureText(
            campaign=city.current,
            county=county,
            heading=headings[slug],
            text=text.format(county=county.name),
            updated_by=author,
        )
        for county in city.counties
        for slug, text in MEASURES.items()
        if slug in headings
    )
    ReportSection.objects.bulk_create(
        ReportSection(campaign=city.current, order=order, title=title, body=body, updated_by=author)
        for order, (title, body) in enumerate(SECTIONS, start=1)
    )
