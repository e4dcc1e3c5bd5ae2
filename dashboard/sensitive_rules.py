"""The default rule set: which call and incident types are published only as area counts.

These rules only *suggest* a decision. Nothing is published record by record until a person
has reviewed the category (dashboard.publication); the suggestion pre-fills that review.

Each rule is a topic with regular expressions written for the abbreviations real exports
use (CHLD, JUV, DV, INTIMATE PARTNER, ORAL COP, 5150...). Every pattern is anchored at the
start of a word, so "SEX" matches "SEX OFFENSE" and "SEXUAL ASSAULT" but not "ESSEX ST";
short codes are anchored at both ends, so "OD" matches "OD / OVERDOSE" but not "ODOR".
Text is compared in upper case with runs of punctuation read as one space, so "CRM-AGNST
CHLD" and "crm agnst chld" are the same.

The list of what the rules decide for the categories of every real export in the repository
is in docs/public-dashboard.md, made by `python -m dashboard.sensitive_rules_table`.
"""

import re
from dataclasses import dataclass

FULL = "full"
AREAS = "areas"
NONE = "none"
# Stricter levels sort higher: the strictest of a record's types wins.
STRICTNESS = {FULL: 0, AREAS: 1, NONE: 2}


@dataclass(frozen=True)
class Topic:
    key: str
    label: str  # as it reads in the public page's promise, in the plural
    level: str
    patterns: tuple[str, ...]


def _word(*alternatives: str) -> str:
    """Alternatives that must start a word (a prefix: "SEX" also matches "SEXUAL")."""
    return r"(?<![A-Z0-9])(?:" + "|".join(alternatives) + ")"


def _code(*alternatives: str) -> str:
    """Short codes that must be a whole word ("DV", not "DVD"; "OD", not "ODOR")."""
    return r"(?<![A-Z0-9])(?:" + "|".join(alternatives) + r")(?![A-Z0-9])"


TOPICS: tuple[Topic, ...] = (
    Topic(
        "sexual",
        "sexual offenses",
        AREAS,
        (
            _word(r"SEX", r"RAPE", r"RAPING", r"SODOM", r"INCEST", r"MOLEST", r"FONDL"),
            _word(r"ORAL COP", r"LEWD", r"INDECEN", r"OBSCEN", r"VOYEUR", r"PEEPING"),
            _word(r"CHILD PORN", r"PORNOGRAPH", r"CSAM", r"UNLAWFUL SEX", r"STAT RAPE"),
            _code(r"CSC", r"CRIM SEX", r"PC 288", r"288A?", r"261(?: ?PC)?", r"SXL"),
        ),
    ),
    Topic(
        "domestic",
        "domestic and intimate-partner violence",
        AREAS,
        (
            _word(r"DOMESTIC", r"INTIMATE PARTNER", r"FAMILY VIOLENCE", r"DATING VIOLENCE"),
            _word(r"SPOUS", r"DOM VIOL", r"DOM BATT", r"DOM ASS", r"DOM DIST"),
            _word(r"PROTECTIVE ORDER", r"PROTECTION ORDER", r"ORDER OF PROTECTION"),
            _word(r"RESTRAINING ORDER", r"VIOL(?:ATION)? (?:OF )?(?:PROT|RESTR|TRO|EPO)"),
            _code(r"DV", r"IPV", r"DVRO", r"TRO", r"EPO", r"273 ?5", r"DOM"),
        ),
    ),
    Topic(
        "family",
        "family offenses",
        AREAS,
        (
            _word(r"FAMILY (?:OFFEN|DISTURB|DISPUTE|FIGHT|TROUBLE|ARGUMENT)"),
            _word(r"OFFEN[CS]ES? (?:AGAINST|AGNST|AGST) (?:THE )?FAMILY", r"AGAINST FAMILY"),
            _word(r"CUSTOD(?:Y|IAL) (?:DISPUTE|INTERFER|ISSUE|VIOL)", r"CHILD SUPPORT"),
            _word(r"NON ?SUPPORT", r"BIGAMY"),
        ),
    ),
    Topic(
        "children",
        "crimes against children and juveniles",
        AREAS,
        (
            _word(r"CHILD(?:REN)?(?![A-Z])", r"CHLD", r"JUV", r"JUVENILE", r"KID(?:S)?(?![A-Z])"),
            _word(r"MINOR IN POSS", r"(?:OF|TO|WITH|ON) (?:A )?MINOR"),
            _word(r"MISSING (?:JUV|CHILD|MINOR)", r"(?:POSS(?:ESSION)? )?(?:OF )?BY (?:A )?MINOR"),
            _word(r"INFANT", r"BABY", r"RUNAWAY", r"RUN ?AWAY", r"TRUAN", r"CURFEW"),
            _word(r"DELINQU", r"UNDER ?AGE", r"UNDER (?:1[0-8]|[1-9])(?![0-9])"),
            _word(r"(?:1[0-8]|[1-9]) (?:OR|AND) UNDER", r"NEGLECT"),
            _code(r"MIP", r"CPS"),
        ),
    ),
    Topic(
        "trafficking",
        "human trafficking and commercial sex",
        AREAS,
        (
            _word(r"TRAFFICKING (?:IN )?(?:PERSON|HUMAN)", r"HUMAN TRAF", r"TRAFF?ICKING PERS"),
            _word(r"INVOLUNTARY SERVITUDE", r"LABOR TRAFF", r"PIMP", r"PANDER", r"PROCUR"),
            _word(r"PROSTITU", r"COMMERCIAL(?:IZED)? SEX", r"SOLICIT(?:ING|ATION)? (?:FOR )?PROST"),
        ),
    ),
    Topic("stalking", "stalking", AREAS, (_word(r"STALK", r"CYBERSTALK"),)),
    Topic(
        "elder",
        "elder and dependent-adult abuse",
        AREAS,
        (
            _word(r"ELDER", r"DEPENDENT ADULT", r"VULNERABLE ADULT", r"ADULT PROTECTIVE"),
            _word(r"AT RISK (?:ADULT|ELDER)", r"CARETAKER", r"ABUSE OF (?:AN )?(?:ELDER|ADULT)"),
            _code(r"APS"),
        ),
    ),
    Topic(
        "medical",
        "medical and mental-health calls",
        AREAS,
        (
            _word(r"MEDICAL", r"MEDIC(?![A-Z])", r"MENTAL", r"PSYCH", r"BEHAVIORAL HEALTH"),
            _word(r"EMOTIONALLY DISTURB", r"CRISIS", r"OVERDOS", r"SICK (?:PERSON|CASE|CALL)"),
            _word(r"INJURED PERSON", r"UNCONSCIOUS", r"SEIZURE", r"CARDIAC", r"AMBULANCE"),
            _word(r"WELFARE (?:CHECK|CHK|CK)", r"CHECK (?:THE )?WEL", r"DETOX", r"POISON"),
            _word(r"INTOXICATED PERSON", r"BAKER ACT", r"INVOLUNTARY (?:COMMIT|HOLD)"),
            _code(r"EMS", r"EDP", r"OD", r"MH", r"5150", r"5585", r"10 ?96", r"MED", r"AMB"),
        ),
    ),
    Topic(
        "missing",
        "missing persons",
        AREAS,
        (_word(r"MISSING (?:PERSON|ADULT|JUV|CHILD|MINOR)", r"MISS(?:ING)? PERS"),),
    ),
    Topic(
        "suicide",
        "suicides and suicide attempts",
        AREAS,
        (_word(r"SUICID", r"SUIC(?![A-Z])", r"SELF ?HARM", r"SELF INFLICT", r"JUMPER"),),
    ),
    Topic(
        "death",
        "death investigations",
        AREAS,
        (
            _word(r"DEATH", r"DECEASED", r"DEAD (?:BODY|PERSON)", r"BODY FOUND", r"CORONER"),
            _word(r"UNATTENDED DEATH", r"FOUND (?:DEAD|BODY)", r"MEDICAL EXAMINER"),
            _code(r"DOA"),
        ),
    ),
    Topic(
        "homicide",
        "homicides",
        AREAS,
        (_word(r"HOMICIDE", r"MURDER", r"MANSLAUGHTER", r"CRIMINAL HOMICIDE"),),
    ),
)

_PUNCTUATION = re.compile(r"[^A-Z0-9]+")
_COMPILED = tuple((topic, re.compile("|".join(topic.patterns))) for topic in TOPICS)


def normalize(value: str) -> str:
    """Upper case, punctuation as one space: "crm-agnst  chld" -> "CRM AGNST CHLD"."""
    return _PUNCTUATION.sub(" ", (value or "").upper()).strip()


@dataclass(frozen=True)
class Suggestion:
    level: str
    topic: Topic | None  # None: no rule matched (or an agency's own word did)
    reason: str


def _extra_pattern(terms) -> re.Pattern | None:
    words = [normalize(t) for t in terms or () if normalize(t)]
    if not words:
        return None
    return re.compile(_word(*(re.escape(w) for w in words)))


def matching_topics(value: str) -> list[Topic]:
    text = normalize(value)
    return [topic for topic, rx in _COMPILED if rx.search(text)]


def suggest(value: str, extra_terms=()) -> Suggestion:
    """The default decision for one type or category value.

    `extra_terms` are the agency's own sensitive words (publication settings), read as
    word prefixes like the built-in rules.
    """
    topics = matching_topics(value)
    if topics:
        level = max((t.level for t in topics), key=STRICTNESS.get)
        return Suggestion(level, topics[0], f"default rule: {topics[0].label}")
    extra = _extra_pattern(extra_terms)
    if extra is not None and extra.search(normalize(value)):
        return Suggestion(AREAS, None, "the agency's sensitive words")
    return Suggestion(FULL, None, "")


def strictest(*levels: str) -> str:
    return max(levels, key=STRICTNESS.get) if levels else FULL
