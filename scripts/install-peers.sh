#!/usr/bin/env bash
# Installs the test/dev peers (FerretDB, stripe-mock) into <project>/.tools/bin.
# Usage: scripts/install-peers.sh [ferretdb] [stripe-mock]   (no argument: both)
# Idempotent: a tool is rebuilt only when its binary or its version stamp is missing or stale,
# so bumping a version below is enough to get every checkout rebuilt.
set -euo pipefail

FERRETDB_VERSION=v1.24.2
STRIPE_MOCK_VERSION=v0.197.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.tools/bin"

say() { echo "install-peers: $*" >&2; }

up_to_date() { # name version
  [[ -x "$bin/$1" && -f "$bin/.$1.version" && "$(cat "$bin/.$1.version")" == "$2" ]]
}

require_go() {
  if ! command -v go >/dev/null 2>&1; then
    say "Go (1.24 or newer) is needed to build $1; install it from your package manager,"
    say "or point the project at running peers with MONGODB_URI and STRIPE_MOCK_URL instead."
    exit 3
  fi
}

# Builds land in a scratch dir and are moved into place at the end, so a process
# still running the old binary is unaffected and an interrupted build leaves nothing half-written.
scratch=""
cleanup() { if [[ -n "$scratch" ]]; then rm -rf "$scratch"; fi; }
trap cleanup EXIT

install_stripe_mock() {
  up_to_date stripe-mock "$STRIPE_MOCK_VERSION" && return 0
  require_go stripe-mock
  say "building stripe-mock $STRIPE_MOCK_VERSION"
  GOBIN="$scratch" go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
  mv -f "$scratch/stripe-mock" "$bin/stripe-mock"
  echo "$STRIPE_MOCK_VERSION" >"$bin/.stripe-mock.version"
}

install_ferretdb() {
  up_to_date ferretdb "$FERRETDB_VERSION" && return 0
  require_go ferretdb
  say "building ferretdb $FERRETDB_VERSION (about a minute on a cold cache)"
  # `go install module@version` is refused for FerretDB (its deprecation check needs a version
  # list the module proxy does not serve), so build from the downloaded module source instead.
  local dir
  dir="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  if [[ -z "$dir" || ! -d "$dir" ]]; then
    say "could not download the FerretDB $FERRETDB_VERSION module source"
    exit 1
  fi
  cp -R "$dir" "$scratch/ferretdb-src"
  chmod -R u+w "$scratch/ferretdb-src"
  # The binary panics at start-up when this file (normally written by its release tooling) is empty.
  echo "$FERRETDB_VERSION" >"$scratch/ferretdb-src/build/version/version.txt"
  (
    cd "$scratch/ferretdb-src"
    # Newer Go toolchains reject some of its dependencies' go:linkname uses; relax that check if so.
    go build -o "$scratch/ferretdb" ./cmd/ferretdb 2>"$scratch/build.log" ||
      { say "plain build failed, retrying with -checklinkname=0"; cat "$scratch/build.log" >&2;
        go build -ldflags=-checklinkname=0 -o "$scratch/ferretdb" ./cmd/ferretdb; }
  )
  mv -f "$scratch/ferretdb" "$bin/ferretdb"
  echo "$FERRETDB_VERSION" >"$bin/.ferretdb.version"
}

tools=("$@")
if [[ ${#tools[@]} -eq 0 ]]; then tools=(ferretdb stripe-mock); fi

mkdir -p "$bin"
scratch="$(mktemp -d)"
for tool in "${tools[@]}"; do
  case "$tool" in
    ferretdb) install_ferretdb ;;
    stripe-mock) install_stripe_mock ;;
    *) say "unknown tool '$tool' (expected ferretdb or stripe-mock)"; exit 2 ;;
  esac
done
