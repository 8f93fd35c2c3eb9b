# Two commands: `make run` (demo app on SQLite) and `make test` (whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)

.PHONY: run test setup system-deps messages lock bench faults audit clean

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000, with a worker that makes exports and report files (Ctrl+C stops both)"
	@$(BIN)/python manage.py db_worker --no-reload -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: setup
	bash scripts/test.sh

setup: system-deps $(STAMP) messages

system-deps:
	@bash scripts/system-deps.sh $(if $(filter test bench faults,$(MAKECMDGOALS)),test,run)

$(STAMP): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

messages: $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

# Refresh the lock file after changing pyproject.toml.
lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -q -o requirements.lock

# Not part of `make test` (too slow): SCALE=ci|medium|national
bench: setup
	bash scripts/bench.sh $(or $(SCALE),ci)

# Faults survived (database restart under load, refused writes, killed workers): bench/FAULTS.md
faults: setup
	bash scripts/with-postgres.sh $(BIN)/python bench/faults.py

# Known vulnerabilities in the pinned packages (needs the PyPI JSON API).
audit: setup
	OPSI_AUDIT_REQUIRED=1 bash scripts/audit.sh

clean:
	rm -rf $(VENV) staticfiles
