# inbox-report — the two commands a newcomer needs: `make preview` and `make test`.
SWIFT ?= swift
PORT ?=
EXAMPLE ?= site
BIN = .build/debug/inbox-report

.PHONY: preview preview-sv test build deps test-python example-data bench fuzz clean site-check browser-deps test-warehouse test-spark warehouse-demo

# Debian's libcmark-dev (CommonMark) and zlib1g-dev (gzip inputs) are the system libraries; installed with
# apt-get only when pkg-config cannot find them.
deps:
	@missing=""; \
	pkg-config --exists libcmark 2>/dev/null || missing="$$missing libcmark-dev"; \
	pkg-config --exists zlib 2>/dev/null || missing="$$missing zlib1g-dev"; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing with apt-get…"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing pkg-config >/dev/null; \
	fi
	@pkg-config --exists libcmark || { echo "libcmark-dev is still missing: install it (apt-get install libcmark-dev)"; exit 1; }
	@pkg-config --exists zlib || { echo "zlib1g-dev is still missing: install it (apt-get install zlib1g-dev)"; exit 1; }
	@command -v wrk >/dev/null || { echo "wrk (the soak test's load) is still missing: install it (apt-get install wrk)"; exit 1; }

build: deps
	$(SWIFT) build

# Build the example project in site/ and serve it with live reload on http://127.0.0.1:8000/.
# REPORT_LANGUAGE=sv (or `make preview-sv`) shows it in Swedish. (Not LANG: that is the shell's locale.)
preview: build $(EXAMPLE_EVENTS)
	$(BIN) serve $(EXAMPLE) $(if $(PORT),--port $(PORT),) $(if $(REPORT_LANGUAGE),--language $(REPORT_LANGUAGE),)

preview-sv:
	$(MAKE) preview REPORT_LANGUAGE=sv

# Python for the tests that check figures against an independent computation on generated data
# (../shared/bench/gen-events needs numpy): a virtual environment of the project's own, from PyPI.
VENV_TEST = .venv-test
$(VENV_TEST)/.ready: scripts/requirements-test.txt
	@python3 -m venv $(VENV_TEST) 2>/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-venv >/dev/null && \
		python3 -m venv $(VENV_TEST); }
	$(VENV_TEST)/bin/pip install -q -r scripts/requirements-test.txt
	@touch $@

test-python: $(VENV_TEST)/.ready

test: deps test-python $(EXAMPLE_EVENTS)
	python3 scripts/template-docs.py --check
	$(SWIFT) build --build-tests
	INBOX_REPORT_PYTHON=$(CURDIR)/$(VENV_TEST)/bin/python $(SWIFT) test --skip-build --skip SoakTests
	# The preview server's soak test runs alone in its process, so its count of open files is its own.
	INBOX_SOAK_SECONDS=$(SOAK_SECONDS) $(SWIFT) test --skip-build --filter SoakTests
	$(MAKE) test-warehouse

# The dbt project of warehouse/ (docs/aggregates.md): on 1M generated events, its tables equal the Swift
# engine's byte for byte and the site built from them is the site built from the events; and on 100k events
# rewritten as SES and SendGrid exports, its staging models read them as inbox-report's readers do. DuckDB in
# `make test` (about a minute); Spark, local, in `make test-spark` (.ci/run runs both). warehouse/run sets up
# .venv-warehouse/ from warehouse/requirements*.txt.
test-warehouse: build
	bash warehouse/equality-test.sh duckdb
	EVENTS=100000 bash warehouse/equality-test.sh duckdb ses
	EVENTS=100000 bash warehouse/equality-test.sh duckdb sendgrid

test-spark: build
	bash warehouse/equality-test.sh spark
	EVENTS=100000 bash warehouse/equality-test.sh spark ses
	EVENTS=100000 bash warehouse/equality-test.sh spark sendgrid

# Generated events through dbt on DuckDB, and the site built from the aggregate tables it wrote.
DEMO ?= /tmp/inbox-report-warehouse-demo
warehouse-demo: build
	rm -rf $(DEMO) && mkdir -p $(DEMO)/project/data
	warehouse/run --engine duckdb --help >/dev/null
	.venv-warehouse/bin/python ../shared/bench/gen-events --events 1000000 --recipients 100000 --out $(DEMO)/events
	printf 'title: Northwind (from dbt on DuckDB)\ntimezone: Europe/Stockholm\n' > $(DEMO)/project/report.yml
	cp $(DEMO)/events/campaigns.csv $(DEMO)/project/data/
	warehouse/run --engine duckdb --events $(DEMO)/events/events.csv --campaigns $(DEMO)/events/campaigns.csv \
		--report-yml $(DEMO)/project/report.yml --output $(DEMO)/project/data/aggregates
	$(BIN) build $(DEMO)/project
	@echo "Open $(DEMO)/project/public/index.html"

# Seconds of load in the soak test.
SOAK_SECONDS ?= 60

# Benchmarks (not tests): a whole build on 10 million events against polars and duckdb, and the preview
# server against python3 -m http.server. BENCH_DATA=DIR reuses generated data. The Python peers live in
# .venv-bench (scripts/requirements-bench.txt).
VENV_BENCH = .venv-bench
$(VENV_BENCH)/.ready: scripts/requirements-bench.txt
	@python3 -m venv $(VENV_BENCH)
	$(VENV_BENCH)/bin/pip install -q -r scripts/requirements-bench.txt
	@touch $@

bench: deps $(VENV_BENCH)/.ready
	BENCH_PYTHON=$(CURDIR)/$(VENV_BENCH)/bin/python scripts/bench-build.sh
	scripts/bench-server.sh
	scripts/bench-warehouse.sh

# Fuzzing (libFuzzer) of every reader, report.yml and the build cache's CompactCoder, FUZZ_SECONDS per target (default 60), seeded from the
# test fixtures and the example; a crash, a hang (10 s) or 2 GB of memory fails it and leaves the input in
# .build-fuzz/findings/. `.build-fuzz/release/inbox-report-fuzz FILE` with INBOX_FUZZ_TARGET replays one.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= config csv json gzip sendgrid ses mailgun postmark gmail-postmaster microsoft-snds compact
fuzz: deps
	$(SWIFT) build -c release --scratch-path .build-fuzz --product inbox-report-fuzz \
		-Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The example's year of newsletter events (about 50 MB, so written here, not committed; deterministic).
EXAMPLE_EVENTS = site/data/newsletter/events.csv
$(EXAMPLE_EVENTS): scripts/make-example-data.py
	python3 scripts/make-example-data.py --newsletter site

# The example as a reader's browser sees it (scripts/site-check.py): every page in headless Chromium at
# 1280 and 390 px — nothing wider than the screen outside a scrolling box, no table cut at 1280, chart text
# ≥ 12 px (≥ 10 on a phone) —, axe-core in light and dark, and the Nu HTML checker; English and Swedish.
VENV_SITE_CHECK = .venv-site-check
SITE_CHECK_OUT = .build/site-check
$(VENV_SITE_CHECK)/.ready: scripts/requirements-site-check.txt
	@python3 -m venv $(VENV_SITE_CHECK)
	$(VENV_SITE_CHECK)/bin/pip install -q -r scripts/requirements-site-check.txt
	@touch $@

# Chromium and its chromedriver, and Java for the Nu checker, from Debian when missing.
browser-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	command -v java >/dev/null 2>&1 || missing="$$missing openjdk-17-jre-headless"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing with apt-get…"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

site-check: build browser-deps $(VENV_SITE_CHECK)/.ready $(EXAMPLE_EVENTS)
	rm -rf $(SITE_CHECK_OUT)
	$(BIN) build site --output $(SITE_CHECK_OUT)/en --quiet
	$(BIN) build site --output $(SITE_CHECK_OUT)/sv --language sv --quiet
	$(VENV_SITE_CHECK)/bin/python scripts/site-check.py --axe-only-first $(SITE_CHECK_OUT)/en $(SITE_CHECK_OUT)/sv

# Regenerate all the example data (deterministic; all but the newsletter events is committed).
example-data:
	python3 scripts/make-example-data.py $(EXAMPLE)

clean:
	rm -rf .build $(EXAMPLE)/public $(EXAMPLE)/.inbox-report
