"""What feedback adds to the customer page: the last survey answer, the surveys sent (or not, and
why), their answers and comments, and the feedback recorded, with the buttons to send a survey
and record feedback; this is the customer's contact history of surveys and feedback."""

from patron.customers.ui import customer_panels
from patron.feedback.selectors import history, last_answer
from patron.web.panels import Panel


def _feedback(request, customer, **page):
    return {
        "last": last_answer(customer),
        "history": history(customer),
        "can_contact": request.user.has_perm("interactions.add_interaction") and not customer.merged_into_id,
        # A follow-up task links to its row in the Tasks panel, which these readers see.
        "can_view_tasks": request.user.has_perm("tasks.view_task"),
    }


customer_panels.register(
    Panel("feedback", "feedback/panels/feedback.html", order=72, context=_feedback, wide=True)
)
