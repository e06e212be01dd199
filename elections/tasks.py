from celery import shared_task


@shared_task(acks_late=True, ignore_result=False)
def campaign_open_elections(campaign_id: int) -> int:
    """Enters every branch in a campaign; idempotent, so a redelivered task does no harm."""
    from elections import services
    from elections.models import Campaign

    campaign = Campaign.objects.get(pk=campaign_id)
    return services.campaign_open_elections(campaign=campaign)
