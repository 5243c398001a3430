#!/usr/bin/env bash
# Builds the libFuzzer harnesses and runs each for a set time, seeded from Fixtures/.
#   Fuzz/run.sh [SECONDS_PER_HARNESS] [HARNESS…]     (default: 30 s each, every harness)
#   RUNS=10000000 Fuzz/run.sh 0 …                     (a campaign of RUNS executions per harness instead)
#   MAX_LEN=8192 …                                    (longest input the fuzzer makes; default 65536)
# A crash, leak, timeout or out-of-memory stops that harness with exit 1 and leaves the input as
# Fuzz/findings/<harness>/crash-… ; rerun it with `.build/…/<harness> FILE`, then add it as a
# regression test. Corpora grow in Fuzz/corpus/<harness> (ignored by git).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../Fixtures"
seconds=${1:-30}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(FuzzSafetensorsHeader FuzzShardedIndex FuzzNpyHeader FuzzZipArchive FuzzPyTorchCheckpoint FuzzGGUFHeader)

seeds() {
    case $1 in
        FuzzSafetensorsHeader) find "$fixtures" -name '*.safetensors' ;;
        FuzzShardedIndex) find "$fixtures" -name '*.index.json' ;;
        FuzzNpyHeader) find "$fixtures" -name '*.npy' ;;
        FuzzZipArchive) find "$fixtures" -name '*.npz' ;;
        FuzzPyTorchCheckpoint) find "$fixtures/pytorch" -name '*.pt' -o -name '*.ckpt' -o -name '*.pth' ;;
        FuzzGGUFHeader) find "$fixtures" -name '*.gguf' ;;
    esac
}

cd "$here"
status=0
for harness in "${harnesses[@]}"; do
    swift build -c release --product "$harness" --toolset toolset.json >/dev/null
    binary=$(swift build -c release --product "$harness" --toolset toolset.json --show-bin-path)/$harness
    corpus="$here/corpus/$harness" findings="$here/findings/$harness"
    mkdir -p "$corpus" "$findings"
    seeds "$harness" | while read -r seed; do cp "$seed" "$corpus/seed-$(basename "$seed")"; done
    limit=(-max_total_time="$seconds")
    [ -n "${RUNS:-}" ] && limit=(-runs="$RUNS")
    echo "== $harness: ${limit[*]}"
    # -rss_limit_mb bounds what one input may make the parser allocate; -timeout what it may take.
    if ! "$binary" "${limit[@]}" -rss_limit_mb=1024 -timeout=10 -max_len="${MAX_LEN:-65536}" \
        -artifact_prefix="$findings/" -print_final_stats=1 "$corpus" 2>"$findings/log.txt"; then
        status=1
        echo "!! $harness found a failure: see $findings/" >&2
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$findings/log.txt" || true
done
exit $status
