#!/usr/bin/env bash
# Installs what a fresh clone lacks: npm packages (with node-rdkafka's native build, Bun and Deno),
# kcat, libssl-dev, libcurl4-openssl-dev, openssh-server and chromium (the HTML report's browser test) from Debian; checks the
# toolchain the native client's build needs. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages first, so node-rdkafka's own librdkafka build (npm ci) finds OpenSSL too: kcat (an independent reader for the tests), and what the native client links:
# OpenSSL (TLS, SASL SCRAM/OAUTHBEARER) and libcurl (OAUTHBEARER OIDC), found through pkg-config.
debian_missing=()
command -v kcat >/dev/null 2>&1 || debian_missing+=(kcat)
command -v pkg-config >/dev/null 2>&1 || debian_missing+=(pkg-config)
pkg-config --exists openssl 2>/dev/null || debian_missing+=(libssl-dev)
pkg-config --exists libcurl 2>/dev/null || debian_missing+=(libcurl4-openssl-dev)
# OpenSSH's server (and with it the client): the many-hosts tests start sshd instances on loopback addresses.
[ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1 || debian_missing+=(openssh-server)
# Headless Chromium opens the HTML report in the browser test (test/browser/).
command -v chromium >/dev/null 2>&1 || debian_missing+=(chromium)
if ((${#debian_missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install: apt-get install ${debian_missing[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${debian_missing[@]}" >/dev/null) || { echo "install: apt-get could not install ${debian_missing[*]}" >&2; exit 1; }
  else
    echo "install: missing ${debian_missing[*]}; install them with: sudo apt-get install ${debian_missing[*]}" >&2
    exit 1
  fi
fi

# npm ci only when the lock file changed since the last install (or there is none yet).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci
fi
if [ ! -f node_modules/node-rdkafka/build/Release/node-librdkafka.node ]; then
  echo "install: node-rdkafka's native addon is missing; is it listed under allowScripts in package.json?" >&2
  exit 1
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

# The local broker (tests, make bench) runs on Java 17+; its jars are fetched by stampede itself on
# first use (configs/broker/kafka-jars.txt, checked against Maven Central's checksums), so no Maven.
command -v java >/dev/null 2>&1 || { echo "install: java is missing (the local broker the tests start needs Java 17+)" >&2; exit 1; }
# The test suites build their own Java helpers (a Kafka Streams processor, a record reader, a schema
# registry) with Maven; stampede itself never needs it.
command -v mvn >/dev/null 2>&1 || { echo "install: mvn is missing (the test suites build their Java helpers with Maven)" >&2; exit 1; }
