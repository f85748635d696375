#!/usr/bin/env bash
# Copies the product's mapping, category rules and prompts into the ConfigMap sources of the
# kustomize base (kustomize cannot read files outside its directory). deploy/tests checks the
# copies match the repo; run this after changing config/ or prompts/.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=deploy/k8s/base/config
mkdir -p "$dest"
cp config/mapping-naver-place.json config/category-rules.json "$dest/"
for f in prompts/*.md; do cp "$f" "$dest/"; done
echo "synced $(ls "$dest" | wc -l) files into $dest"
