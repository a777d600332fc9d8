"""The staff pages: the customer page's panel (last answer, history, sending a survey by hand,
recording feedback), the satisfaction tab with the drifting list, and the settings."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from patron.customers.tests.factories import make_customer
from patron.feedback.models import Feedback, FeedbackCategory, Survey, SurveySettings
from patron.feedback.services import feedback_record
from patron.scoring.tests.factories import make_run, make_score
from patron.tasks.models import Task

pytestmark = pytest.mark.django_db


def score_customer(customer, **fields):
    run = make_run()
    return make_score(customer, run, **fields)


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


def detail(client, customer):
    return client.get(reverse("customers:detail", args=[customer.pk])).content.decode()


def test_the_panel_shows_the_last_answer_and_the_history(client, somsri, emre, answered):
    answered(somsri, "nps", 4, by=emre)
    survey = answered(somsri, "csat", 5, by=emre)
    survey.comment = "ส่งไวมาก"
    survey.save()
    client.force_login(emre)
    page = detail(client, somsri)
    assert 'id="feedback-history"' in page and "ส่งไวมาก" in page
    assert "Son anket yanıtı: 5 (Memnun, CSAT (1-5))" in page  # emre reads Turkish
    assert 'id="send-nps"' in page and 'id="record-feedback"' in page


def test_the_analyst_sees_the_panel_without_its_buttons(client, somsri, maria):
    client.force_login(maria)
    page = detail(client, somsri)
    assert 'id="feedback-history"' in page and 'id="send-nps"' not in page


def test_a_survey_by_hand_from_the_customer_page(client, somsri, emre):
    client.force_login(emre)
    response = client.post(reverse("feedback:survey_send", args=[somsri.pk]), {"kind": "csat"}, follow=True)
    survey = Survey.objects.get()
    assert (survey.kind, survey.reason, survey.status, survey.sent_by) == ("csat", "hand", "sent", emre)
    assert "somsri@example.co.th" in response.content.decode()


def test_the_page_says_why_no_survey_went(client, somchai, emre, thai_shop):
    customer = make_customer(somchai, display_name="Walk-in", country="TH")
    client.force_login(emre)
    response = client.post(reverse("feedback:survey_send", args=[customer.pk]), {"kind": "nps"}, follow=True)
    assert Survey.objects.get().skip_reason == "no_email"
    page = response.content.decode()
    assert "Anket gönderilmedi: müşterinin e-posta adresi yok." in page


def test_the_analyst_may_not_send(client, somsri, maria):
    client.force_login(maria)
    assert client.post(reverse("feedback:survey_send", args=[somsri.pk]), {"kind": "nps"}).status_code == 403
    assert not Survey.objects.exists()


def test_feedback_from_the_customer_page_and_a_complaint_opens_a_task(client, somsri, emre, lan):
    client.force_login(emre)
    url = reverse("feedback:feedback_new", args=[somsri.pk])
    assert client.get(url).status_code == 200
    delivery = FeedbackCategory.objects.get(code="delivery")
    response = client.post(url, {"kind": "complaint", "category": delivery.pk, "text": "ของมาช้าสามวัน"})
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert (item.kind, item.category, item.recorded_by, item.actor_kind) == (
        "complaint",
        delivery,
        emre,
        "staff",
    )
    task = Task.objects.get()
    assert item.follow_up == task and task.customer == somsri
    assert "ของมาช้าสามวัน" in detail(client, somsri)


def test_feedback_without_words_is_refused_at_its_field(client, somsri, emre):
    client.force_login(emre)
    product = FeedbackCategory.objects.get(code="product")
    url = reverse("feedback:feedback_new", args=[somsri.pk])
    response = client.post(url, {"kind": "compliment", "category": product.pk, "text": ""})
    assert response.status_code == 422
    assert not Feedback.objects.exists()


def test_the_satisfaction_tab_lists_the_satisfied_who_drift(client, somchai, thai_shop, answered, maria):
    drifting, loyal, unhappy = (make_customer(somchai, key) for key in ["somsri", "juan", "sukru_isik"])
    score_customer(drifting, churn_risk=0.85, value_at_risk=Decimal("4200"))
    score_customer(loyal, churn_risk=0.1, value_at_risk=Decimal("100"))
    score_customer(unhappy, churn_risk=0.9, value_at_risk=Decimal("9000"))
    answered(drifting, "nps", 10, by=somchai)
    answered(loyal, "csat", 5, by=somchai)
    answered(unhappy, "nps", 2, by=somchai)
    client.force_login(maria)
    response = client.get(reverse("feedback:satisfaction"))
    assert response.status_code == 200
    page = response.content.decode()
    table = page.split('id="drifting"')[1]
    assert drifting.display_name in table
    assert loyal.display_name not in table and unhappy.display_name not in table
    assert 'id="satisfaction-months"' in page and 'aria-current="page"' in page


def test_the_months_give_nps_csat_and_churn(somchai, thai_shop, answered):
    from patron.feedback.selectors import months

    customers = [make_customer(somchai, key) for key in ["somsri", "juan", "sukru_isik", "nguyen_van_an"]]
    score_customer(customers[0], churn_risk=0.8, value_at_risk=Decimal("1"))
    score_customer(customers[1], churn_risk=0.2, value_at_risk=Decimal("1"))
    for customer, score in zip(customers[:3], [10, 9, 3], strict=True):
        answered(customer, "nps", score, by=somchai)
    answered(customers[3], "csat", 4, by=somchai)
    (month,) = months()
    assert (month["nps"], month["nps_answers"]) == (33, 3)  # 2 promoters, 1 detractor of 3
    assert (month["csat"], month["csat_answers"]) == (100, 1)
    assert (month["churn"], month["high_share"]) == (50, 50)


def test_the_settings_page_for_an_admin(client, admin_user, emre):
    client.force_login(admin_user)
    url = reverse("feedback:settings")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "after_orders": "on",
            "after_orders_count": "3",
            "after_orders_kind": "nps",
            "after_task_kind": "csat",
            "min_interval_days": "60",
            "link_days": "14",
            "fallback_assignee": emre.pk,
        },
    )
    assert response.status_code == 302
    config = SurveySettings.objects.get()
    assert (config.after_orders, config.after_orders_count, config.after_task) == (True, 3, False)
    assert (config.min_interval_days, config.link_days, config.fallback_assignee) == (60, 14, emre)
    client.post(reverse("feedback:category_add"), {"name": "Bao bì"})
    staff = FeedbackCategory.objects.get(code="staff")
    client.post(reverse("feedback:category_change", args=[staff.pk]), {"is_active": "0"})
    assert FeedbackCategory.objects.filter(name="Bao bì", is_active=True).exists()
    assert not FeedbackCategory.objects.get(code="staff").is_active


def test_staff_may_not_change_the_settings(client, emre):
    client.force_login(emre)
    assert client.get(reverse("feedback:settings")).status_code == 403


def test_a_complaint_without_owner_goes_to_the_fallback(somsri, emre, lan, admin_user):
    from patron.feedback.services import settings_update

    settings_update(by=admin_user, fallback_assignee=lan)
    product = FeedbackCategory.objects.get(code="product")
    item = feedback_record(by=emre, customer=somsri, kind="complaint", category=product, text="แตก")
    assert item.follow_up.assignee == lan
    assert item.follow_up.due_at > timezone.now() and item.follow_up.due_at < timezone.now() + timedelta(
        days=4
    )


def test_a_default_category_sent_back_unchanged_stays_translated(client, admin_user):
    from django.utils import translation

    from patron.feedback.services import category_change

    price = FeedbackCategory.objects.get(code="price")
    with translation.override("th"):
        category_change(by=admin_user, category=price, name=str(price))  # "ราคา", as the page shows it
    price.refresh_from_db()
    assert price.name == ""
    with translation.override("vi"):
        assert str(price) == "Giá"
    category_change(by=admin_user, category=price, name="Giá cả")
    price.refresh_from_db()
    assert str(price) == "Giá cả"


def test_a_follow_up_links_to_its_row_in_the_tasks_panel_while_open(client, somsri, emre, answered):
    from patron.actors import Actor
    from patron.tasks.services import task_cancel

    survey = answered(somsri, "nps", 3, by=emre)
    task = survey.follow_up
    assert task is not None and task.status == "open"
    client.force_login(emre)
    page = detail(client, somsri)
    assert f'href="#customer-task-{task.pk}"' in page and f'id="customer-task-{task.pk}"' in page
    task_cancel(by=Actor.system(job="feedback.follow_up"), task=task)
    page = detail(client, somsri)
    assert f'href="#customer-task-{task.pk}"' not in page
    assert task.title in page and "İptal edildi" in page  # emre reads Turkish: the task's state
