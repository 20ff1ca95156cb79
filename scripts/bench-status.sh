#!/usr/bin/env bash
# Status service benchmark: the fold's records/s against a raw consumer of the same topics, and
# GET latency at a fixed rate over a store of many uploads (defaults: 10,000 uploads, 500 req/s).
# Arguments go to the command (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B install -DskipTests
out=$(mktemp)
mvn -q -B -pl local-stack dependency:build-classpath -Dmdep.outputFile="$out" -Dmdep.includeScope=runtime >/dev/null
STACK_CP="local-stack/target/classes:$(cat "$out")"; rm -f "$out"
exec java -cp "$STACK_CP" io.catalogingest.localstack.LocalPipelineCtl bench status "$@"
