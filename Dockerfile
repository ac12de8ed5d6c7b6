# syntax=docker/dockerfile:1
# Gatehouse container image: built from this checkout, run as a non-root user on a JRE.
#
#   docker build -t gatehouse:dev .
#   docker run --rm -p 8080:8080 gatehouse:dev
#   docker run --rm -p 80:8080 -v "$PWD/my.yaml:/etc/gatehouse/gatehouse.yaml:ro" gatehouse:dev
#
# The process listens on 8080 inside the container; publish it as 80 (docker -p 80:8080, a Kubernetes Service
# port 80 -> targetPort 8080). See src-docs/operations.md, "Containers and Kubernetes", for why not 80 inside.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The poms first, so the dependency download is a cached layer as long as they do not change.
COPY pom.xml ./
COPY gateway-core/pom.xml gateway-core/
COPY gateway-daemon/pom.xml gateway-daemon/
RUN mvn -B -q -pl gateway-core dependency:go-offline
COPY . .
# The library's sources and javadoc jars are for publishing, not for the image.
RUN mvn -B -q -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package \
 && mkdir /dist \
 && tar xzf gateway-daemon/target/gatehouse-*.tar.gz -C /dist --strip-components=1

FROM eclipse-temurin:17-jre
# A fixed numeric id, so that Kubernetes' runAsNonRoot can check it without looking up a name.
RUN groupadd --system --gid 10001 gatehouse \
 && useradd --system --uid 10001 --gid gatehouse --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin gatehouse
COPY --from=build /dist /opt/gatehouse
COPY deploy/container/gatehouse.yaml /etc/gatehouse/gatehouse.yaml
# The launcher's defaults (src-docs/daemon.md), except that the heap follows the container's memory limit rather
# than the launcher's fixed -Xmx.
ENV GATEHOUSE_JAVA_OPTS="-XX:+UseSerialGC -Xss512k -XX:MaxRAMPercentage=75 -XX:SurvivorRatio=4 -XX:-TieredCompilation -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=32m \
-XX:FreqInlineSize=100 -XX:InlineSmallCode=1000 -XX:CompileCommand=quiet -XX:CompileCommand=dontinline,sun.security.util.math.intpoly.*::* \
-XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=1000 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
EXPOSE 8080
# The launcher execs java, so java is PID 1 and receives SIGTERM (drain, exit 0) and SIGHUP (reload) itself.
ENTRYPOINT ["/opt/gatehouse/bin/gatehouse"]
CMD ["run", "/etc/gatehouse/gatehouse.yaml"]
