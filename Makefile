# Thin wrappers over scripts/ and the tools in .venv. `make help` lists the targets.
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(VENV)/bin/pytest -p no:cacheprovider
RUFF := $(VENV)/bin/ruff
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/huanjie
export TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: help install demo run test test-sqlite test-postgres lint format migrations-check \
	messages ci

help:
	@echo "install           system packages (sudo), .venv with the dev tools, translations"
	@echo "demo              install, fill a demo city, serve on :8000 (scripts/demo.sh)"
	@echo "run               development server on 127.0.0.1:8000 (after install)"
	@echo "test              everything CI runs: lint, migrations, tests on SQLite and PostgreSQL"
	@echo "test-sqlite       pytest on SQLite only (ARGS='-x -k name' to narrow)"
	@echo "test-postgres     pytest on PostgreSQL only (TEST_DATABASE_URL=$(TEST_DATABASE_URL))"
	@echo "lint              ruff check and ruff format --check"
	@echo "format            ruff check --fix and ruff format"
	@echo "migrations-check  fail if models and migrations differ"
	@echo "messages          update locale/zh_Hans/LC_MESSAGES/django.po and compile it"
	@echo "ci                what CI runs (.ci/run)"

install:
	bash scripts/install-system-packages.sh --dev
	bash -c 'source scripts/common.sh && ensure_venv requirements-dev.txt && compile_messages'

demo:
	bash scripts/demo.sh

run:
	$(PY) manage.py migrate --noinput
	$(PY) manage.py runserver

test:
	bash scripts/test.sh

test-sqlite:
	env -u DATABASE_URL $(PYTEST) $(ARGS)

test-postgres:
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(PYTEST) $(ARGS)

lint:
	$(RUFF) check .
	$(RUFF) format --check .

format:
	$(RUFF) check --fix .
	$(RUFF) format .

migrations-check:
	$(PY) manage.py makemigrations --check --dry-run

messages:
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=var

ci:
	bash .ci/run
