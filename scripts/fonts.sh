#!/usr/bin/env bash
# Installs the free stand-in fonts for official notices (R-RPT-1, see NOTICES.md) and the tools the
# report tests use. Idempotent and quiet when everything is already there. Run as root on Debian 12.
set -euo pipefail

packages=(fonts-noto-cjk fonts-noto-cjk-extra fonts-arphic-ukai libharfbuzz-subset0 poppler-utils)
fandol_dir=/usr/local/share/fonts
# FandolFang stands in for 仿宋 (body); FandolSong for 宋体 (page numbers), much smaller than a Noto TTC.
fandol_fonts=(FandolFang-Regular.otf FandolSong-Regular.otf)

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

# The Fandol fonts ship only inside texlive-lang-chinese; take the font files, not the package.
fandol_missing=()
for font in "${fandol_fonts[@]}"; do
    [[ -f "$fandol_dir/$font" ]] || fandol_missing+=("$font")
done
if ((${#fandol_missing[@]})); then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    if ((updated == 0)); then
        apt-get update -qq || true
    fi
    if (cd "$tmp" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1); then
        dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
        for font in "${fandol_missing[@]}"; do
            found=$(find "$tmp/x" -name "$font" -print -quit)
            if [[ -n "$found" ]]; then
                install -D -m 0644 "$found" "$fandol_dir/$font"
                echo "fonts.sh: installed $fandol_dir/$font"
                cache_needed=1
            else
                echo "fonts.sh: $font not found in texlive-lang-chinese; Noto Serif CJK SC stands in"
            fi
        done
    else
        echo "fonts.sh: could not download texlive-lang-chinese; skipping Fandol fonts (Noto Serif CJK SC stands in)"
    fi
fi

# GB 2312 subsets of the Noto SC faces the notices use (scripts/cjk_subsets.py): the same glyphs from a 4–5 MB
# font instead of a 20–27 MB collection, which WeasyPrint copies and subsets for every PDF. Built with fontTools
# (a WeasyPrint dependency, so the project's .venv has it); without them the notices use the full faces.
bureau_dir=/usr/local/share/fonts/bureau
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fonttools_python=""
for candidate in "${FONTTOOLS_PYTHON:-}" "$here/../.venv/bin/python" python3; do
    if [[ -n "$candidate" ]] && "$candidate" -c "import fontTools.ttLib.reorderGlyphs" >/dev/null 2>&1; then
        fonttools_python=$candidate
        break
    fi
done
if [[ -n "$fonttools_python" ]]; then
    built=$("$fonttools_python" "$here/cjk_subsets.py" "$bureau_dir")
    if [[ -n "$built" ]]; then
        echo "$built"
        cache_needed=1
    fi
else
    echo "fonts.sh: no Python with fontTools >= 4.53 yet; GB 2312 font subsets not built (notices use the full Noto faces)"
fi

if ((cache_needed)); then
    fc-cache -f >/dev/null
fi
