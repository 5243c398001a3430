#!/usr/bin/env bash
# Merge benchmark (issue 15): `tureen merge` of 3 LLaMA-shaped bf16 models (1.07 GB each) and a
# base of the same shape — linear, task arithmetic, TIES, DARE-TIES and DARE-linear (density 0.5;
# DARE with its default 1/density rescale, and with `rescale: true`, mergekit's L1 norm), Model Stock,
# SLERP (base and one model) —
# beside the uniform soup of the 3 (the soup's own executor, one pass) and the base-relative soup
# (4 inputs), and mergekit-pytorch 0.1.5 on the same configurations (its venv from
# Benchmarks/mergekit_venv.sh). Tureen runs $REPEAT rounds (default 3), each round every command
# once in turn (soup, soup with base, each method; so the runs alternate), and a row gives the
# median wall and the largest RSS; mergekit runs once. Every run writes a new file, as mergekit's
# do: the previous run's output is removed first, untimed (replacing a 1 GB file with --force costs
# 0.1–0.35 s here for the file system to free the old one, the same for every command, which
# would flatter the ratios to the soup). The machine is shared with other sessions: compare rows of
# one run. METHODS (default all nine) limits the methods run. Two more rows, with a C compiler:
# the four inputs read and nothing else, once and twice (Benchmarks/read_floor.c, two threads,
# 128 KiB pieces as the executor reads them): the floor of a one-pass and of a two-pass method.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/measure.sh"
data=${BENCH_DATA:-/tmp/tureen-bench}
mkdir -p "$data/merge-out"
llama_inputs 4
m1=${inputs[0]} m2=${inputs[1]} m3=${inputs[2]} base=${inputs[3]}
out=$data/merge-out
models="  - model: $m1\n    parameters: {weight: 1}\n  - model: $m2\n    parameters: {weight: 1}\n  - model: $m3\n    parameters: {weight: 1}\n"
printf "models:\n$models""merge_method: linear\n" >"$out/linear.yml"
printf "models:\n$models""base_model: $base\nmerge_method: task_arithmetic\n" >"$out/task_arithmetic.yml"
printf "models:\n  - model: $m1\n  - model: $m2\n  - model: $m3\nbase_model: $base\nmerge_method: model_stock\n" >"$out/model_stock.yml"
sparse_models="  - model: $m1\n    parameters: {weight: 1, density: 0.5}\n  - model: $m2\n    parameters: {weight: 1, density: 0.5}\n  - model: $m3\n    parameters: {weight: 1, density: 0.5}\n"
for method in ties dare_ties dare_linear; do
    printf "models:\n$sparse_models""base_model: $base\nmerge_method: $method\n" >"$out/$method.yml"
done
# DARE rescaled to the L1 norm (mergekit 0.1.5's default, which its runs of the plain configurations
# use already: mergekit has no separate run).
for method in dare_ties dare_linear; do
    printf "models:\n$sparse_models""base_model: $base\nmerge_method: $method\nparameters: {rescale: true}\n" >"$out/${method}_l1.yml"
done
printf "models:\n  - model: $base\n  - model: $m1\nbase_model: $base\nmerge_method: slerp\nparameters: {t: 0.4}\n" >"$out/slerp.yml"
cat "$m1" "$m2" "$m3" "$base" >/dev/null
"$TUREEN" soup uniform --force "$m1" "$m2" "$m3" -o "$out/soup.safetensors" >/dev/null 2>&1

echo "### merge: 3 × $(du -h "$m1" | cut -f1) bf16 models (and a base of the same shape)"
echo
echo "| command | wall s | peak RSS MB |"
echo "|---|---|---|"
# shellcheck disable=SC2206 # the list's words
methods=(${METHODS:-linear task_arithmetic ties dare_ties dare_linear dare_ties_l1 dare_linear_l1 model_stock slerp})
declare -A programs commands outputs walls rss
labels=("soup uniform (3 inputs)" "soup weighted --base (4 inputs)")
outputs["soup uniform (3 inputs)"]=$out/soup.safetensors
outputs["soup weighted --base (4 inputs)"]=$out/soup-base.safetensors
commands["soup uniform (3 inputs)"]="soup uniform $m1 $m2 $m3 -o ${outputs["soup uniform (3 inputs)"]}"
commands["soup weighted --base (4 inputs)"]="soup weighted $m1 $m2 $m3 --weights 1,1,1 --no-normalize --base $base -o ${outputs["soup weighted --base (4 inputs)"]}"
for method in "${methods[@]}"; do
    labels+=("merge: $method")
    outputs["merge: $method"]=$out/$method.safetensors
    commands["merge: $method"]="merge $out/$method.yml -o ${outputs["merge: $method"]}"
done
if command -v cc >/dev/null && cc -O2 -pthread "$here/read_floor.c" -o "$out/read_floor"; then
    for passes in 1 2; do
        label="read the 4 inputs ×$passes, no compute"
        labels+=("$label")
        outputs[$label]=$out/none-$passes # nothing is written
        programs[$label]=$out/read_floor
        commands[$label]="$passes 128 $m1 $m2 $m3 $base"
    done
fi
log=$(mktemp)
for round in $(seq "${REPEAT:-3}"); do
    for label in "${labels[@]}"; do
        rm -f "${outputs[$label]}"
        sync # file systems that free an unlinked file's blocks in the background do it now, untimed
        # shellcheck disable=SC2086 # the command's words
        /usr/bin/time -f '%e %M' -o "$log" "${programs[$label]:-$TUREEN}" ${commands[$label]} >/dev/null 2>&1 || { echo "| $label | failed | - |"; continue; }
        read -r wall kb <"$log"
        walls[$label]="${walls[$label]:-}${walls[$label]:+ }$wall"
        rss[$label]=$(awk -v a="${rss[$label]:-0}" -v b="$kb" 'BEGIN { b = b / 1024; printf "%.0f", (b > a ? b : a) }')
    done
done
rm -f "$log" "${outputs[@]}" "$out/read_floor" # outputs of 1 GB each
declare -A medians
for label in "${labels[@]}"; do
    medians[$label]=$(printf '%s\n' ${walls[$label]} | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    prefix="tureen "
    [[ $label == read* ]] && prefix=""
    echo "| $prefix$label | ${medians[$label]} (${walls[$label]}) | ${rss[$label]} |"
done
if [ -n "${MERGEKIT_PYTHON:-}" ]; then
    mergekit=$(dirname "$MERGEKIT_PYTHON")/mergekit-pytorch
    for method in "${methods[@]}"; do
        [[ $method == *_l1 ]] && continue
        rm -rf "$out/$method-mergekit"
        REPEAT=1 measure "mergekit-pytorch: $method" "$mergekit" "$out/$method.yml" "$out/$method-mergekit" --no-copy-tokenizer --no-write-model-card
        rm -rf "$out/$method-mergekit"
    done
fi
echo
soup=${medians["soup uniform (3 inputs)"]}
printf 'tureen merge ÷ uniform soup (3 inputs):'
for method in "${methods[@]}"; do printf ' %s %s×' "$method" "$(ratio "${medians["merge: $method"]}" "$soup")"; done
for passes in 1 2; do
    label="read the 4 inputs ×$passes, no compute"
    if [ -n "${medians[$label]:-}" ]; then printf '; reading the 4 inputs ×%s %s×' "$passes" "$(ratio "${medians[$label]}" "$soup")"; fi
done
if [ -n "${medians["merge: task_arithmetic"]:-}" ]; then
    printf '; task arithmetic ÷ base-relative soup (4 inputs): %s×' "$(ratio "${medians["merge: task_arithmetic"]}" "${medians["soup weighted --base (4 inputs)"]}")"
fi
echo
echo
