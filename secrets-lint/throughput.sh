#!/usr/bin/env bash
# Throughput of secrets-lint over a generated workspace of FILES files (default 250) of about
# 400 lines each (100k lines in all): median wall time of RUNS runs (default 5), files/s, lines/s.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
files=${FILES:-250}
runs=${RUNS:-5}
work="$root/target/lint-throughput"
rm -rf "$work" && mkdir -p "$work/src"

# One module: 20 functions of 20 lines, with an environment read in every fifth function.
module() {
  echo "use std::collections::HashMap;"
  echo "use std::env;"
  for ((f = 0; f < 20; f++)); do
    echo "/// Function $f of module $1."
    echo "pub fn handler_$f(input: &[u32], table: &mut HashMap<String, u32>) -> Result<u64, String> {"
    echo "    let mut total: u64 = 0;"
    echo "    for (index, value) in input.iter().enumerate() {"
    echo "        if index % 3 == 0 {"
    echo "            total += u64::from(*value) * 2;"
    echo "        } else {"
    echo "            total = total.saturating_sub(u64::from(*value));"
    echo "        }"
    echo "        let key = format!(\"key-{index}-{value}\");"
    echo "        *table.entry(key).or_insert(0) += 1;"
    echo "    }"
    if ((f % 5 == 0)); then
      echo "    let level = env::var(\"RUST_LOG\").unwrap_or_default();"
      echo "    let token = std::env::var(\"SERVICE_${1}_TOKEN\").map_err(|e| e.to_string())?;"
    else
      echo "    let level = String::new();"
      echo "    let token = String::from(\"none\");"
    fi
    echo "    if level.is_empty() && token.is_empty() {"
    echo "        return Err(String::from(\"empty\"));"
    echo "    }"
    echo "    println!(\"{} {}\", level.len(), token.len());"
    echo "    Ok(total)"
    echo "}"
  done
}

for ((m = 0; m < files; m++)); do module "$m" > "$work/src/module_$m.rs"; done
lines=$(cat "$work"/src/*.rs | wc -l)

cargo build --quiet --release -p secrets-lint --manifest-path "$root/Cargo.toml"
lint="$root/target/release/secrets-lint"
times=()
for ((run = 0; run < runs; run++)); do
  start=$(date +%s.%N)
  "$lint" "$work" > /dev/null || [ $? -eq 1 ]
  end=$(date +%s.%N)
  times+=("$(awk "BEGIN { print $end - $start }")")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
findings=$("$lint" "$work" | wc -l || true)
awk -v t="$median" -v f="$files" -v l="$lines" -v n="$findings" 'BEGIN {
  printf "%d files, %d lines, %d findings: median %.3f s, %.0f files/s, %.0f lines/s\n", f, l, n, t, f / t, l / t
}'
