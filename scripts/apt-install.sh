#!/usr/bin/env bash
# apt-get install for the scripts/install-*.sh scripts: as root or through sudo, non-interactive,
# waiting up to 5 minutes for the dpkg lock when another apt run holds it.
#   scripts/apt-install.sh <caller name> <apt-get install arguments...>
set -euo pipefail

caller="$1"
shift
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "$caller: not root and no sudo; cannot apt-get install $*" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=300 update
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y "$@"
