# Sourced by the benchmark scripts: `measure LABEL COMMAND...` runs COMMAND under /usr/bin/time -v
# and prints one row: label, wall seconds, peak RSS in MB. The page cache is warmed by the caller.
measure() {
    local label=$1
    shift
    local log
    log=$(mktemp)
    if ! /usr/bin/time -v "$@" >/dev/null 2>"$log"; then
        echo "| $label | failed (exit $?) | - |"
        tail -n 30 "$log" | grep -v '^\s' >&2
        rm -f "$log"
        return 0
    fi
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log")
    rm -f "$log"
    LAST_WALL=$wall
    LAST_RSS=$rss
    echo "| $label | $wall | $rss |"
}

# ratio A B: A/B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
