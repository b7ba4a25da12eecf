# Jianguan: `make run` (serve the demo) and `make test` (run the suite). See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run test install messages migrate demo serve worker lint typecheck imports schema deploy-check ci clean browser

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Jianguan needs Python 3.11 or newer")'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing the venv module (Debian/Ubuntu: python3-venv)"; \
	  rm -rf $(VENV); \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && apt-get install -y -qq python3-venv "python$$($(PYTHON) -c 'import sys;print(f"{sys.version_info[0]}.{sys.version_info[1]}")')-venv" || apt-get install -y -qq python3-venv; \
	  else echo "Run: sudo apt-get install python3-venv, then make again"; exit 1; fi; \
	  $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) messages

# Compile translations with Babel (pure Python), so GNU gettext is not needed to run.
messages: $(STAMP)
	@$(BIN)/pybabel compile --statistics -d locale -D django 2>&1 | tail -1

migrate: install
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py seed_demo --if-empty

run: demo
	@$(PY) manage.py demo_logins --url http://$(HOST)/
	$(PY) manage.py runserver $(HOST)

worker: install
	TASKS_BACKEND=django_tasks_db.DatabaseBackend $(PY) manage.py db_worker

test: install
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy jianguan config tools

imports: install
	$(BIN)/lint-imports

schema: install
	$(PY) manage.py spectacular --lang zh-hans --file openapi/schema.yaml --validate --fail-on-warn

deploy-check: install
	JIANGUAN_ENV=production SECRET_KEY=ci-only-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  ALLOWED_HOSTS=jianguan.example.gov.cn $(PY) manage.py check --deploy --fail-level WARNING

browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
