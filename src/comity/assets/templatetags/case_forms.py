"""`{% form_for "step" asset.pk as form %}`: the case page's form for an action and its target,
bound with its errors if that is the form that just failed, else empty."""

from typing import Any

from django import template
from django.template import Context
from django.utils import timezone

from comity.assets.forms import CaseBound
from comity.assets.views import ACTIONS

register = template.Library()
DATE_FIELDS = ("on", "published_on", "lodged_on", "decided_on")


@register.simple_tag(takes_context=True)
def form_for(context: Context, action: str, target: int | None = None) -> Any:
    failed = context.get("failed")
    if failed and failed[0] == action and failed[1] == target:
        return failed[2]
    form_class = ACTIONS[action].form
    initial = {name: timezone.localdate() for name in DATE_FIELDS if name in form_class.base_fields}
    if issubclass(form_class, CaseBound):
        return form_class(case=context["case"], initial=initial)
    return form_class(initial=initial)
