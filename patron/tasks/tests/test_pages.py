"""The tasks' pages: "my day" in three groups by the reader's business day, its actions by htmx
and without JavaScript, the customers to contact, the customer page's Tasks panel, the team's
list, and who may do what."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from patron.accounts.services import profile_update
from patron.customers.models import Customer
from patron.customers.tests.factories import make_customer
from patron.interactions.models import Interaction
from patron.scoring.tests.factories import make_run, make_score
from patron.tasks.models import Reminder, Task
from patron.tasks.selectors import GROUP_LIMIT, day_bounds, my_day, team_tasks
from patron.tasks.services import task_create, task_snooze

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


@pytest.fixture
def juan(somchai, thai_shop):
    return make_customer(somchai, "juan")


def add(by, customer, due_at, *, assignee=None, title="Call back", **fields):
    return task_create(
        by=by, customer=customer, title=title, due_at=due_at, assignee=assignee or by, **fields
    )


def names(group):
    return [task.title for task in group.tasks]


# The business day, in the reader's zone.

NOW = datetime(2030, 5, 1, 16, 30, tzinfo=UTC)  # 23:30 in Ho Chi Minh City, 19:30 in Istanbul


def test_the_day_ends_at_midnight_in_the_readers_zone(lan, emre, somsri):
    for user in (lan, emre):
        add(lan, somsri, NOW - timedelta(minutes=1), assignee=user, title="late")
        add(lan, somsri, NOW + timedelta(minutes=15), assignee=user, title="tonight")
        add(lan, somsri, NOW + timedelta(hours=1), assignee=user, title="after midnight in Vietnam")
    overdue, today, upcoming = my_day(by=lan, now=NOW)
    assert (names(overdue), names(today), names(upcoming)) == (
        ["late"],
        ["tonight"],
        ["after midnight in Vietnam"],
    )
    overdue, today, upcoming = my_day(by=emre, now=NOW)  # 20:30 in Istanbul is still today
    assert (names(today), names(upcoming)) == (["tonight", "after midnight in Vietnam"], [])


def test_without_a_zone_of_their_own_the_workspaces_day_counts(lan, somsri, thai_shop):
    profile_update(user=lan, time_zone="")
    # Bangkok, UTC+7: 23:30 on 1 May there, so the day ends at 17:00 UTC.
    assert day_bounds(lan, NOW) == (
        datetime(2030, 4, 30, 17, tzinfo=UTC),
        datetime(2030, 5, 1, 17, tzinfo=UTC),
    )
    profile_update(user=lan, time_zone="Europe/Istanbul")
    assert day_bounds(lan, NOW)[1] == datetime(2030, 5, 1, 21, tzinfo=UTC)


def test_only_the_readers_open_tasks_are_in_their_day(lan, emre, somsri):
    add(lan, somsri, NOW + timedelta(minutes=5), title="mine")
    add(lan, somsri, NOW + timedelta(minutes=5), assignee=emre, title="emre's")
    done = add(lan, somsri, NOW + timedelta(minutes=5), title="done")
    Task.objects.filter(pk=done.pk).update(status="cancelled")
    assert [names(group) for group in my_day(by=lan, now=NOW)] == [[], ["mine"], []]


# The page.


@pytest.fixture
def day(lan, somsri, juan):
    """lan's tasks: one overdue, one due later today (her zone), one tomorrow."""
    start, tomorrow = day_bounds(lan)
    now = timezone.now()
    return {
        "overdue": add(
            lan, somsri, now - timedelta(days=2), title="โทรหาคุณสมศรี", kind="call", notes="เรื่องข้าวสาร"
        ),
        "today": add(
            lan,
            juan,
            max(now + timedelta(seconds=30), tomorrow - timedelta(seconds=30)),
            title="Visit Juan",
            kind="visit",
        ),
        "upcoming": add(lan, somsri, tomorrow + timedelta(minutes=1), title="E-mail the quote", kind="email"),
    }


def group_of(html, task):
    """The id of the section the task's row is in."""
    at = html.index(f'id="task-{task.pk}"')
    return html[html.rfind('<section class="panel" id="', 0, at) :].split('"')[3]


def test_my_day_shows_each_group_with_customer_kind_due_time_and_notes(client, lan, day, somsri):
    profile_update(user=lan, language="en")
    client.force_login(lan)
    html = client.get(reverse("tasks:my_day")).content.decode()
    for name, task in day.items():
        assert group_of(html, task) == f"group-{name}"
    assert "โทรหาคุณสมศรี" in html and "เรื่องข้าวสาร" in html and "Visit Juan" in html
    assert reverse("customers:detail", args=[somsri.pk]) in html
    assert ">Call<" in html and ">Visit<" in html
    # The due time in lan's zone (Ho Chi Minh City), to the minute.
    local = timezone.localtime(day["upcoming"].due_at, timezone.get_fixed_timezone(7 * 60))
    assert local.strftime("%-I:%M") in html


def test_my_day_speaks_the_readers_language(client, lan, day):
    client.force_login(lan)  # lan reads Vietnamese
    html = client.get(reverse("tasks:my_day")).content.decode()
    assert 'lang="vi"' in html and "Quá hạn" in html and "Khách hàng cần liên hệ" in html


def test_complete_by_htmx_answers_the_row_done(client, lan, day):
    client.force_login(lan)
    task = day["overdue"]
    response = client.post(reverse("tasks:complete", args=[task.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.startswith(f'<tr id="task-{task.pk}"') and 'role="status"' in html
    task.refresh_from_db()
    assert task.status == "done" and task.interaction is None


def test_complete_with_a_note_logs_the_contact_in_the_same_step(client, lan, day, somsri):
    client.force_login(lan)
    task = day["overdue"]
    client.post(reverse("tasks:complete", args=[task.pk]), {"note": "สั่งข้าว 20 กระสอบ"}, **HTMX)
    task.refresh_from_db()
    interaction = Interaction.objects.get(pk=task.interaction_id)
    assert (task.status, interaction.customer_id, interaction.channel, interaction.body) == (
        "done",
        somsri.pk,
        "phone",
        "สั่งข้าว 20 กระสอบ",
    )
    assert interaction.subject == task.title


def test_the_note_and_snooze_forms_come_in_the_row_or_on_a_page_of_their_own(client, lan, day):
    profile_update(user=lan, language="en")
    client.force_login(lan)
    task = day["today"]
    for name, field in (("complete", 'name="note"'), ("snooze", 'name="quick" value="tomorrow"')):
        url = reverse(f"tasks:{name}", args=[task.pk])
        partial = client.get(url, **HTMX).content.decode()
        assert field in partial and "<html" not in partial and f'hx-post="{url}"' in partial
        page = client.get(url, {"next": "/tasks/?all=today"}).content.decode()
        assert "<html" in page and field in page and 'value="/tasks/?all=today"' in page


def test_the_rows_write_their_actions_as_the_urls_are(day):
    """_task.html writes /tasks/<id>/complete/ (and snooze, cancel) from /tasks/, once a page."""
    base = reverse("tasks:my_day")
    for name in ("complete", "snooze", "cancel"):
        assert reverse(f"tasks:{name}", args=[7]) == f"{base}7/{name}/"


def test_a_group_shows_its_first_tasks_and_all_of_them_when_asked(client, lan, somsri):
    profile_update(user=lan, language="en")
    now = timezone.now()
    for n in range(GROUP_LIMIT + 5):
        add(lan, somsri, now - timedelta(days=3, minutes=n), title=f"old {n}")
    client.force_login(lan)
    html = client.get(reverse("tasks:my_day")).content.decode()
    section = html[html.index('id="group-overdue"') : html.index('id="group-today"')]
    assert section.count('<tr id="task-') == GROUP_LIMIT and 'data-count="35"' in section
    assert "Show all 35" in section
    html = client.get(reverse("tasks:my_day"), {"all": "overdue"}).content.decode()
    section = html[html.index('id="group-overdue"') : html.index('id="group-today"')]
    assert section.count('<tr id="task-') == GROUP_LIMIT + 5 and "Show all" not in section


def test_complete_without_javascript_comes_back_with_a_message(client, lan, day):
    profile_update(user=lan, language="en")
    client.force_login(lan)
    task = day["today"]
    response = client.post(reverse("tasks:complete", args=[task.pk]), {"next": "/tasks/"}, follow=True)
    assert response.redirect_chain == [("/tasks/", 302)]
    assert "Done." in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == "done"


def test_complete_refuses_to_send_elsewhere(client, lan, day):
    client.force_login(lan)
    response = client.post(
        reverse("tasks:complete", args=[day["today"].pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("tasks:my_day")


def test_snooze_until_tomorrow_morning_moves_the_task_and_its_reminders(client, lan, day):
    client.force_login(lan)
    task = day["overdue"]
    Reminder.objects.create(task=task, minutes_before=60, fire_at=task.due_at - timedelta(hours=1))
    response = client.post(reverse("tasks:snooze", args=[task.pk]), {"quick": "tomorrow"}, **HTMX)
    assert response.status_code == 200 and 'role="status"' in response.content.decode()
    task.refresh_from_db()
    _start, tomorrow = day_bounds(lan)
    assert task.due_at == tomorrow + timedelta(hours=9) and task.snoozed_until == task.due_at
    assert task.reminders.get().fire_at == task.due_at - timedelta(hours=1)
    assert task.title in names(my_day(by=lan)[2])  # upcoming


def test_snooze_to_a_chosen_time_is_read_in_the_readers_zone(client, lan, day):
    client.force_login(lan)
    task = day["today"]
    client.post(reverse("tasks:snooze", args=[task.pk]), {"until": "2031-01-02T08:15"}, **HTMX)
    task.refresh_from_db()
    assert task.due_at == datetime(2031, 1, 2, 1, 15, tzinfo=UTC)  # 08:15 in Ho Chi Minh City


def test_snooze_into_the_past_is_refused_in_the_row_in_words(client, lan, day):
    profile_update(user=lan, language="en")
    client.force_login(lan)
    task = day["today"]
    response = client.post(reverse("tasks:snooze", args=[task.pk]), {"until": "2020-01-02T08:15"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in html
    assert "Snooze the task until a time still to come." in html
    assert Task.objects.get(pk=task.pk).due_at == task.due_at


def test_snooze_without_a_time_says_so(client, lan, day):
    profile_update(user=lan, language="en")
    client.force_login(lan)
    response = client.post(reverse("tasks:snooze", args=[day["today"].pk]), {}, **HTMX)
    assert "Say until when." in response.content.decode()


def test_cancel_by_htmx(client, lan, day):
    client.force_login(lan)
    task = day["upcoming"]
    response = client.post(reverse("tasks:cancel", args=[task.pk]), **HTMX)
    assert response.status_code == 200 and 'role="status"' in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == "cancelled"


def test_a_done_task_cannot_be_cancelled_and_the_row_says_why(client, lan, day):
    profile_update(user=lan, language="en")
    client.force_login(lan)
    task = day["upcoming"]
    client.post(reverse("tasks:complete", args=[task.pk]), **HTMX)
    html = client.post(reverse("tasks:cancel", args=[task.pk]), **HTMX).content.decode()
    assert "This task is done: it cannot be cancelled." in html
    assert Task.objects.get(pk=task.pk).status == "done"


def test_the_analyst_reads_her_day_but_changes_nothing(client, lan, maria, somsri):
    task = add(lan, somsri, timezone.now() + timedelta(hours=1), assignee=maria, title="Maria's")
    profile_update(user=maria, language="en")
    client.force_login(maria)
    html = client.get(reverse("tasks:my_day")).content.decode()
    assert "Maria&#x27;s" in html and 'class="complete"' not in html and "Add a task" not in html
    response = client.post(reverse("tasks:complete", args=[task.pk]), **HTMX)
    assert 'role="alert"' in response.content.decode()
    assert "You do not have permission to do this." in response.content.decode()
    assert client.post(reverse("tasks:snooze", args=[task.pk]), {"quick": "hour"}).status_code == 302
    assert client.post(reverse("tasks:cancel", args=[task.pk]), **HTMX).status_code == 200
    assert (
        Task.objects.get(pk=task.pk).status == "open" and Task.objects.get(pk=task.pk).due_at == task.due_at
    )


def test_my_day_needs_a_login(client):
    response = client.get(reverse("tasks:my_day"))
    assert response.status_code == 302 and "login" in response["Location"]


# Adding a task on a customer, and the customer page's panel.


def test_the_customer_page_lists_open_tasks_with_add_a_task(client, lan, day, somsri):
    profile_update(user=lan, language="en")
    client.force_login(lan)
    html = client.get(reverse("customers:detail", args=[somsri.pk])).content.decode()
    panel = html[html.index('id="customer-tasks"') :]
    assert "โทรหาคุณสมศรี" in panel and "E-mail the quote" in panel and "Visit Juan" not in panel
    assert reverse("tasks:add", args=[somsri.pk]) in panel


def test_add_a_task_from_the_customer_page_by_htmx(client, lan, emre, somsri):
    profile_update(user=lan, language="en")
    client.force_login(lan)
    url = reverse("tasks:add", args=[somsri.pk])
    form = client.get(url, **HTMX).content.decode()
    assert form.lstrip().startswith("<form") and 'name="due_at"' in form
    data = {
        "title": "Ask about the wedding",
        "kind": "meeting",
        "due_at": "2031-03-12T10:00",
        "assignee": emre.pk,
        "remind": "60",
    }
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200 and "Ask about the wedding" in response.content.decode()
    task = Task.objects.get(title="Ask about the wedding")
    assert (task.customer, task.assignee, task.kind) == (somsri, emre, "meeting")
    assert task.due_at == datetime(2031, 3, 12, 3, tzinfo=UTC)  # 10:00 in lan's zone
    assert list(task.reminders.values_list("minutes_before", flat=True)) == [60]


def test_a_task_without_a_title_is_refused_at_its_field(client, lan, somsri):
    profile_update(user=lan, language="en")
    client.force_login(lan)
    url = reverse("tasks:add", args=[somsri.pk])
    response = client.post(url, {"kind": "call", "due_at": "2031-03-12T10:00", "assignee": lan.pk}, **HTMX)
    assert response["HX-Retarget"] == "#task-form" and "This field is required." in response.content.decode()
    response = client.post(url, {"kind": "call", "due_at": "2031-03-12T10:00", "assignee": lan.pk})
    assert response.status_code == 422 and not Task.objects.exists()


def test_the_analyst_may_not_add_a_task(client, maria, somsri):
    client.force_login(maria)
    assert client.get(reverse("tasks:add", args=[somsri.pk])).status_code == 403
    html = client.get(reverse("customers:detail", args=[somsri.pk])).content.decode()
    assert 'id="customer-tasks"' in html and 'id="add-task-link"' not in html


# Customers to contact.


@pytest.fixture
def owned(lan, somchai, thai_shop):
    """Three of lan's customers scored, a fourth of somchai's, a fifth of lan's merged away."""
    run = make_run()
    now = timezone.now()
    made = {}
    for key, risk, decile, owner in [
        ("somsri", "900", 1, lan),
        ("juan", "15000", 2, lan),
        ("nguyen_van_an", "40", 9, lan),
        ("sukru_isik", "99999", 1, somchai),
        ("istanbul_shop", "50000", 1, lan),
    ]:
        customer = make_customer(somchai, key)
        customer.owner = owner
        customer.save()
        made[key] = make_score(
            customer,
            run,
            purchases=5,
            first_purchase=now - timedelta(weeks=21),
            last_purchase=now - timedelta(weeks=9),
            value_at_risk=Decimal(risk),
            value_decile=decile,
            churn_risk=0.8,
        )
    Customer.objects.filter(pk=made["istanbul_shop"].customer_id).update(merged_into=made["juan"].customer_id)
    return made


def test_customers_to_contact_are_the_readers_own_by_value_at_risk(client, lan, owned):
    profile_update(user=lan, language="en")
    client.force_login(lan)
    html = client.get(reverse("tasks:my_day")).content.decode()
    section = html[html.index('id="contacts"') :]
    order = [section.index(owned[key].customer.display_name) for key in ("juan", "somsri", "nguyen_van_an")]
    assert order == sorted(order) and owned["sukru_isik"].customer.display_name not in section
    assert owned["istanbul_shop"].customer.display_name not in section  # merged into another
    assert "Bought every 3 weeks, nothing for 9 weeks, top 20% by value, and ฿15,000 at risk" in section


def test_a_customer_with_a_task_planned_says_so(client, lan, owned, somchai):
    add(somchai, owned["juan"].customer, timezone.now() + timedelta(days=3), assignee=lan)
    profile_update(user=lan, language="en")
    client.force_login(lan)
    html = client.get(reverse("tasks:my_day")).content.decode()
    row = html[html.index(f'id="contact-{owned["juan"].customer_id}"') :].split("</tr>")[0]
    assert "A task is planned" in row
    row = html[html.index(f'id="contact-{owned["somsri"].customer_id}"') :].split("</tr>")[0]
    assert reverse("tasks:add", args=[owned["somsri"].customer_id]) in row


def test_the_customer_page_says_why_a_call_is_worth_it(client, lan, owned):
    profile_update(user=lan, language="en")
    client.force_login(lan)
    html = client.get(reverse("customers:detail", args=[owned["somsri"].customer_id])).content.decode()
    assert (
        "Worth a call now: bought every 3 weeks, nothing for 9 weeks, top 10% by value, and ฿900 at risk."
        in html
    )


# The team's list.


@pytest.fixture
def team(lan, emre, somchai, somsri, juan):
    now = timezone.now()
    _start, tomorrow = day_bounds(somchai)
    made = {
        "lan overdue": add(lan, somsri, now - timedelta(hours=3), title="lan overdue", kind="call"),
        "emre upcoming": add(
            lan, juan, tomorrow + timedelta(days=2), assignee=emre, title="emre upcoming", kind="visit"
        ),
        "emre snoozed": add(
            lan, juan, now - timedelta(days=1), assignee=emre, title="emre snoozed", kind="call"
        ),
    }
    task_snooze(by=lan, task=made["emre snoozed"], until=tomorrow + timedelta(days=5))
    closed = add(lan, somsri, now, title="closed")
    Task.objects.filter(pk=closed.pk).update(status="cancelled")
    return made


def team_titles(client, **query):
    html = client.get(reverse("tasks:team"), query).content.decode()
    return sorted(
        title
        for title in ("lan overdue", "emre upcoming", "emre snoozed", "closed")
        if f"<strong>{title}</strong>" in html
    )


def test_the_team_list_filters_by_assignee_state_kind_and_customer(client, somchai, emre, juan, team):
    profile_update(user=somchai, language="en")
    client.force_login(somchai)
    assert team_titles(client) == ["emre snoozed", "emre upcoming", "lan overdue"]
    assert team_titles(client, assignee=emre.pk) == ["emre snoozed", "emre upcoming"]
    assert team_titles(client, state="overdue") == ["lan overdue"]
    assert team_titles(client, state="snoozed") == ["emre snoozed"]
    assert team_titles(client, state="upcoming") == ["emre snoozed", "emre upcoming"]
    assert team_titles(client, kind="visit") == ["emre upcoming"]
    assert team_titles(client, customer=juan.pk) == ["emre snoozed", "emre upcoming"]
    assert team_titles(client, assignee="none") == []


def test_the_team_list_answers_htmx_with_its_results(client, somchai, team):
    client.force_login(somchai)
    html = client.get(
        reverse("tasks:team"), {"state": "overdue"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    ).content.decode()
    assert html.startswith('<div class="panel" id="results">') and "lan overdue" in html


def test_a_bad_filter_shows_nothing_and_says_so(client, somchai, team):
    profile_update(user=somchai, language="en")
    client.force_login(somchai)
    html = client.get(reverse("tasks:team"), {"state": "soon"}).content.decode()
    assert "Some filters are not valid" in html and "lan overdue" not in html
    assert "Select a valid choice." in html


def test_the_team_list_is_for_admins_and_team_leads(client, lan, emre, maria, team):
    for user in (lan, emre, maria):
        client.force_login(user)
        assert client.get(reverse("tasks:team")).status_code == 403
    with pytest.raises(PermissionDenied):
        team_tasks(by=lan)


def test_a_team_lead_is_whoever_an_admin_gave_the_permission(client, lan, emre, team):
    permission = Permission.objects.get(content_type__app_label="tasks", codename="view_team_tasks")
    lan.user_permissions.add(permission)
    client.force_login(lan)
    assert client.get(reverse("tasks:team")).status_code == 200
    client.force_login(emre)
    assert client.get(reverse("tasks:team")).status_code == 403


def test_my_day_links_the_calendar_feed_for_all_and_the_follow_up_rules_for_who_sets_them(
    client, lan, maria, thai_shop
):
    client.force_login(lan)  # a Marketer sets follow-up rules
    page = client.get(reverse("tasks:my_day")).content.decode()
    assert f'id="feed-link" href="{reverse("tasks:feed_page")}"' in page
    assert f'id="rules-link" href="{reverse("tasks:rules")}"' in page
    assert client.get(reverse("tasks:rules")).status_code == 200
    client.force_login(maria)  # an Analyst reads
    page = client.get(reverse("tasks:my_day")).content.decode()
    assert 'id="feed-link"' in page and 'id="rules-link"' not in page
