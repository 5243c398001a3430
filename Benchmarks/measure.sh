# Sourced by the benchmark scripts: `measure LABEL COMMAND...` runs COMMAND under /usr/bin/time -v
# $REPEAT times (default 1) and prints one row: label, median wall seconds (every run's in
# brackets when repeated), peak RSS in MB (the largest). The page cache is warmed by the caller.
# The disk here is shared and its speed varies run to run: repeat, and compare rows of one run.
measure() {
    local label=$1
    shift
    local log walls=() rss=0 run
    log=$(mktemp)
    for run in $(seq "${REPEAT:-1}"); do
        if ! /usr/bin/time -v "$@" >/dev/null 2>"$log"; then
            echo "| $label | failed (exit $?) | - |"
            tail -n 30 "$log" | grep -v '^\s' >&2
            rm -f "$log"
            return 0
        fi
        walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')")
        rss=$(awk -F': ' -v previous="$rss" '/Maximum resident set size/ { value = $2 / 1024; printf "%.0f", (value > previous ? value : previous) }' "$log")
    done
    rm -f "$log"
    LAST_WALL=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ all[NR] = $1 } END { print all[int((NR + 1) / 2)] }')
    LAST_RSS=$rss
    local detail=""
    [ "${#walls[@]}" -gt 1 ] && detail=" (${walls[*]})"
    echo "| $label | $LAST_WALL$detail | $rss |"
}

# ratio A B: A/B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# llama_inputs COUNT: the LLaMA-shaped bf16 checkpoints of seeds 0 to COUNT − 1 in $data (1.07 GB
# each; Benchmarks/make_llama.py makes those missing), in the array `inputs`.
llama_inputs() {
    local seed file
    mkdir -p "$data"
    inputs=()
    for seed in $(seq 0 $(($1 - 1))); do
        file="$data/llama-bf16-$seed.safetensors"
        [ -f "$file" ] || "$PYTHON" "$(dirname "${BASH_SOURCE[0]}")/make_llama.py" "$file" --seed "$seed"
        inputs+=("$file")
    done
}
