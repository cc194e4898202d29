# The two commands: `make run` (the whole pipeline locally) and `make test` (every test).
# Both install what is missing first: the Python venv, the local Kinesis endpoint and the Maven build.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MVN ?= mvn
MVN_FLAGS ?= -B -q -e
JAR := connectors/target/connect-monitor-connectors.jar
ZIP := packaging/target/connect-monitor-app.zip
# The build's inputs: not packaging/target, where the zip itself lands (make would drop that circle with a
# warning on every run).
JAVA_SOURCES := $(shell find connectors/src packaging -path packaging/target -prune -o -type f -print 2>/dev/null) pom.xml connectors/pom.xml packaging/pom.xml

CHECKOV_VENV := .venv-checkov
AUDIT_VENV := .venv-audit
# Terraform for tests/infra (fmt, and evaluating the configuration): the last MPL release, built from its
# Go module into a project-local folder. The AWS provider is not served here, so no validate/plan.
TOOLS := .tools
TERRAFORM_VERSION := 1.5.7
TERRAFORM := $(TOOLS)/bin/terraform
# InfluxDB 1.x for the InfluxDB sink's integration test: Debian's package, fetched and extracted without root.
INFLUXDB_DEB_SHA256 := fcfddf7937befd82264359feaeb2f46a79f9574656ee0981eb19dcc5a153f55c
INFLUXD := $(TOOLS)/influxdb/usr/bin/influxd

.PHONY: run test setup venv checkov terraform-cli influxdb node build lint format clean security audit-tools bench

# STORE=influxdb: the job writes to a local InfluxDB (influxd) instead of the local Timestream (moto).
STORE ?= timestream
run: setup $(if $(filter influxdb,$(STORE)),influxdb)
	@echo "==> make run: local stack + traffic generator + PyFlink job, store $(STORE) (Ctrl-C stops everything)"
	@$(PY) -m local_stack.demo --store $(STORE) $(RUN_ARGS)

# The Terraform CLI (built with Go) only for the tests: `make run` needs no Go.
test: setup terraform-cli influxdb
	@echo "==> lint (ruff)"
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@echo "==> Java: unit and integration tests (Maven)"
	@$(MVN) $(MVN_FLAGS) verify -Dmoto.server=$(CURDIR)/$(VENV)/bin/moto_server -Dinfluxd.binary=$(CURDIR)/$(INFLUXD)
	@echo "==> Python: unit and integration tests (pytest)"
	@CHECKOV=$(CURDIR)/$(CHECKOV_VENV)/bin/checkov TERRAFORM=$(CURDIR)/$(TERRAFORM) $(PY) -m pytest $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory security

# Secret scan is a hard gate; dependency audits fail on a finding, and say NOT AUDITED (loudly,
# without failing) where no advisory source can be reached from the build machine.
security: venv audit-tools
	@echo "==> security: secret scan (tracked files and git history), dependency audits"
	@$(PY) -m tests.reliability.security_checks secrets history
	@$(PY) -m tests.reliability.security_checks pypi npm maven --allow-unaudited

audit-tools: $(AUDIT_VENV)/.installed
$(AUDIT_VENV)/.installed: tests/reliability/requirements-audit.txt tests/reliability/requirements-audit.lock
	@echo "==> audit tools in their own venv ($(AUDIT_VENV)): pip-audit, detect-secrets, gitleaks"
	@test -x $(AUDIT_VENV)/bin/python || $(PYTHON) -m venv $(AUDIT_VENV)
	@$(AUDIT_VENV)/bin/python -m pip install -q --disable-pip-version-check -r tests/reliability/requirements-audit.txt -c tests/reliability/requirements-audit.lock
	@if command -v go >/dev/null; then GOBIN=$(CURDIR)/$(AUDIT_VENV)/bin go install github.com/zricethezav/gitleaks/v8@v8.30.1; fi
	@touch $@

setup: venv checkov node build

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found: install Python 3.11"; exit 1; }
	@command -v java >/dev/null || { echo "error: java not found: install a JDK 17 (apt-get install openjdk-17-jdk-headless)"; exit 1; }
	@echo "==> Python venv in $(VENV) (first time: about a minute; apache-flink is large)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt -c requirements.lock
	@touch $@

checkov: $(CHECKOV_VENV)/.installed
$(CHECKOV_VENV)/.installed: infra/requirements-checkov.txt infra/requirements-checkov.lock
	@echo "==> checkov in its own venv ($(CHECKOV_VENV)): its boto3 pin conflicts with the project's"
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	@$(CHECKOV_VENV)/bin/python -m pip install -q --disable-pip-version-check -r infra/requirements-checkov.txt -c infra/requirements-checkov.lock
	@touch $@

terraform-cli: $(TERRAFORM)
$(TERRAFORM):
	@command -v go >/dev/null || { echo "error: go not found: install Go 1.21+ (apt-get install golang-go) to build Terraform $(TERRAFORM_VERSION) for tests/infra"; exit 1; }
	@echo "==> Terraform $(TERRAFORM_VERSION) into $(TOOLS)/bin (MPL release, built from its Go module: about 2 minutes)"
	@GOBIN=$(CURDIR)/$(TOOLS)/bin go install github.com/hashicorp/terraform@v$(TERRAFORM_VERSION)

influxdb: $(INFLUXD)
$(INFLUXD):
	@command -v apt-get >/dev/null || { echo "error: apt-get not found: the InfluxDB integration test takes influxd from Debian's influxdb package"; exit 1; }
	@echo "==> influxd (Debian package influxdb) into $(TOOLS)/influxdb, no root needed"
	@rm -rf $(TOOLS)/influxdb-download && mkdir -p $(TOOLS)/influxdb-download
	@cd $(TOOLS)/influxdb-download && apt-get download influxdb
	@echo "$(INFLUXDB_DEB_SHA256)  $$(ls $(TOOLS)/influxdb-download/influxdb_*.deb)" | sha256sum -c --quiet - || { echo "error: influxdb .deb checksum mismatch (expected $(INFLUXDB_DEB_SHA256))"; exit 1; }
	@dpkg -x $(TOOLS)/influxdb-download/influxdb_*.deb $(TOOLS)/influxdb
	@rm -rf $(TOOLS)/influxdb-download
	@touch $@

node: local_stack/node_modules/.installed
local_stack/node_modules/.installed: local_stack/package.json local_stack/package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found: install Node.js 20 (apt-get install nodejs npm)"; exit 1; }
	@echo "==> kinesis-local (npm ci)"
	@cd local_stack && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build: $(ZIP)
$(ZIP) $(JAR): $(JAVA_SOURCES) $(shell find flink_app connect_model -name '*.py')
	@command -v $(MVN) >/dev/null || { echo "error: mvn not found: install Maven (apt-get install maven)"; exit 1; }
	@echo "==> Maven: connectors uber jar + Managed Flink application zip (first time: downloads ~100 MB)"
	@$(MVN) $(MVN_FLAGS) package -DskipTests
	@touch $(JAR) $(ZIP)

# Not part of `make test`: benchmarks measure, tests assert (a smoke test keeps the bench code working).
bench: setup
	@echo "==> benchmarks side by side (about 10-20 minutes on 2 cores): bench/RESULTS.md"
	@$(PY) -m bench $(BENCH_ARGS)

lint:
	@$(PY) -m ruff check . && $(PY) -m ruff format --check .

format:
	@$(PY) -m ruff format . && $(PY) -m ruff check --fix .

clean:
	@$(MVN) $(MVN_FLAGS) clean
	@rm -rf .run .pytest_cache .ruff_cache
