#!/usr/bin/env bash
# Partitioned soup benchmark (issue 16): the uniform soup of 3 LLaMA-shaped bf16 ingredients
# (1.08 GB each) into 8 shards, as 1 task (--partition 0/1) and as 2 tasks started at once (0/2 and
# 1/2) on this machine, each followed by `tureen index`; the plain unpartitioned soup for reference.
# A run's wall time is from the first task's start to the index's end; bytes read are each task's
# rchar at exit (Tests/interop/shims/report_io.c, preloaded). The A/B runs alternate, REPEAT times
# (default 3); medians. Needs $TUREEN (release) and gcc; inputs as Benchmarks/soup.sh makes them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/measure.sh"
data=${BENCH_DATA:-/tmp/tureen-bench}
llama_inputs 3
scratch=$(mktemp -d "$data/partition.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
gcc -shared -fPIC -O2 -o "$scratch/report_io.so" "$here/../Tests/interop/shims/report_io.c"
shard_size=${SHARD_SIZE:-140MB}
cat "${inputs[@]}" >/dev/null

# run COUNT: one run of COUNT tasks at once into a new folder; sets WALL and READ_MB (per task).
run() {
    local count=$1 out="$scratch/out" started ended task
    rm -rf "$out" "$scratch"/io-*
    started=$(date +%s.%N)
    for task in $(seq 0 $((count - 1))); do
        TUREEN_TEST_IO_REPORT="$scratch/io-$task" LD_PRELOAD="$scratch/report_io.so" \
            "$TUREEN" soup uniform "${inputs[@]}" -o "$out" --max-shard-size "$shard_size" --partition "$task/$count" 2>/dev/null &
    done
    wait
    "$TUREEN" index "$out" 2>/dev/null
    ended=$(date +%s.%N)
    WALL=$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }')
    READ_MB=$(for task in $(seq 0 $((count - 1))); do awk '/^rchar/ { printf "%.0f ", $2 / 1e6 }' "$scratch/io-$task"; done)
    SHARDS=$(ls "$out" | grep -c '^model-')
}

median() { printf '%s\n' "$@" | sort -g | awk '{ all[NR] = $1 } END { print all[int((NR + 1) / 2)] }'; }

one=() two=() plain=()
for repeat in $(seq "${REPEAT:-3}"); do
    run 1; one+=("$WALL"); one_read=$READ_MB
    run 2; two+=("$WALL"); two_read=$READ_MB
    rm -rf "$scratch/plain"
    started=$(date +%s.%N)
    "$TUREEN" soup uniform "${inputs[@]}" -o "$scratch/plain" --max-shard-size "$shard_size" 2>/dev/null
    plain+=("$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')")
done
echo "### partitioned soup: 3 × $(du -h "${inputs[0]}" | cut -f1) bf16 into $SHARDS shards ($shard_size), 1 task against 2 at once"
echo
echo "| run | wall s | MB read per task (rchar) |"
echo "|---|---|---|"
echo "| unpartitioned soup (reference) | $(median "${plain[@]}") (${plain[*]}) | - |"
echo "| 1 task (--partition 0/1) + tureen index | $(median "${one[@]}") (${one[*]}) | $one_read|"
echo "| 2 tasks at once (0/2, 1/2) + tureen index | $(median "${two[@]}") (${two[*]}) | $two_read|"
echo
echo "1 task / 2 tasks wall: $(awk -v a="$(median "${one[@]}")" -v b="$(median "${two[@]}")" 'BEGIN { printf "%.2f", a / b }')×"
