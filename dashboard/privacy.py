"""Privacy rules applied before anything reaches a public page or download.

Pure functions (plus the SQL forms of the same rules), so they can be tested hard and used
by dashboard.queries. The rules, from ../shared/domain (the Dallas failure, CCM, Toronto):

- A record is *sensitive* when any sensitive term appears in its initial type, its final
  type or its category (or the export flagged it as domestic). Judging only the final
  category is how Dallas published sexual-assault victims' addresses: the cases had been
  coded under other categories.
- Sensitive records are counted, but never shown as points, on a block, or in any area
  finer than a police district.
- Locations are generalized: hundred-block text, coordinates snapped to about a block.
- Counts below the agency's threshold are suppressed, and so are enough other cells that
  the suppressed ones cannot be worked out from a total shown beside them.
- Values that occur rarely are not codes but typed text (a narrative, a name typed into
  the wrong column), so public category and type values must occur at least `threshold`
  times or they are shown as "Other".
"""

import math
import re
from dataclasses import dataclass

from django.db.models import Q

DEFAULT_THRESHOLD = 5
OTHER = "Other"
UNCLASSIFIED = "Unclassified"
# About one city block: 0.002 degrees is ~220 m north-south and ~170 m east-west at 40°N.
SNAP_DEGREES = 0.002

# Characters that mean something in both Python's and PostgreSQL's regular expressions.
_REGEX_SPECIAL = re.compile(r"([\\^$.|?*+()\[\]{}])")


def _escape(term: str) -> str:
    return _REGEX_SPECIAL.sub(r"\\\1", term)


def normalize_terms(terms) -> tuple[str, ...]:
    """Clean an agency's list: trimmed, lower case, no blanks or duplicates, in order."""
    seen = []
    for term in terms or ():
        cleaned = " ".join(str(term).split()).lower()
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
    return tuple(seen)


def sensitive_pattern(terms) -> str | None:
    """One regular expression, valid in Python and PostgreSQL, matching any term at a word start.

    "sex" matches "SEX OFFENSE" and "Sexual assault" but not "Essex St"; "suicid" matches
    "Suicide attempt". Matching is case-insensitive (`re.I` / `~*`). A space inside a term
    also matches underscores, hyphens and slashes ("mental health" ~ "MENTAL-HEALTH").
    """
    terms = normalize_terms(terms)
    if not terms:
        return None
    parts = [_escape(term).replace(" ", "[ _/-]+") for term in terms]
    return "(^|[^a-z0-9])(" + "|".join(parts) + ")"


def is_sensitive(terms, *, initial_type="", final_type="", category="", domestic=None) -> bool:
    """Whether a record must stay at district level or coarser."""
    if domestic:
        return True
    pattern = sensitive_pattern(terms)
    if pattern is None:
        return False
    rx = re.compile(pattern, re.IGNORECASE)
    return any(rx.search(value or "") for value in (initial_type, final_type, category))


def sensitive_q(terms) -> Q:
    """The same rule as `is_sensitive`, as a filter on PoliceRecord (initial, final, category)."""
    q = Q(domestic=True)
    pattern = sensitive_pattern(terms)
    if pattern is not None:
        q |= (
            Q(initial_type__iregex=pattern)
            | Q(final_type__iregex=pattern)
            | Q(category__iregex=pattern)
        )
    return q


def sensitive_sql(terms) -> tuple[str, list]:
    """SQL boolean expression (with params) for a row of dashboard_policerecord."""
    pattern = sensitive_pattern(terms)
    if pattern is None:
        return "COALESCE(domestic, false)", []
    return (
        "(COALESCE(domestic, false) OR initial_type ~* %s OR final_type ~* %s OR category ~* %s)",
        [pattern, pattern, pattern],
    )


# --- Small-count suppression ----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One published count: `value` is None when it is suppressed."""

    value: int | None
    primary: bool = False  # suppressed because it is small (not to protect another cell)
    threshold: int = DEFAULT_THRESHOLD
    # Some month cells below the threshold were left out of this sum (see queries.explorer).
    incomplete: bool = False

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def display(self, threshold: int | None = None) -> str:
        if self.value is not None:
            return f"{self.value:,}+" if self.incomplete else f"{self.value:,}"
        return f"fewer than {threshold or self.threshold}" if self.primary else "suppressed"

    @property
    def text(self) -> str:
        return self.display()

    def csv(self) -> str:
        return "" if self.value is None else str(self.value)


def suppress(counts, threshold: int = DEFAULT_THRESHOLD) -> list[Cell]:
    """Suppress small counts in one group of cells whose total may be shown.

    Primary suppression hides every count from 1 to threshold - 1 (zero is shown: nobody
    can be identified in an empty cell). Complementary suppression then hides the next
    smallest counts until what is hidden adds up to at least the threshold, so the total
    minus the shown cells never reveals a small number, and one hidden cell is never alone.
    """
    counts = [int(c or 0) for c in counts]
    if threshold <= 1:
        return [Cell(c) for c in counts]
    hidden = {i for i, c in enumerate(counts) if 0 < c < threshold}
    if hidden:
        hidden_sum = sum(counts[i] for i in hidden)
        candidates = sorted(
            (i for i, c in enumerate(counts) if i not in hidden and c > 0),
            key=lambda i: (counts[i], i),
        )
        for i in candidates:
            if hidden_sum >= threshold and len(hidden) >= 2:
                break
            hidden.add(i)
            hidden_sum += counts[i]
    return [
        Cell(None, primary=0 < c < threshold, threshold=threshold)
        if i in hidden
        else Cell(c, threshold=threshold)
        for i, c in enumerate(counts)
    ]


def suppressed_total(counts, threshold: int = DEFAULT_THRESHOLD) -> Cell:
    """A total is shown only when it is itself at or above the threshold (or zero)."""
    total = sum(int(c or 0) for c in counts)
    if 0 < total < threshold:
        return Cell(None, primary=True, threshold=threshold)
    return Cell(total, threshold=threshold)


# --- Locations ------------------------------------------------------------------------------

_UNIT = re.compile(
    r"\s*(?:,|\b(?:apt|apartment|unit|ste|suite|rm|room|fl|floor|#)\b\.?|#)\s*[\w-]*\s*$",
    re.IGNORECASE,
)
_ALREADY_BLOCK = re.compile(r"^\s*\d*x+\b|\bblock\b", re.IGNORECASE)
_HOUSE_NUMBER = re.compile(r"^\s*(\d+)[a-z]?(?:-\d+)?\s+(.+)$", re.IGNORECASE)
_MASKED = re.compile(r"^\s*(\d*)x{2,}\s+(.+)$", re.IGNORECASE)


def hundred_block(address: str) -> str:
    """Generalize a street address to its hundred block.

    "1234 N Main St #5" -> "1200 block of N Main St".

    Masked forms ("12XX N MAIN") become the same text. Intersections ("Main St / 1st Ave")
    and addresses with no house number are already no finer than a block and are kept,
    without any unit or apartment number.
    """
    text = " ".join((address or "").split())
    if not text:
        return ""
    for _ in range(2):
        text = _UNIT.sub("", text).strip()
    masked = _MASKED.match(text)
    if masked:
        digits, street = masked.groups()
        return f"{int(digits or 0) * 100:d} block of {street}"
    if _ALREADY_BLOCK.search(text):
        return text
    numbered = _HOUSE_NUMBER.match(text)
    if numbered:
        number, street = numbered.groups()
        return f"{int(number) // 100 * 100:d} block of {street}"
    return text


def snap(value: float | None, step: float = SNAP_DEGREES) -> float | None:
    """Snap a coordinate to the centre of a grid square of `step` degrees (about a block)."""
    if value is None or not math.isfinite(value):
        return None
    return round((math.floor(value / step) + 0.5) * step, 6)


# --- The rules of one agency ----------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The privacy rules of one agency, read once per request from PublicationSettings."""

    threshold: int = DEFAULT_THRESHOLD
    sensitive_terms: tuple[str, ...] = ()
    published_categories: tuple[str, ...] = ()  # empty: every category
    police_data_public: bool = False
    note: str = ""
    tile_url: str = ""  # background tiles of the public map; empty: a blank map
    tile_attribution: str = ""

    @classmethod
    def from_settings(cls, settings) -> "Rules":
        if settings is None:
            from dashboard.models import default_sensitive_categories

            return cls(sensitive_terms=normalize_terms(default_sensitive_categories()))
        return cls(
            threshold=max(1, settings.suppression_threshold or DEFAULT_THRESHOLD),
            sensitive_terms=normalize_terms(settings.sensitive_categories),
            published_categories=tuple(c for c in settings.published_categories if c.strip()),
            police_data_public=settings.police_data_public,
            note=settings.data_note,
            tile_url=settings.map_tile_url,
            tile_attribution=settings.map_tile_attribution,
        )

    @property
    def map_origins(self) -> list[str]:
        """Origins the public map loads tiles from (for the content security policy)."""
        from urllib.parse import urlsplit

        if not self.tile_url:
            return []
        parts = urlsplit(self.tile_url.replace("{s}", "a"))
        return [f"{parts.scheme}://{parts.netloc}"]

    def is_sensitive(self, **fields) -> bool:
        return is_sensitive(self.sensitive_terms, **fields)

    def suppress(self, counts) -> list[Cell]:
        return suppress(counts, self.threshold)

    def category_published(self, category: str) -> bool:
        return not self.published_categories or category in self.published_categories


# --- Victim and subject attributes ------------------------------------------------------------

# Column names that hold something about a person (a victim, suspect, subject, caller or
# officer) rather than about the event. No PoliceRecord field holds any of these, so they
# can never reach a public table; the import mapping page says so next to such columns.
_PERSON_ROLE = (
    r"(?:vict(?:im)?s?|vic|susp(?:ect)?s?|subj(?:ect)?s?|offender|arrestee|complainant"
    r"|caller|reporting party|rp|witness|driver|person|officer)"
)
_ATTRIBUTES = (
    r"(?:age|sex|gender|race|descent|ethnicity|ethnic|name|dob|birth|height|weight"
    r"|address|phone)"
)
_PERSON_ATTRIBUTE = re.compile(
    r"(?:^|[^a-z])(?:"
    rf"{_PERSON_ROLE}[ _.-]*{_ATTRIBUTES}"
    r"|(?:age|sex|gender|race|descent|ethnicity)[ _.-]*(?:of[ _.-]*)?"
    + _PERSON_ROLE
    + r"|first[ _.-]*name|last[ _.-]*name|full[ _.-]*name|surname|date[ _.-]*of[ _.-]*birth|dob"
    r"|narrative|synopsis|comments?|notes?|remarks|summary|details?|statement"
    r"|phone|e-?mail|ssn|social[ _.-]*security|license[ _.-]*(?:no|number|plate)|plate"
    r"|(?:^|_)(?:age|sex|gender|race|ethnicity|descent)(?:$|_)"
    r")(?:$|[^a-z])",
    re.IGNORECASE,
)


def person_attribute_reason(column: str) -> str:
    """Why a column of an export is never published ("" when nothing suggests it).

    Victim and subject attributes (age, sex, race/descent), names, dates of birth, contact
    details and narratives describe people, not events: they have no public field.
    """
    name = " ".join(str(column or "").split())
    if not name or not _PERSON_ATTRIBUTE.search(name):
        return ""
    lowered = name.lower()
    if any(
        w in lowered
        for w in (
            "narrative",
            "synopsis",
            "comment",
            "note",
            "remark",
            "summary",
            "detail",
            "statement",
        )
    ):
        return "Written narrative: never published."
    return (
        "Describes a person (victim, subject, caller…): never stored for the public or published."
    )
