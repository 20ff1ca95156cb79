#!/bin/bash
# Healthy when the service's admin port answers 200 on /healthcheck (every Dropwizard health check
# passes). Bash's /dev/tcp, so the image needs no HTTP client.
exec 3<>"/dev/tcp/127.0.0.1/${ADMIN_PORT}" || exit 1
printf 'GET /healthcheck HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
read -r _ status _ <&3
[[ "$status" == 200 ]]
