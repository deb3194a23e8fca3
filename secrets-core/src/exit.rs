//! Fail-fast: report a broken contract and exit with `EX_CONFIG`.

use crate::error::ContractError;

/// The exit status for a configuration error (`EX_CONFIG` from `sysexits.h`).
///
/// With `RestartPreventExitStatus=78`, systemd stops restarting a service that exits with it.
pub const EX_CONFIG: i32 = 78;

/// Writes `FATAL: ` and the error to stderr and exits with [`EX_CONFIG`].
pub fn config_error(error: &ContractError) -> ! {
    eprintln!("FATAL: {error}");
    std::process::exit(EX_CONFIG)
}
