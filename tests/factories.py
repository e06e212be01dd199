"""factory_boy factories for the organization tree, campaigns, elections and users.

Division codes are built from the parent's code so that every object passes full_clean():
a township's 9 digits start with its county's 6, a village's 12 with its township's 9.
"""

import datetime

import factory
from django.utils import timezone

from accounts.models import InspectionGroup, Role, User
from elections.models import (
    Branch,
    BranchKind,
    Campaign,
    County,
    Election,
    ElectionStatus,
    Township,
    Village,
)

DEFAULT_PASSWORD = "Huanjie-2026x"


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County

    code = factory.Sequence(lambda n: f"{320100 + n % 10000:06d}")
    name = factory.Sequence(lambda n: f"测试县{n}")


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.county.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"测试镇{n}")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.township.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"测试村{n}")


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    village = factory.SubFactory(VillageFactory)
    name = factory.LazyAttribute(lambda o: f"{o.village.name}党支部")
    kind = BranchKind.BRANCH
    seats = 3


class CampaignFactory(factory.django.DjangoModelFactory):
    """A campaign running today: started a month ago, ends in two months."""

    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"第{n}次集中换届")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=90))
    reference_date = factory.LazyAttribute(lambda o: o.start_date)


class ElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Election

    campaign = factory.SubFactory(CampaignFactory)
    branch = factory.SubFactory(BranchFactory)
    status = ElectionStatus.NOT_STARTED
    # Election.clean() wants a date for a completed election and a reason for a postponed one.
    held_date = factory.LazyAttribute(
        lambda o: timezone.localdate() if o.status == ElectionStatus.COMPLETED else None
    )
    postponement_reason = factory.LazyAttribute(
        lambda o: "候选人人选尚未确定" if o.status == ElectionStatus.POSTPONED else ""
    )


class InspectionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"第{n}督查指导组")

    @factory.post_generation
    def townships(self, create: bool, extracted: list[Township] | None, **kwargs: object) -> None:
        if create and extracted:
            self.townships.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    """A user without a role: signs in, but sees nothing."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "张"
    first_name = factory.Sequence(lambda n: f"{n}")
    role = ""
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save(update_fields=["password"])


class CityUserFactory(UserFactory):
    role = Role.CITY
    is_staff = True


class CountyUserFactory(UserFactory):
    role = Role.COUNTY
    county = factory.SubFactory(CountyFactory)


class TownshipUserFactory(UserFactory):
    role = Role.TOWNSHIP
    township = factory.SubFactory(TownshipFactory)
    county = factory.SelfAttribute("township.county")


class InspectorUserFactory(UserFactory):
    role = Role.INSPECTOR
    inspection_group = factory.SubFactory(InspectionGroupFactory)


def village_with_election(
    *, township: Township, campaign: Campaign, status: str = ElectionStatus.NOT_STARTED, **kwargs
) -> Election:
    """One village with its Party branch and that branch's election in ``campaign``."""
    branch = BranchFactory(village=VillageFactory(township=township, **kwargs))
    return ElectionFactory(campaign=campaign, branch=branch, status=status)
