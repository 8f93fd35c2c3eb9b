from django import template

from members.models import Gender

register = template.Library()


@register.inclusion_tag("members/_uic_helper.html")
def uic_helper(target_id):
    """Answers that build a code on the phone and fill ``target_id``: the inputs have no
    name, so the answers are never sent, only the code."""
    return {"target_id": target_id, "genders": Gender.choices}
