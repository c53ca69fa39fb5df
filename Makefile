# Two commands matter: `make run` (set up, ingest the seeds, index, serve on 127.0.0.1:8000)
# and `make test` (the same set-up, then every test). Nothing needs installing by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup run serve test test-sqlite test-postgres test-fts5 test-postgres-engine browser debian-tools loadtest bench bench-100k bench-300k evaluate clean

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

setup: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py ingest seeds/
	$(BIN)/python manage.py rebuild_index --noinput -v0

run: setup
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production: gunicorn, static files by whitenoise (hashed names, long cache), logs on stdout.
# Needs DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS (see README, "Deploying").
serve: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/gunicorn config.wsgi --bind $${BIND:-127.0.0.1:8000} --workers $${WEB_CONCURRENCY:-2} \
		--access-logfile - --error-logfile -

# What the tests need from Debian: chromium for Playwright (Playwright's own browser download is
# not used), CJK fonts for readable screenshots, wrk for the load test, node and npm for axe-core.
# Then axe-core itself (the accessibility checker the browser tests inject), the exact version
# package-lock.json pins, from the npm registry into node_modules/.
AXE := node_modules/axe-core/axe.min.js

browser: debian-tools $(AXE)

debian-tools:
	@command -v chromium >/dev/null 2>&1 && command -v wrk >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
		&& [ -d /usr/share/fonts/opentype/noto ] || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk wrk nodejs npm >/dev/null; }

$(AXE): package.json package-lock.json | debian-tools
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# The whole suite on SQLite, then again on a real PostgreSQL server that scripts/postgres.sh
# installs and starts on 127.0.0.1, then again with the SQLite FTS5 search engine, then with the
# PostgreSQL search engine. Each pass runs the engine contract suite (tests/engines) against every
# engine; the rest uses the chosen one.
test: test-sqlite test-postgres test-fts5 test-postgres-engine

test-sqlite: setup browser
	$(BIN)/python -m pytest

test-postgres: setup browser
	url=$$(scripts/postgres.sh) && DATABASE_URL=$$url $(BIN)/python -m pytest

test-fts5: setup browser
	ARCHIVE_SEARCH_ENGINE=sqlite $(BIN)/python -m pytest

# On the primary that scripts/postgres-replicas.sh starts beside a streaming replica (it prints
# DATABASE_URL=… and DATABASE_REPLICA_URLS=…): the whole suite with no replica configured (no lag
# to trip over), then tests/replication with it: the site served by gunicorn from the replica, and
# from the primary while the replica is stopped or lags.
test-postgres-engine: setup browser
	urls=$$(scripts/postgres-replicas.sh) && eval "$$urls" && \
	ARCHIVE_SEARCH_ENGINE=postgres DATABASE_URL=$$DATABASE_URL DATABASE_REPLICA_URLS= $(BIN)/python -m pytest && \
	ARCHIVE_SEARCH_ENGINE=postgres DATABASE_URL=$$DATABASE_URL DATABASE_REPLICA_URLS=$$DATABASE_REPLICA_URLS \
		$(BIN)/python -m pytest tests/replication

# The full load test: 32 connections, 30 s per page, against gunicorn with 2 workers.
loadtest: $(INSTALLED) browser
	$(BIN)/python -m tools.loadtest --duration 30 --connections 32

# The benchmark, both search engines at 1k and 10k articles (about 35 minutes); bench-100k runs
# the SQLite FTS5 engine at 1k, 10k and 100k (about 30 minutes; Whoosh at 100k would take hours:
# `python -m bench.run --engines whoosh --sizes 100000`). Results in BENCHMARKS.md.
BENCH_INSTALLED := $(VENV)/.installed-bench
$(BENCH_INSTALLED): bench/requirements.txt $(INSTALLED)
	cd bench && ../$(BIN)/pip install --quiet -r requirements.txt
	touch $@

bench: $(BENCH_INSTALLED) browser
	$(BIN)/python -m bench.run --engines sqlite whoosh --sizes 1000 10000

bench-100k: $(BENCH_INSTALLED) browser
	$(BIN)/python -m bench.run --engines sqlite --sizes 1000 10000 --with-100k

# The archive the scale targets name: 300,000 articles, FTS5 engine (about an hour, ~15 GB in bench/.work).
bench-300k: $(BENCH_INSTALLED) browser
	$(BIN)/python -m bench.run --engines sqlite --sizes 300000

# Known-item ranking: MRR@10 and success@1/@10 per engine beside two references (about a minute).
evaluate: $(BENCH_INSTALLED)
	$(BIN)/python -m bench.evaluate

clean:
	rm -rf $(VENV) data .pytest_cache .hypothesis bench/.work node_modules
