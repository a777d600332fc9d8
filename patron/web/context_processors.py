from django.conf import settings

from patron.accounts.roles import is_admin


def patron(request):
    user = getattr(request, "user", None)
    return {
        "patron_languages": settings.LANGUAGES,
        "patron_is_admin": bool(user and user.is_authenticated and is_admin(user)),
    }
