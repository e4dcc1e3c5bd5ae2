from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ counts|get_item:candidate.pk }}`: look up a dict by a variable key."""
    if mapping is None:
        return None
    return mapping.get(key)
