#!/usr/bin/env bash
# Installs the free stand-in fonts for official notices (R-RPT-1, see NOTICES.md) and the tools the
# report tests use. Idempotent and quiet when everything is already there. Run as root on Debian 12.
set -euo pipefail

packages=(fonts-noto-cjk fonts-noto-cjk-extra fonts-arphic-ukai libharfbuzz-subset0 poppler-utils)
fandol_dir=/usr/local/share/fonts
fandol_font="$fandol_dir/FandolFang-Regular.otf"

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

updated=0
if ((${#missing[@]})); then
    echo "fonts.sh: installing ${missing[*]}"
    apt-get update -qq
    updated=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cache_needed=$((${#missing[@]} > 0))

# FandolFang (仿宋 stand-in) ships only inside texlive-lang-chinese; take the one font file, not the package.
if [[ ! -f "$fandol_font" ]]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    if ((updated == 0)); then
        apt-get update -qq || true
    fi
    if (cd "$tmp" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1); then
        dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
        found=$(find "$tmp/x" -name FandolFang-Regular.otf -print -quit)
        if [[ -n "$found" ]]; then
            install -D -m 0644 "$found" "$fandol_font"
            echo "fonts.sh: installed $fandol_font"
            cache_needed=1
        else
            echo "fonts.sh: FandolFang-Regular.otf not found in texlive-lang-chinese; body falls back to Noto Serif CJK SC"
        fi
    else
        echo "fonts.sh: could not download texlive-lang-chinese; skipping FandolFang (body falls back to Noto Serif CJK SC)"
    fi
fi

if ((cache_needed)); then
    fc-cache -f >/dev/null
fi
