#!/usr/bin/env bash
# End-to-end benchmark: every service and worker pool in its own JVM on embedded infrastructure,
# one staged upload (default 1,000,000 products; --images gives each its own image), each worker
# stage alone first as the baseline. Writes target/bench-e2e/e2e.png and e2e.json. Arguments go to
# the command (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
build
STACK_CP=$(classpath local-stack)
exec java ${JAVA_OPTS:-} -cp "$STACK_CP" io.catalogingest.localstack.LocalPipelineCtl bench e2e "$@"
