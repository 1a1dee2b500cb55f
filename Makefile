# Two commands matter: `make run` and `make test`. Everything else is a step they call.
SHELL := /bin/bash
PY := .venv/bin/python
UV := var/tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk chromium poppler-utils gettext

.PHONY: install venv debs assets messages services migrate seed run test test-fast test-dates lint format bench fuzz chaos clean

install: debs venv assets messages

venv: .venv/.synced
.venv/.synced: pyproject.toml uv.lock
	@test -x $(UV) || (python3 -m venv var/tools && var/tools/bin/pip install -q uv==0.13.9)
	@$(UV) sync --locked --python python3 -q
	@touch $@

# Debian packages: installed only when one is missing (root on this machine kind; sudo elsewhere).
debs:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "install: Debian packages $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

assets: static/vendor/.done
static/vendor/.done: package.json package-lock.json
	@npm ci --silent --no-audit --no-fund >/dev/null
	@mkdir -p static/vendor
	@cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
	@cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/
	@cp node_modules/chart.js/dist/chart.umd.min.js.map static/vendor/ 2>/dev/null || true
	@touch $@

messages: venv
	@$(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules

services:
	@bin/services

migrate: install services
	@$(PY) manage.py migrate -v0

seed: migrate
	@$(PY) manage.py seed_demo

run: seed
	@bin/run

test: install services
	@$(PY) -m pytest -q -n 2 --dist loadgroup

# The whole suite once per date that has broken date code, the clock moved for Python and PostgreSQL
# alike (libfaketime, on a private cluster; bin/test-dates). Not part of `make test`: 35-80 min.
test-dates: install
	@bin/test-dates

test-fast: venv services
	@$(PY) -m pytest -q -x -m "not browser and not worker"

# mypy imports salesmgmt.settings.test (the django plugin) but needs no database or Redis.
lint: venv
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@.venv/bin/mypy

format: venv
	@.venv/bin/ruff check --fix .
	@.venv/bin/ruff format .

bench: migrate
	@$(PY) -m bench

fuzz: install services
	@bin/fuzz

# Fault scenarios on private servers it starts and stops itself (docs/operations.md); not in make test.
chaos: install
	@bin/chaos

clean:
	rm -rf .venv var/tools static/vendor node_modules
