#!/usr/bin/env bash
# Runs the whole pipeline locally on embedded infrastructure (no Docker, no installs beyond
# JDK 17 and Maven): builds the project, then starts Kafka, PostgreSQL, an S3 store, the schema
# registry, an image origin and the three services, creates a demo merchant and prints how to
# upload the sample catalog. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B install -DskipTests
exec mvn -q -B -pl local-stack exec:java -Dexec.args="dev $*"
