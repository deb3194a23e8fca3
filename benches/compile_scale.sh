#!/usr/bin/env bash
# How compile time grows with the size of a contract: for each N (default 1000 2500 5000 10000),
# a crate holding one generated N-field contract (a quarter each required secrets, optional
# secrets in one feature group, u16 settings and bool settings, as real contracts mix them) is
# built once, then its source is touched and the crate rebuilt from scratch (no incremental
# cache; its dependencies stay built) RUNS times (default 3); the median is printed with the
# time per field, which stays flat when growth is linear.
#
#   bash benches/compile_scale.sh
#   SIZES="4000 10000" RUNS=1 PROFILE=release bash benches/compile_scale.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=${SIZES:-1000 2500 5000 10000}
runs=${RUNS:-3}
profile=${PROFILE:-dev}
work="$root/target/compile-scale"
export CARGO_TARGET_DIR="$work/target"
export CARGO_INCREMENTAL=0
source "$root/benches/crate.sh"

for fields in $sizes; do
  dir="$work/contract_$fields"
  {
    echo "//! A generated contract of $fields fields."
    echo "use secrets_core::{ContractError, SecretContract, SecretString};"
    echo "#[derive(SecretContract)]"
    echo "#[contract(prefix = \"BIG_\")]"
    echo "pub struct Big {"
    for ((i = 0; i < fields; i++)); do
      case $((i % 4)) in
        0) printf '    #[secret(required)]\n    secret_%05d: SecretString,\n' "$i" ;;
        1) printf '    #[secret(optional, feature = "extras")]\n    extra_%05d: Option<SecretString>,\n' "$i" ;;
        2) printf '    #[config(default = "8080")]\n    port_%05d: u16,\n' "$i" ;;
        3) printf '    #[config(default = "false")]\n    flag_%05d: bool,\n' "$i" ;;
      esac
    done
    echo "}"
    echo "/// Loads the contract and prints its Debug, so both are compiled here as in a program."
    echo "pub fn load() -> Result<String, ContractError> { Big::load().map(|big| format!(\"{big:?} {}\", big.has_extras())) }"
  } | make_crate "contract_$fields"
  cargo build --quiet --offline --profile "$profile" --manifest-path "$dir/Cargo.toml"
  times=()
  for ((run = 0; run < runs; run++)); do
    touch "$dir/src/lib.rs"
    start=$(date +%s.%N)
    cargo build --quiet --offline --profile "$profile" --manifest-path "$dir/Cargo.toml"
    end=$(date +%s.%N)
    times+=("$(awk "BEGIN { print $end - $start }")")
  done
  t=$(printf '%s\n' "${times[@]}" | median)
  printf '%-7s N=%-6s median %7.2fs  %6.3f ms/field  of: %s\n' "$profile" "$fields" "$t" \
    "$(awk "BEGIN { print $t * 1000 / $fields }")" "${times[*]}"
done
