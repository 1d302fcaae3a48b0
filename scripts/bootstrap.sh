#!/usr/bin/env bash
# Sets up everything the portal and the tests need, idempotently: Debian packages when missing,
# the virtual environment at .venv, and the project with its dependencies. Sourced by demo.sh and test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APT_PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils)
if [ "${WITH_BROWSER:-0}" = "1" ]; then
  APT_PACKAGES+=(chromium)
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== 安装系统软件包 / installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "== 创建虚拟环境 / creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "== 安装 Python 依赖 / installing Python dependencies"
  if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".[dev]"; } \
      > .venv/pip.log 2>&1; then
    cat .venv/pip.log
    echo "!! 依赖安装失败 / installing the dependencies failed (log above)" >&2
    exit 1
  fi
  .venv/bin/python -c "import flask, flask_admin, peewee, SpiffWorkflow, weasyprint"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# After the venv: fonts.sh builds the notices' font subsets with its fontTools.
if [ -x scripts/fonts.sh ]; then
  bash scripts/fonts.sh
fi
if [ -x scripts/vendor.sh ]; then
  bash scripts/vendor.sh
fi
