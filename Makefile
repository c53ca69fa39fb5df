# Two commands matter: `make run` (set up, ingest the seeds, index, serve on 127.0.0.1:8000)
# and `make test` (the same set-up, then every test). Nothing needs installing by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup run test browser clean

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

# Debian's chromium for the Playwright tests (Playwright's own browser download is not used),
# and CJK fonts so that screenshots show the text.
browser:
	@command -v chromium >/dev/null 2>&1 && [ -d /usr/share/fonts/opentype/noto ] || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

test: setup browser
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) data .pytest_cache .hypothesis
