# CyberWatch — the two commands in README.md: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test test-fast lint format messages seed clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_content
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP) lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the browser and the slow tests, on every core (pytest-xdist): about a minute
# and a half with the linters on two cores, for the edit-test loop.
test-fast: $(STAMP) lint
	$(BIN)/python -m pytest -n auto -m "not browser and not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Needs GNU gettext; the compiled .mo files are committed so running the site does not.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages --no-location --no-obsolete -l fr -l es -l ar
	$(BIN)/python manage.py compilemessages --ignore=.venv

seed: $(STAMP)
	$(BIN)/python manage.py seed_content

clean:
	rm -rf $(VENV) .pytest_cache
