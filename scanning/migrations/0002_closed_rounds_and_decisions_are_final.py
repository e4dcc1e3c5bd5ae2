"""The database itself refuses edits to a closed round and to a recorded decision.

Amendments are new Decision rows. Only the user columns (set to NULL when an account is
deleted) may still change.
"""

from django.db import migrations

ROUND_COLUMNS = [
    "team_id", "title", "description", "method", "dots_per_voter", "secret",
    "hide_results_until_close", "quorum", "closes_at", "reason_required", "status",
    "opened_at", "closed_at",
]
DECISION_COLUMNS = [
    "round_id", "amends_id", "rationale", "dissent_notes", "quorum_met", "ballots_counted",
    "results_snapshot", "decided_at",
]


def changed(columns):
    return " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)


SQL = f"""
CREATE FUNCTION scanning_refuse_closed_round_change() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'closed' AND ({changed(ROUND_COLUMNS)}) THEN
    RAISE EXCEPTION 'A closed priority round cannot be changed; record an amendment instead.'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER scanning_closed_round_is_final BEFORE UPDATE ON scanning_priorityround
  FOR EACH ROW EXECUTE FUNCTION scanning_refuse_closed_round_change();

CREATE FUNCTION scanning_refuse_decision_change() RETURNS trigger AS $$
BEGIN
  IF {changed(DECISION_COLUMNS)} THEN
    RAISE EXCEPTION 'A recorded decision cannot be changed; record an amendment instead.'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER scanning_decision_is_final BEFORE UPDATE ON scanning_decision
  FOR EACH ROW EXECUTE FUNCTION scanning_refuse_decision_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS scanning_closed_round_is_final ON scanning_priorityround;
DROP FUNCTION IF EXISTS scanning_refuse_closed_round_change();
DROP TRIGGER IF EXISTS scanning_decision_is_final ON scanning_decision;
DROP FUNCTION IF EXISTS scanning_refuse_decision_change();
"""


class Migration(migrations.Migration):
    dependencies = [("scanning", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
