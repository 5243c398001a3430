#!/usr/bin/env bash
# Soup benchmark: a uniform soup of 3 LLaMA-shaped bf16 ingredients (hidden 2048, 8 layers, vocab
# 32000: 533 M parameters, 1.07 GB each) by Tureen, against the Python peer and the `cat` floor
# (reading the inputs from page cache), then both again inside a 256 MB memory cgroup. A second
# floor is writing as many bytes as the soup's output to the disk (O_DIRECT, then fsync, as Tureen
# writes): the soup cannot finish sooner than its output reaches the disk.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/measure.sh"
data=${BENCH_DATA:-/tmp/tureen-bench}
mkdir -p "$data/out"
llama_inputs 3
out="$data/out"
cat "${inputs[@]}" >/dev/null
# One unrecorded run: the first run after a build or a long idle pays for memory the host reclaimed.
"$TUREEN" soup uniform --force "${inputs[@]}" -o "$out/tureen.safetensors" >/dev/null 2>&1
output_mb=$(( $(stat -c %s "$out/tureen.safetensors") / 1048576 ))

echo "### soup: uniform soup of 3 × $(du -h "${inputs[0]}" | cut -f1) bf16 ingredients"
echo
echo "| command | wall s | peak RSS MB |"
echo "|---|---|---|"
measure "cat inputs > /dev/null (floor)" cat "${inputs[@]}"; cat_wall=$LAST_WALL
measure "dd ${output_mb} MB to disk, O_DIRECT + fsync (write floor)" dd if=/dev/zero of="$out/floor" bs=1M count="$output_mb" oflag=direct conv=fsync; dd_wall=$LAST_WALL
rm -f "$out"/*; measure "tureen soup uniform" "$TUREEN" soup uniform --force "${inputs[@]}" -o "$out/tureen.safetensors"; t_wall=$LAST_WALL; t_rss=$LAST_RSS
measure "python peer (safe_open, float32 accumulate, save_file)" "$PYTHON" "$here/soup_peer.py" "$out/peer.safetensors" "${inputs[@]}"; p_wall=$LAST_WALL; p_rss=$LAST_RSS
echo
echo "python/tureen wall: $(ratio "$p_wall" "$t_wall")×; tureen/cat floor: $(ratio "$t_wall" "$cat_wall")×; tureen/write floor: $(ratio "$t_wall" "$dd_wall")×; python/tureen peak RSS: $(ratio "$p_rss" "$t_rss")×"
echo

group=/sys/fs/cgroup/memory/tureen-bench-$$
if mkdir "$group" 2>/dev/null; then
    echo $((256 * 1024 * 1024)) >"$group/memory.limit_in_bytes"
    limited() { "$here/in_memory_cgroup.sh" "$group" "$@"; }
    # Evict the inputs from the page cache so the limited runs pay for reading them.
    evict() { "$PYTHON" -c 'import os, sys; [os.posix_fadvise(os.open(p, os.O_RDONLY), 0, 0, os.POSIX_FADV_DONTNEED) for p in sys.argv[1:]]' "$@"; }
    evict "${inputs[@]}"
    echo "#### inside a memory cgroup with memory.limit_in_bytes = 256 MB"
    echo
    echo "| command | wall s | peak RSS MB |"
    echo "|---|---|---|"
    measure "tureen soup uniform (256 MB cgroup)" "$here/in_memory_cgroup.sh" "$group" "$TUREEN" soup uniform --force "${inputs[@]}" -o "$out/tureen-limited.safetensors"
    cmp -s "$out/tureen.safetensors" "$out/tureen-limited.safetensors" && same=identical || same=DIFFERENT
    evict "${inputs[@]}"
    echo "| python peer (256 MB cgroup) | $(limited "$PYTHON" "$here/soup_peer.py" "$out/peer-limited.safetensors" "${inputs[@]}" >/dev/null 2>&1 && echo completed || echo "failed: exit $?") | - |"
    echo
    echo "tureen output under the limit vs unconstrained: $same; cgroup OOM kills: $(awk '/oom_kill /{print $2}' "$group/memory.oom_control")"
    echo
    rmdir "$group" 2>/dev/null || true
else
    echo "(memory cgroup not writable here: the 256 MB run was skipped)"
fi
rm -f "$out"/*
