# The two commands a newcomer needs: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install migrate seed serve lint format check-deploy db-stop messages test-browser test-fast test-external-db lock clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# The cache table backs the shared cache when REDIS_URL is unset (a no-op when it exists).
migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

seed: migrate
	$(PY) manage.py seed_demo --if-empty

# The background worker (police data imports) runs beside the server and stops with it; so
# does the embedded PostgreSQL (KEEP_DB=1 leaves it running for a quicker next start). The
# worker rides out database restarts itself; should it exit anyway, this loop starts it again.
WORKER = trap 'kill $$child 2>/dev/null; wait $$child; exit 0' TERM; \
	while :; do $(PY) manage.py run_worker --no-reload $(1) & child=$$!; wait $$child; \
	echo "Background worker exited ($$?); restarting it in 2 s." >&2; sleep 2; done

run: seed
	@$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	@( $(call WORKER,--interval 1) ) & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; \
			if [ -z "$$DATABASE_URL" ] && [ -z "$(KEEP_DB)" ]; then $(PY) -m cs360.db stop; fi' EXIT; \
		trap 'exit 130' INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

# Production-like: gunicorn with several workers and DEBUG off, over plain HTTP on loopback.
serve: seed
	@mkdir -p var && test -s var/secret_key || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	DJANGO_DEBUG=0 CS360_HTTPS=0 DJANGO_SECRET_KEY="$$(cat var/secret_key)" DJANGO_ALLOWED_HOSTS=$(HOST),localhost \
		$(PY) manage.py collectstatic --noinput --verbosity 0
	export DJANGO_DEBUG=0 CS360_HTTPS=0 DJANGO_SECRET_KEY="$$(cat var/secret_key)" DJANGO_ALLOWED_HOSTS=$(HOST),localhost; \
		( $(call WORKER) ) & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(VENV)/bin/gunicorn cs360.wsgi --workers $${WORKERS:-3} --bind $(HOST):$(PORT) --access-logfile -

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the Spanish catalogue from the marked strings, then compile it (the .mo is
# committed so a fresh machine needs no gettext). Translate every new entry before committing.
messages: install
	$(PY) manage.py makemessages -l es --no-location --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=var --ignore=bench
	$(PY) manage.py compilemessages -l es --ignore=.venv

check-deploy: install
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-enough-secret-value-xyz \
		DJANGO_ALLOWED_HOSTS=cs360.example.org $(PY) manage.py check --deploy --fail-level WARNING

# The whole suite: lint, migrations in step with models, deploy checks, unit and browser tests.
test: lint check-deploy
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n 2 --dist loadfile --create-db

test-fast: install
	$(PY) -m pytest -n 2 --dist loadfile -m "not browser"

test-browser: install
	$(PY) -m pytest -m browser

# Migrations and the whole suite against an external PostgreSQL (DATABASE_URL). The browser
# tests are left out: they exercise Chromium, not the database, and run in `make test`.
test-external-db: install
	@test -n "$$DATABASE_URL" || (echo "Set DATABASE_URL first." && exit 2)
	$(PY) manage.py migrate --noinput
	$(PY) -m pytest -n 2 --dist loadfile --create-db -m "not browser"

db-stop: install
	$(PY) -m cs360.db stop

lock:
	$(VENV)/bin/pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf staticfiles .ruff_cache
