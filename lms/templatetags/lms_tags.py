"""Template helpers for the cadre's learning pages."""

from django import template
from django.utils.text import slugify

register = template.Library()


@register.filter
def stars(average) -> str:
    """An average rating as five text stars, rounded half up to a whole star."""
    if average is None:
        return ""
    filled = max(0, min(5, int(float(average) + 0.5)))
    return "★" * filled + "☆" * (5 - filled)


@register.simple_tag(takes_context=True)
def quiz_view(context, value, block_id):
    """What the quiz block template shows: the cadre's state (from the lesson page's
    quiz_states) and the questions with their options' texts only.

    Options are rebuilt here without their "correct" flag, so no template can print it."""
    state = dict((context.get("quiz_states") or {}).get(block_id) or {})
    given = state.get("given") or []
    marks = {result.number: result for result in state.get("results") or []}
    questions = []
    for number, question in enumerate(value["questions"], start=1):
        chosen = given[number - 1] if number <= len(given) else []
        questions.append(
            {
                "number": number,
                "text": question["text"],
                "kind": question["kind"],
                "options": [
                    {"index": index, "text": option["text"], "checked": index in chosen}
                    for index, option in enumerate(question["choices"])
                ],
                "mark": marks.get(number),
            }
        )
    state["questions"] = questions
    state["anchor"] = f"quiz-{block_id or slugify(value['title'])}"
    return state


@register.filter
def is_counsellor(user) -> bool:
    """For the header: counsellors get a link to their follow-up worklist."""
    from lms.people.roles import is_counsellor as user_is_counsellor

    return user_is_counsellor(user)
