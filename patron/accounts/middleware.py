import zoneinfo

from django.utils import timezone, translation

from patron.accounts.models import UserProfile
from patron.workspace.services import get_workspace


class UserPreferencesMiddleware:
    """Show each staff member the UI in their language and times in their zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        if request.user.is_authenticated:
            profile = UserProfile.objects.filter(user=request.user).first()
            if profile and profile.language:
                translation.activate(profile.language)
                request.LANGUAGE_CODE = profile.language
            if profile and profile.time_zone:
                zone = profile.time_zone
        zone = zone or get_workspace().time_zone
        timezone.activate(zoneinfo.ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
