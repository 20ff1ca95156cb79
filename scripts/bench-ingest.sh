#!/usr/bin/env bash
# Ingest API benchmark: builds the project, then runs `pipelinectl bench ingest` on embedded
# infrastructure with the ingest API as its own JVM (-Xmx256m by default). Extra arguments go to
# the command (see --help), e.g. --large-upload-mib 0 to skip the 1 GiB upload.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
build
INGEST_CP=$(classpath ingest-api)
STACK_CP=$(classpath local-stack)
exec java -cp "$STACK_CP" io.catalogingest.localstack.LocalPipelineCtl bench ingest --ingest-classpath "$INGEST_CP" "$@"
