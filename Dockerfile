# dyson-monitor in a container: `docker build -t dyson-monitor .`, then
#   docker run -p 8080:8080 dyson-monitor                 (demo: built-in trainers, live page)
#   docker run -p 8080:8080 -e MODE=serve dyson-monitor   (monitor only, for external runs)
# Arguments after the image name are passed on to the command, e.g. `--token-file /run/secrets/token`.

# --- build: the executable jar target/dyson-monitor.jar ---------------------------------------------
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY src ./src
# The tests run in CI (.ci/run); the image only needs the jar.
RUN mvn -B -q -DskipTests package

# --- run: a JRE, a native LAPACK/BLAS and the jar ----------------------------------------------------
FROM eclipse-temurin:17-jre
# OpenBLAS provides liblapack.so.3 and libblas.so.3, which the spectrum solver loads through JNI
# (it falls back to pure Java without them).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libopenblas0-pthread \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin dyson
COPY --from=build /src/target/dyson-monitor.jar /app/dyson-monitor.jar
# The launcher sets one BLAS thread per spectrum (the monitor runs one spectrum actor per layer in
# parallel) and Shenandoah (netlib pins arrays during LAPACK calls); see bin/dyson-monitor.
COPY bin/dyson-monitor /app/bin/dyson-monitor
# The data directory (the default --data-dir ./dyson-data), owned by the user the monitor runs as, so
# that a volume mounted there is writable under a read-only root filesystem (docker-compose.cluster.yml).
RUN mkdir -p /app/dyson-data && chown dyson:dyson /app/dyson-data
# MODE: demo or serve. JAVA_OPTS: extra JVM options, e.g. -Xmx2g.
ENV MODE=demo \
    JAVA_OPTS=""
USER dyson
WORKDIR /app
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec /app/bin/dyson-monitor \"$MODE\" --bind 0.0.0.0 \"$@\"", "dyson-monitor"]
