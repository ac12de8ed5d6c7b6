#!/bin/sh
# Differential run: the malformed requests of the guard tests and the bad backend responses of proxy.md, sent to a
# real nginx (default proxy settings) and to Gatehouse on loopback, each in front of its own recording raw backend.
# Prints a Markdown table: the status lines each client got, whether the connection was closed, and what each
# backend received. Needs nginx (apt-get install nginx); without it the test is skipped. See src-docs/hardening.md.
set -eu
cd "$(dirname "$0")/../.."
if [ ! -x /usr/sbin/nginx ]; then
    echo "nginx is not installed (apt-get install nginx)" >&2
    exit 2
fi
mvn -B -q install -DskipTests
mvn -B -q -pl gateway-core test -Dtest=NginxDifferentialTest -Dsurefire.failIfNoSpecifiedTests=false
cat gateway-core/target/nginx-diff.md
