#!/usr/bin/env bash
# Installs what a fresh clone lacks: npm packages (with node-rdkafka's native build), kcat from
# Debian for independent read-back, and the Kafka jars from Maven Central. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm ci only when the lock file changed since the last install (or there is none yet).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci
fi
if [ ! -f node_modules/node-rdkafka/build/Release/node-librdkafka.node ]; then
  echo "install: node-rdkafka's native addon is missing; is it listed under allowScripts in package.json?" >&2
  exit 1
fi

if ! command -v kcat >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat >/dev/null) || { echo "install: apt-get could not install kcat" >&2; exit 1; }
  else
    echo "install: kcat is missing; install it with: sudo apt-get install kcat" >&2
    exit 1
  fi
fi

for tool in java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install: $tool is missing (Java 17+ and Maven resolve and run the local broker)" >&2; exit 1; }
done
if ! ls .cache/kafka/libs/kafka_2.13-*.jar >/dev/null 2>&1; then
  echo "install: resolving Apache Kafka from Maven Central (configs/broker/pom.xml)…"
  mvn -B -q -f configs/broker/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/.cache/kafka/libs" -DincludeScope=runtime
fi
