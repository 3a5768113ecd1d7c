#!/usr/bin/env bash
# Installs the dev/test peers into <project>/.tools (git-ignored):
#   secantus     SecantusDB, the embedded MongoDB-compatible server (PyPI, into the venv .tools/secantus)
#   stripe-mock  Stripe's API mock (Go module, into .tools/bin)
# Usage: scripts/install-peers.sh [secantus] [stripe-mock]   (no argument: both)
# Idempotent: a tool is reinstalled only when its version stamp is missing or stale, so bumping a
# version below is enough to get every checkout updated. Concurrent runs wait for each other.
set -euo pipefail

SECANTUS_VERSION=0.7.0b3
STRIPE_MOCK_VERSION=v0.197.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="$root/.tools"
bin="$tools_dir/bin"
venv="$tools_dir/secantus"

say() { echo "install-peers: $*" >&2; }

stamp_is() { # file version
  [[ -f "$1" && "$(cat "$1")" == "$2" ]]
}

install_stripe_mock() {
  if [[ -x "$bin/stripe-mock" ]] && stamp_is "$bin/.stripe-mock.version" "$STRIPE_MOCK_VERSION"; then return 0; fi
  if ! command -v go >/dev/null 2>&1; then
    say "Go (1.24 or newer) is needed to build stripe-mock; install it from your package manager,"
    say "or point the tests at a running stripe-mock with STRIPE_MOCK_URL."
    exit 3
  fi
  say "building stripe-mock $STRIPE_MOCK_VERSION"
  # Built into a scratch dir and moved into place, so a running stripe-mock is unaffected and an
  # interrupted build leaves nothing half-written.
  local scratch
  scratch="$(mktemp -d)"
  GOBIN="$scratch" go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
  mv -f "$scratch/stripe-mock" "$bin/stripe-mock"
  rm -rf "$scratch"
  echo "$STRIPE_MOCK_VERSION" >"$bin/.stripe-mock.version"
}

install_secantus() {
  if [[ -x "$venv/bin/secantusd-py" ]] && stamp_is "$venv/.secantus.version" "$SECANTUS_VERSION"; then return 0; fi
  if ! command -v python3 >/dev/null 2>&1 ||
    ! python3 -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
    say "Python 3.10 or newer with the venv module is needed to install SecantusDB (Debian: apt-get install python3 python3-venv),"
    say "or set MONGODB_URI to a MongoDB 6+ server instead."
    exit 3
  fi
  say "installing SecantusDB $SECANTUS_VERSION into .tools/secantus (a Python venv; about a minute the first time)"
  # A venv cannot be moved once made, so it is built in place; the stamp is written last, and a
  # venv without a current stamp is thrown away and made again.
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "SecantusDB==$SECANTUS_VERSION"
  echo "$SECANTUS_VERSION" >"$venv/.secantus.version"
}

tools=("$@")
if [[ ${#tools[@]} -eq 0 ]]; then tools=(secantus stripe-mock); fi

mkdir -p "$bin"
# npm start and npm test may both find a tool missing at once: one installs, the other waits.
exec 9>"$tools_dir/.install.lock"
flock 9
for tool in "${tools[@]}"; do
  case "$tool" in
    secantus) install_secantus ;;
    stripe-mock) install_stripe_mock ;;
    *) say "unknown tool '$tool' (expected secantus or stripe-mock)"; exit 2 ;;
  esac
done
