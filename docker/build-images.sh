#!/usr/bin/env bash
# Builds the project's images with the names, Dockerfiles and arguments of docker/compose.yaml
# (ghcr.io/catalog-ingest/<image>:<version>, the names ops/k8s runs): packages the services with Maven,
# then builds each image on a JRE base.
#   docker/build-images.sh [--base IMAGE] [--no-package]
#   --base IMAGE   the JRE image to build on (default eclipse-temurin:17-jre). Without access to an image
#                  registry, build one first with docker/build-jre-base.sh and pass catalog-ingest/jre-base:17.
#   --no-package   use the jars already in */target
set -euo pipefail
cd "$(dirname "$0")/.."
package=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --base) export JRE_BASE="$2"; shift 2 ;;
    --no-package) package=0; shift ;;
    *) sed -n '2,9p' "$0" >&2; exit 2 ;;
  esac
done
if (( package )); then
  # clean: copy-dependencies never removes a library an upgrade replaced, and the images load lib/*.
  mvn -B -q clean package -DskipTests
fi
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
"${compose[@]}" -f docker/compose.yaml build
docker image ls 'ghcr.io/catalog-ingest/*'
