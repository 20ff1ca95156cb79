#!/usr/bin/env bash
# Ingest API benchmark: builds the project, then runs `pipelinectl bench ingest` on embedded
# infrastructure with the ingest API as its own JVM (-Xmx256m by default). Extra arguments go to
# the command (see --help), e.g. --large-upload-mib 0 to skip the 1 GiB upload.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B install -DskipTests
classpath() {
  local out; out=$(mktemp)
  mvn -q -B -pl "$1" dependency:build-classpath -Dmdep.outputFile="$out" -Dmdep.includeScope=runtime >/dev/null
  echo "$1/target/classes:$(cat "$out")"; rm -f "$out"
}
INGEST_CP=$(classpath ingest-api)
OPS_CP=$(classpath ops)
exec java -cp "$OPS_CP" io.catalogingest.ops.PipelineCtl bench ingest --ingest-classpath "$INGEST_CP" "$@"
