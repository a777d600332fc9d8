"""A staff member's language is one Patron speaks, or blank (the workspace's), checked by the database."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from patron.accounts.models import UserProfile
from patron.customers.tests.constraints import accepted, refused

pytestmark = pytest.mark.django_db


def test_a_language_patron_does_not_speak_is_refused_and_blank_is_allowed():
    profile = UserProfile.objects.create(user=get_user_model().objects.create_user("maria"), language="fil")
    rows = UserProfile.objects.filter(pk=profile.pk)
    refused(rows, "user_profile_language_known_or_blank", language="de")
    refused(rows, "user_profile_language_known_or_blank", language="th-TH")
    for code, _name in settings.LANGUAGES:
        accepted(rows, language=code)
    accepted(rows, language="")
