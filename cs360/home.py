"""What the agency home page shows: attention items contributed by each app.

Apps higher up the dependency chain plug in by defining `attention_items(agency,
membership)` on their AppConfig, so cs360 never imports them.
"""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class AttentionItem:
    text: str
    url: str
    count: int | None = None
    level: str = "warning"  # "warning" needs action; "info" is for awareness.
    area: str = ""


def attention_items(agency, membership) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    for config in apps.get_app_configs():
        provider = getattr(config, "attention_items", None)
        if provider is not None:
            items.extend(provider(agency, membership))
    return items
