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
STACK_CP=$(classpath local-stack)
exec java -cp "$STACK_CP" io.catalogingest.localstack.LocalPipelineCtl bench ingest --ingest-classpath "$INGEST_CP" "$@"
