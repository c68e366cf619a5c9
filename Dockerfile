# The plant command line in an image: `docker run --rm plantstream:dev --help`.
# docker-compose.yml builds it and runs its commands (topics, simulate, aggregate, consume).

# --- build: the shaded jar, with the Maven wrapper, on a JDK ----------------------------------
FROM eclipse-temurin:17.0.16_8-jdk-noble AS build
WORKDIR /src

# The wrapper downloads Maven with curl or wget; install one only if the base image lacks both.
RUN if ! command -v curl >/dev/null && ! command -v wget >/dev/null; then \
      apt-get update -qq && apt-get install -y -qq --no-install-recommends curl && rm -rf /var/lib/apt/lists/*; \
    fi

# Dependency layer: the build files alone, so that editing a source file does not download the
# dependencies and plugins again. Rebuilt only when a pom.xml or the wrapper changes.
COPY mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY broker/pom.xml broker/
COPY test-support/pom.xml test-support/
COPY producer/pom.xml producer/
COPY streams/pom.xml streams/
COPY app/pom.xml app/
COPY bench/pom.xml bench/
RUN ./mvnw -B -q dependency:go-offline

# The sources, then the jar that ./plant runs (tests run in CI, not in the image build).
COPY schemas/src/ schemas/src/
COPY broker/src/ broker/src/
COPY test-support/src/ test-support/src/
COPY producer/src/ producer/src/
COPY streams/src/ streams/src/
COPY app/src/ app/src/
RUN ./mvnw -B -q -DskipTests -Dmaven.test.skip=true package -pl app -am

# --- run: the jar on a JRE, as an unprivileged user --------------------------------------------
FROM eclipse-temurin:17.0.16_8-jre-noble
RUN groupadd --system --gid 10001 plant \
    && useradd --system --uid 10001 --gid plant --home-dir /app --no-create-home --shell /usr/sbin/nologin plant \
    && mkdir -p /app/logs /app/state \
    && chown -R plant:plant /app
WORKDIR /app
COPY --from=build /src/app/target/plantstream.jar /app/plantstream.jar
# `plant` on the PATH, so that `docker compose exec aggregator plant consume ...` reads like ./plant;
# PLANT_JAVA_OPTS as for ./plant, by default a heap sized from the container's memory limit.
RUN printf '#!/bin/sh\nexec java ${PLANT_JAVA_OPTS:--XX:MaxRAMPercentage=75} -jar /app/plantstream.jar "$@"\n' \
      > /usr/local/bin/plant \
    && chmod 755 /usr/local/bin/plant

# Log file in /app/logs; Kafka Streams state in /app/state/<application-id> (aggregate's default
# ./state, relative to the working directory).
ENV PLANT_LOG_DIR=/app/logs
USER plant
EXPOSE 8080
ENTRYPOINT ["plant"]
CMD ["--help"]
