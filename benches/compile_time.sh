#!/usr/bin/env bash
# Compile time users pay: rebuild a crate holding a generated N-field contract (default 100),
# and the same fields as N/10 nested sections of 10, against the hand-written equivalent.
# Dependencies are built first; then each crate's source is touched and rebuilt RUNS times
# (default 9) per profile, in turns, and the median of the rounds' ratios is reported.
#
#   bash benches/compile_time.sh            # N=100, 9 rounds, dev and release
#   FIELDS=10 RUNS=3 bash benches/compile_time.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fields=${FIELDS:-100}
runs=${RUNS:-9}
work="$root/target/compile-time"
mkdir -p "$work"

source "$root/benches/crate.sh"

{
  echo "//! A generated contract of $fields required secrets."
  echo "use secrets_core::{ContractError, SecretContract, SecretString};"
  echo "#[derive(SecretContract)]"
  echo "#[contract(prefix = \"BENCH_\")]"
  echo "pub struct Derived {"
  for ((i = 0; i < fields; i++)); do
    printf '    #[secret(required)]\n    secret_%04d: SecretString,\n' "$i"
  done
  echo "}"
  echo "/// Loads the contract, so the load path is compiled here as in a program."
  echo "pub fn load() -> Result<Derived, ContractError> { Derived::load() }"
} | make_crate derived_contract

sections=$((fields / 10))
{
  echo "//! The same $fields required secrets as $sections nested sections of 10."
  echo "use secrets_core::{ContractError, SecretContract, SecretString};"
  for ((s = 0; s < sections; s++)); do
    echo "#[derive(SecretContract)]"
    echo "pub struct Section$s {"
    for ((i = 0; i < 10; i++)); do printf '    #[secret(required)]\n    secret_%d: SecretString,\n' "$i"; done
    echo "}"
  done
  echo "#[derive(SecretContract)]"
  echo "#[contract(prefix = \"BENCH_\")]"
  echo "pub struct Nested {"
  for ((s = 0; s < sections; s++)); do printf '    #[nested]\n    s%03d: Section%d,\n' "$s" "$s"; done
  echo "}"
  echo "/// Loads the contract, so the load path is compiled here as in a program."
  echo "pub fn load() -> Result<Nested, ContractError> { Nested::load() }"
} | make_crate nested_contract

{
  echo "//! The hand-written equivalent: read every variable, list all missing ones, redact Debug."
  echo "use secrets_core::SecretString;"
  echo "pub struct Hand {"
  for ((i = 0; i < fields; i++)); do printf '    pub secret_%04d: SecretString,\n' "$i"; done
  echo "}"
  echo "fn read(name: &'static str, missing: &mut Vec<&'static str>) -> Option<SecretString> {"
  echo "    match std::env::var(name) {"
  echo "        Ok(value) if !value.trim().is_empty() => Some(SecretString::from(value)),"
  echo "        _ => { missing.push(name); None }"
  echo "    }"
  echo "}"
  echo "impl Hand {"
  echo "    /// Loads every variable or returns the names of all missing ones."
  echo "    pub fn load() -> Result<Self, Vec<&'static str>> {"
  echo "        let mut missing = Vec::new();"
  for ((i = 0; i < fields; i++)); do
    printf '        let secret_%04d = read("BENCH_SECRET_%04d", &mut missing);\n' "$i" "$i"
  done
  echo "        if !missing.is_empty() { return Err(missing); }"
  echo "        Ok(Self {"
  for ((i = 0; i < fields; i++)); do printf '            secret_%04d: secret_%04d.unwrap(),\n' "$i" "$i"; done
  echo "        })"
  echo "    }"
  echo "}"
  echo "impl std::fmt::Debug for Hand {"
  echo "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {"
  echo "        f.debug_struct(\"Hand\")"
  for ((i = 0; i < fields; i++)); do printf '            .field("secret_%04d", &"[REDACTED]")\n' "$i"; done
  echo "            .finish()"
  echo "    }"
  echo "}"
} | make_crate hand_written

export CARGO_TARGET_DIR="$work/target"

# The crates are rebuilt in turns, one run of each per round, and each round's ratio is taken
# against the hand-written crate of the same round: the shared machine's drift lands on both.
build_time() {
  touch "$work/$1/src/lib.rs"
  local start end
  start=$(date +%s.%N)
  cargo build --quiet --offline --profile "$2" --manifest-path "$work/$1/Cargo.toml"
  end=$(date +%s.%N)
  awk "BEGIN { print $end - $start }"
}

crates=(derived_contract nested_contract hand_written)
for profile in dev release; do
  for crate in "${crates[@]}"; do
    cargo build --quiet --offline --profile "$profile" --manifest-path "$work/$crate/Cargo.toml"
  done
  declare -A times=() ratios=()
  for ((run = 0; run < runs; run++)); do
    declare -A round=()
    for crate in "${crates[@]}"; do
      round[$crate]=$(build_time "$crate" "$profile")
      times[$crate]+="${round[$crate]} "
    done
    for crate in derived_contract nested_contract; do
      ratios[$crate]+="$(awk "BEGIN { print ${round[$crate]} / ${round[hand_written]} }") "
    done
  done
  for crate in "${crates[@]}"; do
    printf '%-8s %-17s median %.3fs of: %s\n' "$profile" "$crate" \
      "$(printf '%s\n' ${times[$crate]} | median)" "${times[$crate]}"
  done
  for crate in derived_contract nested_contract; do
    printf '%-8s ratio %s / hand-written: %.2fx, median of rounds: %s\n' "$profile" "${crate%_contract}" \
      "$(printf '%s\n' ${ratios[$crate]} | median)" "${ratios[$crate]}"
  done
done
