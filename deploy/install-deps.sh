#!/usr/bin/env bash
# Installs what ictindex's tests and documents need on a Debian machine:
# poppler (PDF checks and signatures), Liberation fonts, Chromium (browser
# tests of the web pages), PostgreSQL (the user store's tests), and the MinIO
# server (built from source by the Go toolchain), and kustomize and
# docker-compose for the deployment files' checks. Safe to run again;
# installs only what is missing.
set -euo pipefail

need=()
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -e /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
command -v softhsm2-util >/dev/null 2>&1 || need+=(softhsm2)

if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

"$(dirname "$0")/install-minio.sh"
"$(dirname "$0")/install-deploy-tools.sh"

# axe-core (the browser tests' accessibility checks), from npm into the
# user's cache.
axe_dir="${XDG_CACHE_HOME:-$HOME/.cache}/ictindex/axe"
if [ ! -f "$axe_dir/node_modules/axe-core/axe.min.js" ]; then
  command -v npm >/dev/null 2>&1 || { echo "npm is needed for axe-core" >&2; exit 1; }
  mkdir -p "$axe_dir"
  npm install --silent --no-audit --no-fund --prefix "$axe_dir" axe-core@4.14.1 >/dev/null
fi
