"""Category review: how each type and category value of an agency's police data is published.

The one place that decides publication levels. Everything public reads them through
`Levels` (arrays applied in SQL, so the same lists can be joined against rollup tables
later):

- a value with a decision is published at that level (full / areas / none);
- a value without one (never reviewed, or first seen in the latest import) counts as
  "areas only": counted by district, never a map point or an open-data row;
- a record takes the strictest level of its initial type, final type and category (and an
  export's domestic flag makes it at least "areas only").

Defaults come from dashboard.sensitive_rules and only pre-fill the review.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connections, models, transaction
from django.utils import timezone

from cs360.dbrouter import read_alias
from dashboard import sensitive_rules
from dashboard.models import CategoryDecision

Level = CategoryDecision.Level
ROLES = ("initial", "final", "category")
INVENTORY_LIMIT = 20_000  # (initial, final, category) combinations read for the review


@dataclass(frozen=True)
class Levels:
    """An agency's decisions as the SQL needs them."""

    full: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()

    @classmethod
    def for_agency(cls, agency) -> "Levels":
        rows = agency.category_decisions.order_by("value").values_list("value", "level")
        full = [v for v, level in rows if level == Level.FULL]
        hidden = [v for v, level in rows if level == Level.NONE]
        return cls(full=tuple(full), hidden=tuple(hidden))

    def point_sql(self) -> tuple[str, list]:
        """True for a record that may be a map point or an open-data row: every value it
        has was decided "in full" (a record with no type at all has nothing decided)."""
        full = ["", *self.full]
        return (
            "(NOT coalesce(domestic, false) AND initial_type = ANY(%s) "
            "AND final_type = ANY(%s) AND category = ANY(%s) "
            "AND (initial_type <> '' OR final_type <> '' OR category <> ''))",
            [full, full, full],
        )

    def hidden_sql(self) -> tuple[str, list]:
        """True for a record that is not published at all."""
        hidden = list(self.hidden)
        return (
            "(initial_type = ANY(%s) OR final_type = ANY(%s) OR category = ANY(%s))",
            [hidden, hidden, hidden],
        )

    def record_level(self, *, initial_type="", final_type="", category="", domestic=None):
        """The same rule as point_sql/hidden_sql, for one record in Python."""
        values = [v for v in (initial_type, final_type, category) if v]
        if any(v in self.hidden for v in values):
            return Level.NONE
        if domestic or not values or any(v not in self.full for v in values):
            return Level.AREAS
        return Level.FULL


def value_key(value: str) -> str:
    """A form field name for a value (values are free text from an export)."""
    return "v" + hashlib.sha1(value.encode()).hexdigest()[:16]


@dataclass
class Entry:
    """One distinct value in the agency's data, with what the review shows about it."""

    value: str
    counts: dict = field(default_factory=lambda: dict.fromkeys(ROLES, 0))
    examples: list = field(default_factory=list)  # [(initial, final, category, n)]
    suggestion: sensitive_rules.Suggestion | None = None
    decision: CategoryDecision | None = None

    @property
    def key(self) -> str:
        return value_key(self.value)

    @property
    def total(self) -> int:
        return max(self.counts.values())

    @property
    def reviewed(self) -> bool:
        return self.decision is not None

    @property
    def level(self) -> str:
        """What the public sees now."""
        if self.decision is not None:
            return self.decision.level
        return sensitive_rules.strictest(self.suggestion.level, Level.AREAS)

    @property
    def initial_choice(self) -> str:
        """What the review form shows: the decision, or the default rule's suggestion."""
        return self.decision.level if self.decision is not None else self.suggestion.level


def inventory(agency, extra_terms=()) -> list[Entry]:
    """Every initial type, final type and category value in the agency's data (one query)."""
    # Raw SQL bypasses database routers: public pages read these from the replica.
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            f"""
            SELECT initial_type, final_type, category, count(*)
              FROM dashboard_policerecord
             WHERE agency_id = %s
             GROUP BY 1, 2, 3
             ORDER BY 4 DESC
             LIMIT {INVENTORY_LIMIT}
            """,
            [agency.pk],
        )
        combos = cursor.fetchall()
    entries: dict[str, Entry] = {}
    for combo in combos:
        n = combo[3]
        for role, value in zip(ROLES, combo[:3], strict=False):
            if not value:
                continue
            entry = entries.setdefault(value, Entry(value))
            entry.counts[role] += n
            if len(entry.examples) < 3 and combo[:3] not in [e[:3] for e in entry.examples]:
                entry.examples.append(combo)
    decisions = {d.value: d for d in agency.category_decisions.select_related("decided_by")}
    for entry in entries.values():
        entry.suggestion = sensitive_rules.suggest(entry.value, extra_terms)
        entry.decision = decisions.get(entry.value)
    # Not yet reviewed first, and among them what the rules would keep off the map.
    return sorted(
        entries.values(),
        key=lambda e: (e.reviewed, e.suggestion.level == Level.FULL, -e.total, e.value),
    )


def unreviewed_count(agency) -> int:
    """How many values in the data have no decision yet.

    Cached until the next finished import or decision (a small query finds out which).
    """
    stamp = agency.import_jobs.filter(status="succeeded").aggregate(
        n=models.Count("id"), last=models.Max("finished_at")
    )
    decided = agency.category_decisions.aggregate(
        n=models.Count("id"), last=models.Max("decided_at")
    )
    key = f"cs360:unreviewed:{agency.pk}:{sorted(stamp.items())}:{sorted(decided.items())}"
    key = "cs360:unreviewed:" + hashlib.sha1(key.encode()).hexdigest()
    count = cache.get(key)
    if count is None:
        count = _unreviewed_count(agency)
        cache.set(key, count, 60 * 60 * 24)
    return count


def _unreviewed_count(agency) -> int:
    # Raw SQL bypasses database routers: public pages read these from the replica.
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM (
                SELECT DISTINCT v FROM dashboard_policerecord
                 CROSS JOIN LATERAL (VALUES (initial_type), (final_type), (category)) AS t(v)
                 WHERE agency_id = %s AND v <> ''
            ) AS d
             WHERE NOT EXISTS (SELECT 1 FROM dashboard_categorydecision c
                                WHERE c.agency_id = %s AND c.value = d.v)
            """,
            [agency.pk, agency.pk],
        )
        return cursor.fetchone()[0]


@transaction.atomic
def decide_categories(*, agency, decided_by, levels: dict[str, str]) -> int:
    """Record an admin's decisions ({value: level}); returns how many changed.

    Each changed decision is saved on its own so its history row names the person.
    """
    allowed = set(Level.values)
    existing = {d.value: d for d in agency.category_decisions.select_for_update()}
    now = timezone.now()
    changed = 0
    for value, level in levels.items():
        if level not in allowed or not value:
            raise ValueError(f"Unknown publication level {level!r} for {value!r}.")
        decision = existing.get(value)
        if decision is not None and decision.level == level:
            continue
        if decision is None:
            decision = CategoryDecision(agency=agency, value=value[:200])
        decision.level = level
        decision.decided_by = decided_by
        decision.decided_at = now
        decision.save()
        changed += 1
    if changed:
        # The public cache key includes the publication settings' stamp.
        from dashboard.models import PublicationSettings

        # Saved one by one (there is at most one row) so history records who changed it.
        for publication in PublicationSettings.objects.filter(agency=agency):
            publication._history_user = decided_by
            publication.updated_at = now
            publication.save(update_fields=["updated_at"])
    return changed


def accept_defaults(*, agency, decided_by, extra_terms=()) -> int:
    """Decide every value not yet reviewed as the default rules suggest (tests, the demo)."""
    pending = {
        e.value: e.suggestion.level for e in inventory(agency, extra_terms) if not e.reviewed
    }
    return decide_categories(agency=agency, decided_by=decided_by, levels=pending)


# --- The public promise ----------------------------------------------------------------------


@dataclass
class Promise:
    """What the public page may truthfully say about sensitive data, from the decisions."""

    protected: list[str]  # topics present in the data, all of whose values stay off the map
    mapped_by_decision: list[tuple[str, str]]  # (topic label, value) published in full
    hidden: int  # values not published at all
    unreviewed: int  # values not yet reviewed (counted by district only)


def promise(entries: list[Entry]) -> Promise:
    present: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        for topic in sensitive_rules.matching_topics(entry.value):
            present[topic.key].append(entry)
    protected, exceptions = [], []
    for topic in sensitive_rules.TOPICS:
        mine = present.get(topic.key)
        if not mine:
            continue
        full = [e for e in mine if e.level == Level.FULL]
        if full:
            exceptions.extend((topic.label, e.value) for e in full)
        else:
            protected.append(topic.label)
    return Promise(
        protected=protected,
        mapped_by_decision=exceptions,
        hidden=sum(1 for e in entries if e.level == Level.NONE),
        unreviewed=sum(1 for e in entries if not e.reviewed),
    )
