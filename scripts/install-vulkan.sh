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

# Without recommends: mesa's lavapipe driver would only add a warning (Dawn rejects it).
exec "$(dirname "$0")/apt-install.sh" install-vulkan --no-install-recommends libvulkan1
