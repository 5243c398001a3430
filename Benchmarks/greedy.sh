#!/usr/bin/env bash
# Greedy and learned soup benchmark (issue 12). Greedy: N LLaMA-shaped bf16 ingredients (make_llama.py,
# 1.07 GB each; N = $GREEDY_N, default 8) with a trivial evaluator that scores every candidate alike, so
# with --accept ge every ingredient is kept: all N − 1 candidate passes run and each writes a new
# running sum (the costliest path), against the time of one soup pass (the uniform soup of two
# ingredients: a candidate reads the running sum and one ingredient). The target: total time within
# 1.3 × (N + N − 1) × one soup pass, peak RSS ≤ 128 MB.
# Learned: one step on 3 ingredients (soup pass + gradient pass; the evaluator hard-links a prepared
# gradient and prints a constant, so it costs nothing), from the difference of a 3-step and a 1-step
# run, against a uniform soup of the 3: the target is within 3×.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/measure.sh"
data=${BENCH_DATA:-/tmp/tureen-bench}
count=${GREEDY_N:-8}
mkdir -p "$data/out"
llama_inputs "$count"
out="$data/out"
evaluator="$out/score.sh"
printf '#!/bin/sh\necho 1\n' >"$evaluator"
chmod +x "$evaluator"
cat "${inputs[@]}" >/dev/null
"$TUREEN" soup uniform --force "${inputs[0]}" "${inputs[1]}" -o "$out/warmup.safetensors" >/dev/null 2>&1

echo "### greedy soup: $count × $(du -h "${inputs[0]}" | cut -f1) bf16 ingredients, trivial evaluator (every candidate kept)"
echo
echo "| command | wall s | peak RSS MB |"
echo "|---|---|---|"
measure "cat inputs > /dev/null (floor)" cat "${inputs[@]}"
rm -f "$out"/*.safetensors; measure "one soup pass: tureen soup uniform of 2" "$TUREEN" soup uniform --force "${inputs[0]}" "${inputs[1]}" -o "$out/pass.safetensors"; pass=$LAST_WALL
measure "tureen soup uniform of all $count" "$TUREEN" soup uniform --force "${inputs[@]}" -o "$out/uniform.safetensors"
rm -f "$out/greedy.safetensors"
measure "tureen soup greedy ($((2 * count - 1)) evaluator calls, $((count - 1)) candidate passes)" \
    "$TUREEN" soup greedy --force "${inputs[@]}" --eval "$evaluator {path}" -o "$out/greedy.safetensors" --scratch "$out/scratch"
greedy_wall=$LAST_WALL; greedy_rss=$LAST_RSS
cmp -s "$out/greedy.safetensors" "$out/uniform.safetensors" && same=identical || same=DIFFERENT
echo
echo "greedy / one soup pass: $(ratio "$greedy_wall" "$pass")× (target ≤ $(awk -v n="$count" 'BEGIN { print 1.3 * (2 * n - 1) }')×); per candidate pass: $(awk -v g="$greedy_wall" -v n="$count" 'BEGIN { printf "%.2f", g / (n - 1) }') s; peak RSS $greedy_rss MB (target ≤ 128); result vs tureen soup uniform of all: $same"
echo

three=("${inputs[0]}" "${inputs[1]}" "${inputs[2]}")
# The "gradient" is the first ingredient itself (same names and shapes, bf16), hard-linked into place.
gradient="ln -f ${inputs[0]} {grad} && echo 1.0 # {path}"
echo "### learned soup: one step on 3 ingredients (soup pass + gradient pass; evaluator excluded)"
echo
echo "| command | wall s | peak RSS MB |"
echo "|---|---|---|"
measure "tureen soup uniform of 3" "$TUREEN" soup uniform --force "${three[@]}" -o "$out/uniform3.safetensors"; uniform3=$LAST_WALL
measure "tureen soup learned --steps 1" "$TUREEN" soup learned --force "${three[@]}" --shell --grad "$gradient" --steps 1 -o "$out/learned.safetensors" --scratch "$out/scratch"; one=$LAST_WALL
measure "tureen soup learned --steps 3" "$TUREEN" soup learned --force "${three[@]}" --shell --grad "$gradient" --steps 3 -o "$out/learned.safetensors" --scratch "$out/scratch"; three_steps=$LAST_WALL; learned_rss=$LAST_RSS
step=$(awk -v a="$three_steps" -v b="$one" 'BEGIN { printf "%.2f", (a - b) / 2 }')
echo
echo "one learned step: $step s = $(ratio "$step" "$uniform3")× a uniform soup of 3 (target ≤ 3×); peak RSS $learned_rss MB"
echo
rm -rf "$out"
