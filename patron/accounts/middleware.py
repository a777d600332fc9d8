import zoneinfo

from django.utils import timezone, translation

from patron.accounts.models import UserProfile
from patron.web.dates import activate_calendar, reset_calendar
from patron.workspace.services import get_workspace


class UserPreferencesMiddleware:
    """Show each staff member the UI in their language, times in their zone and dates in their
    calendar."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        calendar = ""
        if request.user.is_authenticated:
            profile = UserProfile.objects.filter(user=request.user).first()
            if profile and profile.language:
                translation.activate(profile.language)
                request.LANGUAGE_CODE = profile.language
            if profile and profile.time_zone:
                zone = profile.time_zone
            if profile:
                calendar = profile.calendar
        zone = zone or get_workspace().time_zone
        timezone.activate(zoneinfo.ZoneInfo(zone))
        calendar_token = activate_calendar(calendar)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            reset_calendar(calendar_token)
