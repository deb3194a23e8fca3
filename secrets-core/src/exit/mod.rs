//! Fail-fast: report a broken contract where people and orchestrators look, and exit with
//! `EX_CONFIG`.

use crate::error::ContractError;

#[cfg(unix)]
mod notify;
mod termination_log;

/// The exit status for a configuration error (`EX_CONFIG` from `sysexits.h`).
///
/// With `RestartPreventExitStatus=78`, systemd stops restarting a service that exits with it.
pub const EX_CONFIG: i32 = 78;

/// Writes `FATAL: ` and the error to stderr, tells the orchestrator, and exits with [`EX_CONFIG`].
///
/// The orchestrator is told the same value-free report: it is written to the Kubernetes
/// termination log (`/dev/termination-log` when it exists and is writable, or the path in
/// `SECRETS_TERMINATION_LOG`; an empty `SECRETS_TERMINATION_LOG` turns it off), and under
/// systemd (`NOTIFY_SOCKET`) sent as `STATUS=` and `ERRNO=78`.
///
/// The exit status is 78 even when stderr cannot be written (closed, `/dev/full`), nor the log,
/// nor the socket: a broken contract must stop a restart loop whether or not its report could
/// be delivered.
pub fn config_error(error: &ContractError) -> ! {
    std::process::exit(Orchestrator::from_env().fail(error, &mut std::io::stderr()))
}

/// Where a failed load is reported besides stderr: the termination log and systemd's socket.
pub(crate) struct Orchestrator {
    termination_log: Option<termination_log::Target>,
    notify_socket: Option<std::ffi::OsString>,
}

impl Orchestrator {
    /// As the process environment says: `SECRETS_TERMINATION_LOG` (else `/dev/termination-log`)
    /// and `NOTIFY_SOCKET`.
    pub(crate) fn from_env() -> Self {
        let termination_log = termination_log::Target::from_env(std::env::var_os("SECRETS_TERMINATION_LOG"));
        let notify_socket = std::env::var_os("NOTIFY_SOCKET").filter(|socket| !socket.is_empty());
        Self { termination_log, notify_socket }
    }

    /// Nobody to tell, for tests that run the commands in the test process.
    #[cfg(all(test, feature = "cli"))]
    pub(crate) fn none() -> Self {
        Self { termination_log: None, notify_socket: None }
    }

    /// Writes `FATAL: ` and the error to `err`, tells the orchestrator the same value-free
    /// text, and gives [`EX_CONFIG`]: every failure to deliver it is ignored, the exit status
    /// says it all.
    pub(crate) fn fail(&self, error: &ContractError, err: &mut dyn std::io::Write) -> i32 {
        let report = error.to_string();
        let _ = writeln!(err, "FATAL: {report}");
        if let Some(target) = &self.termination_log {
            let _ = target.write(&report);
        }
        #[cfg(unix)]
        if let Some(socket) = &self.notify_socket {
            let _ = notify::send(socket, &notify::failure_message(&report));
        }
        EX_CONFIG
    }
}
