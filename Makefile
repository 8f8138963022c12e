# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= neofloor.db
PYTEST_ARGS ?=

.PHONY: run test check lint bench bench-scale snapshot-update demo-example i18n clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "neofloor needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# The example's history moved by whole working days, so that it ends today (neofloor/demo/refresh.py).
$(DB): | $(STAMP)
	$(BIN)/neofloor demo --from-example neofloor.db.example --out $(DB)

## run: open the app on the demo plant (neofloor.db: neofloor.db.example, its history ending today)
run: $(STAMP) $(DB)
	$(BIN)/neofloor --db $(DB)

## test: lint, then the whole suite
test: $(STAMP)
	$(BIN)/ruff check neofloor tests bench
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## check: lint, type-check, and the architecture's import contracts
check: $(STAMP)
	$(BIN)/ruff check neofloor tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

## bench: the speed and memory benchmark on 1-, 3- and 10-year plants (writes bench/results.json)
bench: $(STAMP)
	$(BIN)/python bench/run.py

## bench-scale: a big plant on PostgreSQL (2 years at 400,000 cars a year) and 30 terminals scanning at once,
## and 10 on SQLite (needs NEOFLOOR_BENCH_POSTGRES_URL; writes bench/scale_results.json)
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py

## snapshot-update: accept the current screens as the new snapshots (review the report first)
snapshot-update: $(STAMP)
	$(BIN)/python -m pytest tests/tui --snapshot-update

## demo-example: regenerate neofloor.db.example from its fixed seed
demo-example: $(STAMP)
	$(BIN)/neofloor demo --out neofloor.db.example --seed 2023 --force

## i18n: extract the messages from the code, update the French catalog, compile it (commit all three)
LOCALE := neofloor/locale
i18n: $(STAMP)
	$(BIN)/pybabel --quiet extract --no-location --sort-output --project neofloor --copyright-holder neofloor \
		-o $(LOCALE)/neofloor.pot neofloor
	$(BIN)/pybabel --quiet update --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date -i $(LOCALE)/neofloor.pot -d $(LOCALE) -D neofloor -l fr
	$(BIN)/pybabel compile --statistics -d $(LOCALE) -D neofloor -l fr

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
