#!/usr/bin/env bash
# Worker benchmarks: catalog writer against raw COPY, image worker against its latency bound.
# Each prints its baseline from the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
build
STACK_CP=$(classpath local-stack)
java -cp "$STACK_CP" io.catalogingest.localstack.LocalPipelineCtl bench catalog
java -cp "$STACK_CP" io.catalogingest.localstack.LocalPipelineCtl bench images
