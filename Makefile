# Two commands matter: `make run` (set up, ingest the seeds, index, serve on 127.0.0.1:8000)
# and `make test` (the same set-up, then every test). Nothing needs installing by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements

.PHONY: setup run test clean

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

test: setup
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) data .pytest_cache .hypothesis
