#!/usr/bin/env bash
# Builds the services' JRE base image from Debian packages, for machines that cannot pull from an
# image registry (air-gapped hosts, CI here). Needs root, mmdebstrap and a reachable Debian mirror:
# the host's apt sources are used, so list bookworm-security there to get the JRE's security updates.
#   docker/build-jre-base.sh [image-name]      default: catalog-ingest/jre-base:17
# Then build the services on it: docker/build-images.sh --base catalog-ingest/jre-base:17
set -euo pipefail
image="${1:-catalog-ingest/jre-base:17}"
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image is already built"; exit 0
fi
rootfs=$(mktemp --suffix=.tar)
trap 'rm -f "$rootfs"' EXIT
# minbase plus the JRE, without docs, man pages and translations. The JRE's install script links its
# man page, so that one folder must exist.
mmdebstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
  bookworm "$rootfs"
docker import --change 'ENV LANG=C.UTF-8' "$rootfs" "$image" >/dev/null
docker image inspect --format '{{.Size}}' "$image" | awk -v i="$image" '{printf "%s: %d MB\n", i, $1/1e6}'
