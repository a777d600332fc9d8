"""Permission checks for the service layer, so the web UI and the API always agree."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require_perm(user, *perms):
    """Raise PermissionDenied unless `user` is active and holds every permission named."""
    if user is None or not user.is_active or not user.has_perms(perms):
        raise PermissionDenied(_("You do not have permission to do this."))
