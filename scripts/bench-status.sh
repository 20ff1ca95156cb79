#!/usr/bin/env bash
# Status service benchmark: the fold's records/s against a raw consumer of the same topics, and
# GET latency at a fixed rate over a store of many uploads (defaults: 10,000 uploads, 500 req/s).
# Arguments go to the command (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
build
STACK_CP=$(classpath local-stack)
exec java ${JAVA_OPTS:-} -cp "$STACK_CP" io.catalogingest.localstack.LocalPipelineCtl bench status "$@"
