# Every target builds the virtualenv it needs, so each works from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test screenshots lint mutate bench migrate lambda-zip lambda-lock fmt clean

# Debian's chromium for the console's browser tests (Playwright drives it; its own download is
# never used). Without root it cannot be installed: make test then runs, its browser tests skip
# (and fail under REQUIRE_SERVICES=1).
ENSURE_CHROMIUM := command -v chromium >/dev/null || (apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## the API in dev mode: all in memory, worker inside, demo fans, a token and a curl line
	$(BIN)/fancrm serve --dev

test: $(STAMP)  ## every test but the benchmarks
	@$(ENSURE_CHROMIUM) || echo "make test: no chromium, its browser tests skip" >&2
	$(BIN)/pytest -m "not bench"

screenshots: $(STAMP)  ## a PNG of each console page from a seeded dev server, for the README
	@$(ENSURE_CHROMIUM)
	$(BIN)/python -m tests.browser.screenshots

mutate: $(STAMP)  ## mutation testing of the pure core against its fast tests; not in make test
	$(BIN)/python -m tests.mutation.run

lint: $(STAMP)  ## style, types of the core, and the layering contract
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

migrate: $(STAMP)  ## migrate the database of DATABASE_URL to the schema of this code
	$(BIN)/fancrm db upgrade

lambda-zip: $(STAMP)  ## build/lambda.zip for the consumer Lambda (python3.12, arm64 manylinux wheels)
	$(BIN)/python infra/build_lambda_zip.py build

lambda-lock: $(STAMP)  ## re-pin infra/lambda-requirements.txt after a runtime dependency changes
	$(BIN)/python infra/build_lambda_zip.py lock

bench: $(STAMP)  ## benchmarks; figures go in the README
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	$(BIN)/pytest tests/bench -m bench -s -q

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
