"""The admin's "enter every branch" runs on a real Celery worker over a real Redis."""

import pytest
from celery import Celery

from elections.models import Election
from elections.tasks import campaign_open_elections
from tests.factories import BranchFactory, CampaignFactory

pytestmark = pytest.mark.redis


def test_it_enters_every_branch_on_a_real_worker(celery_worker: Celery) -> None:
    # given: three branches, one of them already entered
    campaign = CampaignFactory()
    branches = BranchFactory.create_batch(3)
    Election.objects.create(campaign=campaign, branch=branches[0])

    # when: the task goes through the broker to the worker thread
    created = campaign_open_elections.delay(campaign.pk).get(timeout=30)

    # then: only the missing two were created, and running it again adds none
    assert created == 2
    assert Election.objects.filter(campaign=campaign).count() == 3
    assert campaign_open_elections.delay(campaign.pk).get(timeout=30) == 0
