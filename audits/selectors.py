"""Read-only queries about audits, for this app's pages and for other apps' rules.

``audit_status_for`` feeds the 先审计后选举 rule of candidates.compliance;
``unrectified_findings_for`` flags a candidate named responsible for a finding not yet put
right (the eligibility review shows it).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from audits.models import Audit, AuditFinding, AuditQuerySet, AuditStatus
from candidates.models import Candidacy, Person
from elections.models import Campaign, County, Election, Township, Village


def audit_status_for(election: Election) -> AuditStatus | None:
    """The status of the audit of the election's village in the election's campaign; None
    when the village has no audit in that campaign."""
    status = (
        Audit.objects.filter(
            campaign_id=election.campaign_id, village_id=election.branch.village_id
        )
        .values_list("status", flat=True)
        .first()
    )
    return AuditStatus(status) if status else None


def unrectified_findings_for(person: Person, campaign: Campaign) -> QuerySet[AuditFinding]:
    """Findings of ``campaign``'s audits that are not rectified and name ``person`` responsible.

    A finding names the person when it links to them, or, with no link, when its free-text
    name is theirs and its village is one where they stand in ``campaign`` (names are not
    unique: the village narrows them down to whom the township means).
    """
    standing_in = Candidacy.objects.filter(person=person, election__campaign=campaign).values(
        "election__branch__village_id"
    )
    named = Q(responsible_person__isnull=True, responsible_name=person.name) & Q(
        audit__village_id__in=standing_in
    )
    return (
        AuditFinding.objects.unrectified()
        .filter(audit__campaign=campaign)
        .filter(Q(responsible_person=person) | named)
        .select_related("audit__village")
        .order_by("audit__village__code", "pk")
    )


def audit_queryset() -> AuditQuerySet:
    """Audits with what their pages show."""
    return Audit.objects.select_related("campaign", "village__township__county", "updated_by")


def election_date() -> Subquery:
    """The date of the village's election in the audit's campaign: held, else planned."""
    elections = Election.objects.filter(
        campaign=OuterRef("campaign"), branch__village=OuterRef("village")
    ).order_by("branch__name")
    return Subquery(elections.values(date=Coalesce("held_date", "planned_date"))[:1])


@dataclass(frozen=True)
class ListFilters:
    county: str = ""
    township: str = ""
    status: str = ""
    q: str = ""

    def villages(self) -> Q:
        """The filters that narrow the villages (all but the status), as a lookup on Village."""
        query = Q()
        if self.county.isdigit():
            query &= Q(township__county_id=self.county)
        if self.township.isdigit():
            query &= Q(township_id=self.township)
        if self.q:
            query &= Q(name__contains=self.q) | Q(code__startswith=self.q)
        return query


def filters_from(params: dict[str, str]) -> ListFilters:
    status = params.get("status", "")
    return ListFilters(
        county=params.get("county", ""),
        township=params.get("township", ""),
        status=status if status in AuditStatus.values else "",
        q=params.get("q", ""),
    )


def listed_audits(user: User, campaign: Campaign, filters: ListFilters) -> AuditQuerySet:
    """The audits the list shows (and its export writes): the user's region, the campaign,
    the filters."""
    villages = Village.objects.visible_to(user).filter(filters.villages())
    audits = Audit.objects.visible_to(user).for_campaign(campaign).filter(village__in=villages)
    if filters.status:
        audits = audits.filter(status=filters.status)
    return audits


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def status_summary(user: User, campaign: Campaign, filters: ListFilters) -> list[StatusCount]:
    """Audits per status under the list's filters (but its status), and villages with none."""
    villages = Village.objects.visible_to(user).filter(filters.villages())
    audits = Audit.objects.visible_to(user).for_campaign(campaign).filter(village__in=villages)
    counts = audits.status_counts()
    summary = [StatusCount(s.value, str(s.label), counts[s.value]) for s in AuditStatus]
    has_audit = Audit.objects.filter(campaign=campaign, village=OuterRef("pk"))
    missing = villages.filter(~Exists(has_audit)).count()
    return [*summary, StatusCount("missing", "", missing)]


def villages_without_audit(user: User, campaign: Campaign) -> QuerySet[Village]:
    """Villages the user may write in that have no audit in ``campaign`` yet."""
    if user.is_read_only:
        return Village.objects.none()
    has_audit = Audit.objects.filter(campaign=campaign, village=OuterRef("pk"))
    return (
        Village.objects.visible_to(user)
        .filter(~Exists(has_audit))
        .select_related("township")
        .order_by("code")
    )


def filter_choices(user: User, filters: ListFilters) -> dict:
    townships = Township.objects.visible_to(user).select_related("county")
    if filters.county.isdigit():
        townships = townships.filter(county_id=filters.county)
    return {"counties": County.objects.visible_to(user), "townships": townships}


def audit_page(audit: Audit) -> dict:
    """The audit with its findings and its village's elections in the campaign."""
    findings = list(audit.findings.select_related("responsible_person"))
    elections = Election.objects.filter(
        campaign=audit.campaign_id, branch__village=audit.village_id
    ).select_related("branch")
    return {
        "audit": audit,
        "findings": findings,
        "unrectified": sum(1 for finding in findings if not finding.rectified),
        "total_amount": sum((finding.amount for finding in findings), start=0),
        "elections": list(elections),
    }


def responsible_choices(audit: Audit) -> QuerySet[Person]:
    """The people who may be linked as responsible: those standing in the village's
    elections of the audit's campaign."""
    return Person.objects.filter(
        candidacies__election__campaign=audit.campaign_id,
        candidacies__election__branch__village=audit.village_id,
    ).distinct()
