# One image per service, from the repository root after `mvn package`:
#   docker build -f docker/service.Dockerfile --build-arg SERVICE=ingest-api \
#     --build-arg MAIN_CLASS=io.catalogingest.ingest.IngestApiApplication --build-arg ADMIN_PORT=9080 .
# docker/build-images.sh builds every image with the arguments that docker/compose.yaml gives.
ARG JRE_BASE=eclipse-temurin:17-jre
FROM ${JRE_BASE}
# The Maven module, the Dropwizard application class and the admin port of the service's YAML.
ARG SERVICE
ARG MAIN_CLASS
ARG ADMIN_PORT
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home catalog
# Owned by the service user, so a volume mounted there is writable: the status service keeps its
# state store there (STREAMS_STATE_DIR in ops/k8s and docker/compose.yaml).
RUN install -d -o catalog -g catalog /var/lib/catalog-status
WORKDIR /app
# Libraries first: they change less often than the service, so their layer is reused.
COPY ${SERVICE}/target/lib/ /app/lib/
COPY ${SERVICE}/target/${SERVICE}.jar /app/lib/
COPY ${SERVICE}/src/main/resources/${SERVICE}.yml /app/
COPY docker/healthcheck.sh /app/
# The JVM expands the classpath wildcard; an argument file keeps the entry point free of a shell.
RUN ln -s "${SERVICE}.yml" /app/config.yml \
 && printf -- '-cp /app/lib/*\n%s\n' "${MAIN_CLASS}" > /app/java.args \
 && test -n "${MAIN_CLASS}" -a -n "${ADMIN_PORT}"
# Listen beyond the container's loopback; every other setting is an environment variable of the YAML.
ENV BIND_HOST=0.0.0.0 ADMIN_PORT=${ADMIN_PORT}
EXPOSE ${ADMIN_PORT}
USER catalog
HEALTHCHECK --interval=2s --timeout=5s --start-period=120s --retries=3 CMD ["/app/healthcheck.sh"]
ENTRYPOINT ["java", "@/app/java.args"]
CMD ["server", "/app/config.yml"]
