"""Reset requests for one account side by side: no more e-mails than the limit, however they
interleave (each writes its row, then counts; see patron.accounts.throttle). The mail goes to a
real SMTP server.

As in patron/scoring/tests/side_by_side.py: on PostgreSQL the requests are threads, one
connection each, let go at once; on SQLite (whose test database lives in memory) they are
`patron` processes on a migrated SQLite file.
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from patron.accounts.models import ThrottleHit
from patron.accounts.tests.smtp import configure, start_server
from patron.scoring.tests.side_by_side import environment, in_processes, in_threads, patron

pytestmark = pytest.mark.django_db(transaction=True)
EMAIL = "lan@example.vn"
REQUESTS = 6
LIMIT = 3
ASK = (
    "from django.test import Client\nclient = Client(HTTP_HOST='localhost')\n",
    "answer = client.post({path!r}, {{'email': {email!r}}}, REMOTE_ADDR={address!r})\n"
    "print(answer.status_code)\n",
)


@pytest.fixture
def inbox(certificate, monkeypatch, settings):
    controller, inbox, url = start_server(certificate, monkeypatch, implicit_tls=False)
    configure(settings, url)
    settings.PATRON_RESET_ACCOUNT_LIMIT = LIMIT
    inbox.url = url
    yield inbox
    controller.stop()


def _in_threads(lan):
    lan.email = EMAIL
    lan.save()
    path = reverse("accounts:password_reset")

    def ask(number):
        return Client().post(path, {"email": EMAIL}, REMOTE_ADDR=f"192.0.2.{number}").status_code

    answers = in_threads([lambda number=number: ask(number) for number in range(REQUESTS)])
    return answers, ThrottleHit.objects.filter(scope="reset-account").count()


def _in_processes(tmp_path, url):
    env = environment(
        tmp_path / "data",
        PATRON_EMAIL_URL=url,
        PATRON_EMAIL_FROM="Patron <shop@example.com>",
        PATRON_RESET_ACCOUNT_LIMIT=str(LIMIT),
    )
    patron(env, "migrate", "-v", "0")
    made = "from django.contrib.auth.models import User; "
    made += f"User.objects.create_user('lan', email={EMAIL!r}, password='lan-pass-2024')"
    patron(env, "shell", "-c", made)
    setup, act = ASK
    path = reverse("accounts:password_reset")
    scripts = [(setup, act.format(path=path, email=EMAIL, address=f"192.0.2.{n}")) for n in range(REQUESTS)]
    answers = [int(line) for line in in_processes(scripts, env, tmp_path)]
    count = "from patron.accounts.models import ThrottleHit; print(ThrottleHit.objects.filter(scope='reset-account').count())"  # noqa: E501
    return answers, int(patron(env, "shell", "-c", count).split()[-1])


def test_requests_side_by_side_send_no_more_than_the_limit(tmp_path, lan, inbox):
    sqlite = connection.vendor == "sqlite"
    answers, counted = _in_processes(tmp_path, inbox.url) if sqlite else _in_threads(lan)
    assert answers == [302] * REQUESTS  # every request gets the usual answer
    # At most the limit sent (a burst may be refused more than strictly needed, never less), and
    # exactly the e-mails sent are counted.
    assert len(inbox.messages) <= LIMIT
    assert counted == len(inbox.messages)
