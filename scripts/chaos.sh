#!/usr/bin/env bash
# Chaos run: the pipeline one JVM per service and pool on embedded infrastructure, reaching every
# dependency through a relay; during an upload of 200,000 products (every tenth with an image) and
# a partial re-send, service processes are SIGKILLed and restarted and PostgreSQL, the object
# store, the schema registry and the broker cut, for 5 minutes by default. Then it checks the final
# state exactly, prints each check and `N passed, M failed`, and exits 1 if any failed.
# Arguments go to the command (see --help), e.g. --seed 42 to repeat a fault schedule.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
build
STACK_CP=$(classpath local-stack)
exec java ${JAVA_OPTS:-} -cp "$STACK_CP" io.catalogingest.localstack.LocalPipelineCtl chaos "$@"
