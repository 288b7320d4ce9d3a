# SwiftPACS — `make run` and `make test` set up everything they need on Debian 12.
SHELL := /bin/bash
.DEFAULT_GOAL := help

SWIFT      ?= swift
PYTHON     ?= python3
DATA       ?= ./data
# System packages: what the build links against, and the real DICOM peers the tests use.
APT_BUILD  := libsqlite3-dev libssl-dev zlib1g-dev pkg-config
APT_TEST   := dcmtk curl openssl jq
# Python packages, pinned: pydicom is also the pinned source of the data dictionary;
# prometheus_client parses /metrics in the e2e tests; pyyaml and jsonschema check answers
# against openapi/openapi.yaml; schemathesis checks the running server against it.
PIP_TEST   := pydicom==3.0.2 pynetdicom==3.0.4 pytest prometheus_client==0.26.0 pyyaml==6.0.3 jsonschema==4.26.0 schemathesis==4.32.5
# Only for make bench: the archive compared with ours (bench_archive.py starts its own Orthanc;
# on a host with systemd the Debian package also starts a service of its own), and eatmydata.
APT_BENCH  := orthanc eatmydata wrk

.PHONY: help run test bench bench-http build release deps-build deps-test deps-bench unit e2e dictionary clean

help:
	@echo "make run     install what is missing, build a release binary, start the server"
	@echo "make test    install what the tests need, build, run every suite"
	@echo "make bench   run the benchmarks (figures side by side with other tools)"
	@echo "make bench-http   only the HTTP benchmark (beside Orthanc's web server)"

deps-build:
	@bash scripts/ensure-apt.sh $(APT_BUILD)

deps-test: deps-build
	@bash scripts/ensure-apt.sh $(APT_TEST)
	@bash scripts/ensure-pip.sh $(PIP_TEST)

deps-bench: deps-test
	@bash scripts/ensure-apt.sh $(APT_BENCH)

build: deps-build
	$(SWIFT) build

release: deps-build
	$(SWIFT) build -c release --product swiftpacs

run: release
	.build/release/swiftpacs serve --data $(DATA)

test: deps-test
	@bash scripts/run-tests.sh

bench: deps-bench
	$(SWIFT) build -c release --product swiftpacs
	$(PYTHON) scripts/bench_read.py
	$(PYTHON) scripts/bench_network.py
	$(PYTHON) scripts/bench_archive.py
	$(PYTHON) scripts/bench_http.py

# The HTTP part alone (beside Orthanc's web server).
bench-http: deps-bench
	$(PYTHON) scripts/bench_http.py

dictionary:
	$(PYTHON) scripts/generate_dictionary.py

clean:
	rm -rf .build
