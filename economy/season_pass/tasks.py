from __future__ import annotations

from celery import shared_task

from economy.season_pass.services import pass_coupons_grant


@shared_task(name="economy.pass_coupons_weekly")
def pass_coupons_weekly() -> int:
    """Monday's bonus XP for active players behind the season pass's pace."""
    return pass_coupons_grant()
