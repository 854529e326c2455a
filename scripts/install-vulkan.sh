#!/usr/bin/env bash
# Installs Debian's Vulkan loader (libvulkan1) for the WebGPU tests (test/devices.test.ts): Dawn, from
# the optional npm package `webgpu`, needs it; without a GPU it runs on SwiftShader's Vulkan driver,
# which Debian's chromium package ships (/usr/lib/chromium/vk_swiftshader_icd.json, see
# install-chromium.sh). Idempotent: does nothing when libvulkan.so.1 is already there.
set -euo pipefail

if ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
  echo "install-vulkan: libvulkan.so.1 present, skipping"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-vulkan: not root and no sudo; cannot apt-get install libvulkan1" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
# Another apt run may hold the dpkg lock: wait for it (up to 5 minutes).
$SUDO apt-get -o DPkg::Lock::Timeout=300 update
# Without recommends: mesa's lavapipe driver would only add a warning (Dawn rejects it).
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends libvulkan1
