# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB := db/facts.db
STAMP := $(VENV)/.installed

.PHONY: run ingest serve test install install-test browser lint bench clean

run: install ingest serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $(STAMP)

install: $(STAMP)

$(VENV)/.installed-test: $(STAMP)
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed-test

install-test: $(VENV)/.installed-test browser

# Headless Chromium for the browser tests (Debian's package; Playwright's own download does not work here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will fail"; \
	  else echo "warning: /usr/bin/chromium missing and not root: install Debian's chromium"; fi; \
	fi

# Incremental: files already stored with the same sha256 are skipped, so a second `make run`
# serves within seconds. Exit code 2 (some files could not be read; the summary lists them)
# does not stop `make run`.
ingest: install
	$(BIN)/policy-facts ingest corpus/ --db $(DB) || [ $$? -eq 2 ]
	$(BIN)/policy-facts check --db $(DB) --exit-zero

serve: install
	$(BIN)/policy-facts serve --db $(DB) --host 127.0.0.1 --port 8001 --metadata datasette-metadata.yml

test: install-test
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# ruff (with a complexity limit) and mypy; settings in pyproject.toml.
lint: install-test
	$(BIN)/ruff check extractor tests bench
	$(BIN)/mypy

# Ingest figures on a synthetic corpus (made once in bench/out/); see bench/README.md.
BENCH_N ?= 1000
bench: install-test
	@if [ -f bench/extraction.py ]; then $(BIN)/python bench/extraction.py; fi
	$(BIN)/python bench/ingest_bench.py --n $(BENCH_N)

clean:
	rm -f $(DB) $(DB)-wal $(DB)-shm
