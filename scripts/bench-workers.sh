#!/usr/bin/env bash
# Worker benchmarks: catalog writer against raw COPY, image worker against its latency bound.
# Each prints its baseline from the same run. Arguments go to both commands' defaults unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B install -DskipTests
out=$(mktemp)
mvn -q -B -pl local-stack dependency:build-classpath -Dmdep.outputFile="$out" -Dmdep.includeScope=runtime >/dev/null
STACK_CP="local-stack/target/classes:$(cat "$out")"; rm -f "$out"
java -cp "$STACK_CP" io.catalogingest.localstack.LocalPipelineCtl bench catalog
java -cp "$STACK_CP" io.catalogingest.localstack.LocalPipelineCtl bench images
