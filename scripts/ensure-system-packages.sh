#!/usr/bin/env bash
# pretest: make sure the system packages the suites drive for real are present (INTERFACE.md §0):
# Apache (the oracle and the legacy backend), ffmpeg/ffprobe (every MP4 we write is checked by
# them), nginx (the speed reference) and Chromium (players). Installs them with apt-get when run as
# root on Debian; elsewhere names what is missing and stops.
set -euo pipefail
need=()
command -v apache2 >/dev/null 2>&1 || [ -x /usr/sbin/apache2 ] || need+=(apache2 apache2-utils)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v python3 >/dev/null 2>&1 || need+=(python3)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "pretest: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
  # Debian starts the services it installs; the tests start their own instances on loopback.
  (service apache2 stop || true; service nginx stop || true) >/dev/null 2>&1
  exit 0
fi
echo "pretest: missing system packages: ${need[*]} (install them, e.g. apt-get install -y ${need[*]})" >&2
exit 1
