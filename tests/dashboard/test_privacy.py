"""The privacy rules applied before publication (dashboard.privacy)."""

import pytest

from dashboard import privacy
from dashboard.models import PoliceRecord, default_sensitive_categories
from dashboard.privacy import Cell, hundred_block, is_sensitive, snap, suppress, suppressed_total

TERMS = default_sensitive_categories()


# --- Sensitive records: judged on initial type, final type and category --------------------


@pytest.mark.parametrize(
    ("initial_type", "final_type", "category"),
    [
        ("SEX OFFENSE", "", ""),
        ("", "Criminal sexual assault", ""),
        ("", "", "Domestic violence"),
        ("DISTURBANCE", "THEFT", "OFFENSES INVOLVING CHILDREN"),
        ("Mental health crisis", "ASSIST CITIZEN", "Other"),
        ("SUICIDE ATTEMPT", "", ""),
        ("", "JUVENILE RUNAWAY", ""),
        ("OVERDOSE", "", ""),
        ("", "", "MENTAL-HEALTH"),
    ],
)
def test_sensitive_when_any_of_the_three_fields_says_so(initial_type, final_type, category):
    assert is_sensitive(TERMS, initial_type=initial_type, final_type=final_type, category=category)


def test_dallas_case_reclassified_call_is_still_sensitive():
    """Coded as "Assault" at the end, but the call came in as a sexual assault."""
    assert is_sensitive(
        TERMS, initial_type="SEXUAL ASSLT IN PROGRESS", final_type="ASSAULT", category="Assault"
    )


@pytest.mark.parametrize(
    "value", ["THEFT", "Burglary - Residence", "Essex St disturbance", "Traffic accident"]
)
def test_ordinary_records_are_not_sensitive(value):
    assert not is_sensitive(TERMS, initial_type=value, final_type=value, category=value)


def test_domestic_flag_from_the_export_is_sensitive_whatever_the_type():
    assert is_sensitive(TERMS, initial_type="BATTERY", final_type="BATTERY", domestic=True)
    assert not is_sensitive(TERMS, initial_type="BATTERY", final_type="BATTERY", domestic=False)


def test_agency_edits_the_list():
    assert not is_sensitive(["dv"], initial_type="THEFT")
    assert is_sensitive(["dv"], initial_type="DV - VERBAL")
    assert is_sensitive(["welfare check"], final_type="WELFARE_CHECK")
    assert not is_sensitive([], initial_type="RAPE")


def test_terms_with_regex_characters_are_taken_literally():
    assert is_sensitive(["c.s.c. (1st)"], initial_type="C.S.C. (1ST) DEGREE")
    assert not is_sensitive(["c.s.c."], initial_type="CXSXCX")


@pytest.mark.django_db
def test_sql_rule_agrees_with_the_python_rule(riverton):
    rows = [
        ("1", "SEX OFFENSE", "", "", None),
        ("2", "THEFT", "ASSAULT", "Assault", None),
        ("3", "THEFT", "THEFT", "Larceny", None),
        ("4", "", "", "Mental health", None),
        ("5", "BATTERY", "BATTERY", "Battery", True),
        ("6", "Essex St disturbance", "", "", None),
        ("7", "INDECENT EXPOSURE", "WELFARE_CHECK", "", False),
    ]
    for record_id, initial, final, category, domestic in rows:
        PoliceRecord.objects.create(
            agency=riverton,
            source="incidents",
            record_id=record_id,
            initial_type=initial,
            final_type=final,
            category=category,
            domestic=domestic,
        )
    in_sql = set(
        riverton.police_records.filter(privacy.sensitive_q(TERMS)).values_list(
            "record_id", flat=True
        )
    )
    in_python = {
        r[0]
        for r in rows
        if is_sensitive(TERMS, initial_type=r[1], final_type=r[2], category=r[3], domestic=r[4])
    }
    assert in_sql == in_python == {"1", "4", "5", "7"}


# --- Small-count suppression -----------------------------------------------------------------


def values(cells):
    return [c.value for c in cells]


def test_counts_at_or_above_the_threshold_are_shown():
    assert values(suppress([5, 12, 0, 40], 5)) == [5, 12, 0, 40]


def test_a_small_count_is_hidden_with_a_complementary_cell():
    cells = suppress([3, 50, 20, 9], 5)
    # 3 is hidden; hiding it alone would let the total minus the others reveal it, so the
    # next smallest (9) is hidden too.
    assert values(cells) == [None, 50, 20, None]
    assert cells[0].primary and not cells[3].primary


def test_hidden_cells_add_up_to_at_least_the_threshold():
    cells = suppress([1, 1, 30, 6, 8], 5)
    hidden = [c for c, cell in zip([1, 1, 30, 6, 8], cells, strict=True) if cell.suppressed]
    assert sum(hidden) >= 5 and len(hidden) >= 2
    assert values(cells)[2] == 30


def test_total_never_reveals_a_suppressed_cell():
    counts = [2, 17, 3, 44, 0, 1]
    cells = suppress(counts, 5)
    shown = sum(c.value for c in cells if not c.suppressed)
    worked_out = sum(counts) - shown
    hidden = [n for n, c in zip(counts, cells, strict=True) if c.suppressed]
    assert worked_out == sum(hidden) and worked_out >= 5 and len(hidden) >= 2


def test_one_small_and_one_large_cell_hides_both():
    assert values(suppress([3, 50], 5)) == [None, None]


def test_zeros_are_never_used_as_complementary_cells():
    assert values(suppress([0, 2, 0], 5)) == [0, None, 0]


def test_threshold_one_suppresses_nothing():
    assert values(suppress([1, 2], 1)) == [1, 2]


def test_small_total_is_suppressed():
    assert suppressed_total([1, 2], 5).suppressed
    assert suppressed_total([0, 0], 5).value == 0
    assert suppressed_total([3, 4], 5).value == 7


def test_cell_display_and_csv():
    assert Cell(1234).display(5) == "1,234"
    assert Cell(None, primary=True).display(5) == "fewer than 5"
    assert Cell(None).display(5) == "suppressed"
    assert Cell(None).csv() == "" and Cell(7).csv() == "7"


# --- Locations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("1234 N Main St", "1200 block of N Main St"),
        ("1234 N Main St Apt 5", "1200 block of N Main St"),
        ("1234 N Main St #5", "1200 block of N Main St"),
        ("87 Elm Ave", "0 block of Elm Ave"),
        ("12XX N MAIN ST", "1200 block of N MAIN ST"),
        ("0XX W GREEN ST", "0 block of W GREEN ST"),
        ("1200 block of N Main St", "1200 block of N Main St"),
        ("MAIN ST / 1ST AVE", "MAIN ST / 1ST AVE"),
        ("", ""),
    ],
)
def test_addresses_become_hundred_blocks(address, expected):
    assert hundred_block(address) == expected


def test_snapping_moves_points_to_a_block_grid():
    a, b = snap(41.88123), snap(41.88187)
    assert a == b  # two houses on the same block land on one point
    assert abs(snap(41.88123) - 41.88123) <= privacy.SNAP_DEGREES
    assert snap(None) is None and snap(float("nan")) is None


def test_rules_from_settings_normalize_terms(riverton):
    from dashboard.models import PublicationSettings

    settings = PublicationSettings(
        agency=riverton,
        suppression_threshold=10,
        sensitive_categories=[" Sex ", "sex", "", "Mental  Health"],
        published_categories=["THEFT", " "],
    )
    rules = privacy.Rules.from_settings(settings)
    assert rules.threshold == 10
    assert rules.sensitive_terms == ("sex", "mental health")
    assert rules.category_published("THEFT") and not rules.category_published("BURGLARY")
    assert privacy.Rules.from_settings(None).threshold == 5


def test_boundary_rings_are_stored_clockwise_whichever_way_the_file_wound_them():
    from dashboard.geometry import _signed_area, orient

    ccw = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]  # RFC 7946: exterior counter-clockwise
    cw = list(reversed(ccw))
    hole_cw = [[0.2, 0.2], [0.2, 0.4], [0.4, 0.4], [0.4, 0.2], [0.2, 0.2]]
    for rings in ([ccw, hole_cw], [cw, list(reversed(hole_cw))]):
        polygon = orient({"type": "Polygon", "coordinates": rings})["coordinates"]
        assert _signed_area(polygon[0]) < 0  # exterior clockwise (d3-geo's interior)
        assert _signed_area(polygon[1]) > 0  # hole counter-clockwise
    multi = orient({"type": "MultiPolygon", "coordinates": [[ccw], [cw]]})["coordinates"]
    assert multi[0] == multi[1]
