"""What the feedback app holds about a customer (see patron/customers/registry.py).

A merge gives the merged customer's surveys and feedback to the survivor: their answers and
what they said are the one person's. The copy of a person's data holds both. An erasure deletes
them: an answer, a comment, a complaint are what the person said, and their address is on the
survey. The categories and the settings hold nobody's data.
"""

from patron.customers.registry import Holding, OnErase, OnMerge, Traces, register, register_traces
from patron.feedback.models import Feedback, FeedbackCategory, Survey, SurveySettings

register(
    Holding(
        "surveys",
        Survey,
        OnMerge.MOVE,
        OnErase.DELETE,
        customer_fields=("customer", "actor_customer", "answer_actor_customer"),
    )
)
register(
    Holding(
        "feedback", Feedback, OnMerge.MOVE, OnErase.DELETE, customer_fields=("customer", "actor_customer")
    )
)
register_traces(Traces(FeedbackCategory, ("name",), personal=False, why="category names an Admin gives"))
register_traces(Traces(SurveySettings, (), personal=False, why="settings"))
