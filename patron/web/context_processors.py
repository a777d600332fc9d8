from django.conf import settings


def patron(request):
    return {"patron_languages": settings.LANGUAGES}
