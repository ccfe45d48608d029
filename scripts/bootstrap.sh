#!/usr/bin/env bash
# Installs what cs2market needs on Debian 12 (as root), only when something is missing.
# libpq-dev builds cs2market::postgres; postgresql-15 is the server its tests start
# (on a free loopback port, in a temporary directory; the Debian cluster is not used).
# chromium opens the CLI's HTML report in the cli_terminal test (headless, no network).
set -euo pipefail
pkgs=(cmake g++ make ninja-build ccache python3 openssl libssl-dev zlib1g-dev catch2 libboost1.81-dev libboost-json1.81-dev
      libsqlite3-dev libpq-dev postgresql-15 clang-14 libclang-rt-14-dev chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
