#!/usr/bin/env bash
# A/B comparison of two tureen binaries on the same inputs, runs alternated (A, B, A, B, …) so the
# machine's drift hits both alike; prints each run and the medians of wall time and peak RSS.
#   Benchmarks/ab.sh OLD_BINARY NEW_BINARY [ROUNDS]
# Runs, on the soup benchmark's three 1.07 GB bf16 inputs in $BENCH_DATA (made by `make bench`):
# a uniform soup, a same-dtype convert, and a convert to f32; with FORMATS=1 also the first input as
# stored .npz and contiguous .h5 (written once beside the inputs by OLD_BINARY) converted back, and a diff.
set -euo pipefail
old=$1 new=$2 rounds=${3:-5}
data=${BENCH_DATA:-/tmp/tureen-bench}
inputs=("$data"/llama-bf16-{0,1,2}.safetensors)
for input in "${inputs[@]}"; do [ -f "$input" ] || { echo "missing $input: run make bench once" >&2; exit 1; }; done
out=$(mktemp -d "$data/ab-XXXXXX")
trap 'rm -rf "$out"' EXIT
cat "${inputs[@]}" >/dev/null

# run BINARY ARGS…: prints "wall_seconds peak_rss_mb" of one run.
run() {
    local log
    log=$(mktemp)
    /usr/bin/time -f '%e %M' -o "$log" "$@" >/dev/null 2>&1
    awk '{ printf "%s %.0f\n", $1, $2 / 1024 }' "$log"
    rm -f "$log"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

compare() {
    local label=$1
    shift
    local old_walls=() new_walls=() old_rss=() new_rss=() result
    for _ in $(seq "$rounds"); do
        for side in old new; do
            rm -f "$out"/*
            local binary=$old
            [ "$side" = new ] && binary=$new
            result=$(run "$binary" "$@")
            if [ "$side" = old ]; then old_walls+=("${result% *}"); old_rss+=("${result#* }"); else new_walls+=("${result% *}"); new_rss+=("${result#* }"); fi
        done
    done
    local ow nw
    ow=$(printf '%s\n' "${old_walls[@]}" | median)
    nw=$(printf '%s\n' "${new_walls[@]}" | median)
    echo "| $label | $ow (${old_walls[*]}) | $nw (${new_walls[*]}) | $(awk -v a="$nw" -v b="$ow" 'BEGIN { printf "%.2f", a / b }') | $(printf '%s\n' "${old_rss[@]}" | median) | $(printf '%s\n' "${new_rss[@]}" | median) |"
}

echo "| command | A wall s, median (runs) | B wall s, median (runs) | B/A | A peak RSS MB | B peak RSS MB |"
echo "|---|---|---|---|---|---|"
compare "soup uniform 3 × bf16" soup uniform "${inputs[@]}" -o "$out/soup.safetensors"
compare "convert (same dtype)" convert "${inputs[0]}" "$out/copy.safetensors"
compare "convert --dtype f32" convert "${inputs[0]}" "$out/f32.safetensors" --dtype f32
if [ -n "${FORMATS:-}" ]; then
    for extension in npz h5; do
        [ -f "$data/llama-bf16-0.$extension" ] || "$old" convert "${inputs[0]}" "$data/llama-bf16-0.$extension" >/dev/null
    done
    cat "$data"/llama-bf16-0.{npz,h5} >/dev/null
    compare "convert .npz → safetensors" convert "$data/llama-bf16-0.npz" "$out/from-npz.safetensors"
    compare "convert .h5 → safetensors" convert "$data/llama-bf16-0.h5" "$out/from-h5.safetensors"
    compare "diff 3 × bf16" diff "${inputs[@]}"
fi
