#!/usr/bin/env bash
# Build every Linux artefact of a release into dist/, from a clean checkout:
#   packaging/build-linux.sh
# needs: uv (for the wheel and .venv), dpkg-deb (Debian/Ubuntu), amd64.
#   dist/xinhe-VERSION-py3-none-any.whl        the wheel (pip install into any Python 3.11+)
#   dist/xinhe/                                the frozen program (PyInstaller, one folder)
#   dist/xinhe-VERSION-linux-x86_64.tar.gz     that folder, for other distributions
#   dist/xinhe_VERSION_amd64.deb               the Debian package (/opt/xinhe, /usr/bin/xinhe)
#   dist/SHA256SUMS                            the SHA-256 of each file above
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || { echo "run 'python3 dev.py test' once first to make .venv"; exit 1; }
VERSION="$($PY -c 'import xinhe; print(xinhe.__version__)')"

rm -rf dist build/pyinstaller
mkdir -p dist
echo "wheel…"
uv build --wheel --quiet --out-dir dist .
rm -rf build/lib build/bdist.* ./*.egg-info xinhe.egg-info

echo "frozen program (PyInstaller)…"
.venv/bin/pyinstaller --noconfirm --clean --log-level ERROR --distpath dist \
  --workpath build/pyinstaller packaging/xinhe.spec

echo "archive…"
tar -C dist -czf "dist/xinhe-$VERSION-linux-x86_64.tar.gz" xinhe

echo "Debian package…"
packaging/build-deb.sh dist/xinhe dist >/dev/null

(cd dist && sha256sum -- *.whl *.tar.gz *.deb >SHA256SUMS)
echo "built in dist/:"
cat dist/SHA256SUMS
