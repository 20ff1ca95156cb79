# The operator's command line as an image, e.g. for `topics apply` before the services start:
#   docker build -f docker/pipelinectl.Dockerfile .      (from the repository root, after `mvn package`)
ARG JRE_BASE=eclipse-temurin:17-jre
FROM ${JRE_BASE}
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home catalog
COPY ops/target/pipelinectl.jar /app/
USER catalog
ENTRYPOINT ["java", "-jar", "/app/pipelinectl.jar"]
CMD ["--help"]
