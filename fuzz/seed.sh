#!/bin/sh
# Seeds the four targets' corpora from the sample knowledge base (run from fuzz/):
# whole answers for `article`, their mermaid blocks for `diagram`, their front matter for
# `front_matter`, and the first 20 KB of each ticket export for `tickets`.
set -eu
root=..
mkdir -p corpus/article corpus/diagram corpus/front_matter corpus/tickets
for f in "$root"/content/*/*.md "$root"/content/*/*/*.md; do
    [ -f "$f" ] || continue
    name=$(echo "${f#"$root"/}" | tr '/' '_')
    cp "$f" "corpus/article/$name"
    # front matter: the lines between the first two `---`
    awk 'NR==1 && $0=="---"{on=1; next} on && $0=="---"{exit} on' "$f" >"corpus/front_matter/$name"
    # each ```mermaid block on its own
    awk -v out="corpus/diagram/$name" '/^```mermaid/{n++; on=1; next} /^```/{on=0} on{print > (out "." n)}' "$f"
done
for f in "$root"/data/tickets/*.csv; do
    head -c 20000 "$f" >"corpus/tickets/$(basename "$f")"
done
echo "seeded: $(ls corpus/article | wc -l) articles, $(ls corpus/diagram | wc -l) diagrams, \
$(ls corpus/front_matter | wc -l) front matters, $(ls corpus/tickets | wc -l) ticket exports"
