"""Template hook for the import mapping page: the rule lives in dashboard.privacy."""

from django import template

from dashboard.privacy import person_attribute_reason

register = template.Library()


@register.filter
def never_published(column) -> str:
    return person_attribute_reason(column)
