from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def dashboard_figures_refresh(changed_only: bool = False) -> int:
    """Recomputes the running campaigns' region figures: all of them, or (``changed_only``)
    the townships whose elections changed since the last run, with their counties and the
    city. Returns how many regions were computed."""
    from dashboards import figures

    regions = 0
    for campaign in figures.running_campaigns():
        townships = figures.changed_townships(campaign) if changed_only else None
        if townships == []:
            continue
        regions += figures.campaign_figures_refresh(campaign=campaign, township_ids=townships)
    return regions


@shared_task(acks_late=True, ignore_result=True)
def progress_snapshot_take() -> int:
    """Today's progress of every running campaign; run again the same day, it replaces it."""
    from django.utils import timezone

    from dashboards import snapshots
    from dashboards.figures import running_campaigns

    today = timezone.localdate()
    return sum(
        snapshots.snapshot_take(campaign=campaign, day=today)
        for campaign in running_campaigns(today)
    )
