#!/usr/bin/env bash
# Installs what a fresh clone lacks: npm packages (with node-rdkafka's native build, Bun and Deno),
# kcat from Debian for independent read-back, and the Kafka jars from Maven Central; checks the
# toolchain the native client's build needs. Safe to run again.
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

# The native client (native/) is Rust over librdkafka's C sources: cargo 1.88+, a C compiler, make.
cargo_bin=$(command -v cargo || true)
[ -n "$cargo_bin" ] || [ ! -x "$HOME/.cargo/bin/cargo" ] || cargo_bin="$HOME/.cargo/bin/cargo"
if [ -z "$cargo_bin" ]; then
  echo "install: cargo is missing; install Rust 1.88+ (https://rustup.rs) to build the native client" >&2
  exit 1
fi
for tool in cc make; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install: $tool is missing (librdkafka's build needs it; apt-get install build-essential)" >&2; exit 1; }
done

for tool in java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install: $tool is missing (Java 17+ and Maven resolve and run the local broker)" >&2; exit 1; }
done
if ! ls .cache/kafka/libs/kafka_2.13-*.jar >/dev/null 2>&1; then
  echo "install: resolving Apache Kafka from Maven Central (configs/broker/pom.xml)…"
  mvn -B -q -f configs/broker/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/.cache/kafka/libs" -DincludeScope=runtime
fi
