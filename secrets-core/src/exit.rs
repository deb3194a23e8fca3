//! Fail-fast: report a broken contract and exit with `EX_CONFIG`.

use std::io::Write as _;

use crate::error::ContractError;

/// The exit status for a configuration error (`EX_CONFIG` from `sysexits.h`).
///
/// With `RestartPreventExitStatus=78`, systemd stops restarting a service that exits with it.
pub const EX_CONFIG: i32 = 78;

/// Writes `FATAL: ` and the error to stderr and exits with [`EX_CONFIG`].
///
/// The exit status is 78 even when stderr cannot be written (closed, `/dev/full`): a broken
/// contract must stop a restart loop whether or not its report could be printed.
pub fn config_error(error: &ContractError) -> ! {
    let _ = writeln!(std::io::stderr(), "FATAL: {error}");
    std::process::exit(EX_CONFIG)
}
