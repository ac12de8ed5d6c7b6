#!/bin/sh
# Differential test: real lighttpd with the seed's configuration and Gatehouse with the equivalent YAML over one
# temporary tree; prints a Markdown table of status, Location and body for each host and path.
# Needs lighttpd (apt-get install lighttpd); without it the test is skipped. See src-docs/files.md.
set -eu
cd "$(dirname "$0")/../.."
if [ ! -x /usr/sbin/lighttpd ]; then
    echo "lighttpd is not installed (apt-get install lighttpd)" >&2
    exit 2
fi
mvn -B -q install -DskipTests
mvn -B -q -pl gateway-core test -Dtest=LighttpdDifferentialTest -Dsurefire.failIfNoSpecifiedTests=false
cat gateway-core/target/lighttpd-diff.md
