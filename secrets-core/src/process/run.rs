//! `secrets run`: any program, in any language, started with the contract's variables.
//!
//! The contract is judged before anything starts (the caller exits 78 when it fails). The child
//! then gets every loaded variable ([`pass_to`](super::pass_to), or
//! [`pass_only_to`](super::pass_only_to) with `--clean-env`), its secrets optionally as files
//! in a private directory (`--files`) and its output optionally masked (`--mask`). This process
//! stays as the child's supervisor: it forwards the signals that would otherwise end it alone,
//! waits, removes the files, and exits with the child's status (128 + N for signal N).

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use secrecy::zeroize::Zeroize;
use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
use signal_hook::iterator::SignalsInfo;
use signal_hook::iterator::exfiltrator::WithOrigin;
use signal_hook::low_level::siginfo::Cause;

use super::files::SecretFiles;
use crate::spec::Kind;
use crate::{Redactor, SecretContract};

/// The signals forwarded to the child: every one whose default action would end this process
/// and leave the child running without its supervisor (and its secret files behind).
const FORWARDED: [i32; 6] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2];

/// How long the masked output may stay idle, once the child has ended, before it is given up: a
/// process the child left behind may hold the pipes open for ever.
const IDLE_AFTER_EXIT: Duration = Duration::from_secs(1);

/// The exit status when the command cannot be found, or cannot be executed (as shells say).
const NOT_FOUND: i32 = 127;
const NOT_EXECUTABLE: i32 = 126;

/// What `secrets run` was asked to do.
pub(crate) struct RunOptions {
    /// Start from an environment with only the basics (`pass_only_to`).
    pub(crate) clean_env: bool,
    /// Pass the child's stdout and stderr through the contract's redactor.
    pub(crate) mask: bool,
    /// Hand each secret as a file, with `NAME_FILE`.
    pub(crate) files: bool,
    /// The program and its arguments.
    pub(crate) command: Vec<OsString>,
}

/// Runs the command with the contract's variables; returns the exit status for this process.
/// `err` gets this command's own messages, which never hold a value.
pub(crate) fn run<C: SecretContract>(contract: &C, options: &RunOptions, err: &mut dyn Write) -> i32 {
    let redactor = contract.redactor();
    let Some((program, args)) = options.command.split_first() else {
        let _ = writeln!(err, "secrets run: no command given; usage: secrets run [OPTIONS] -- CMD [ARGS...]");
        return 2;
    };
    // The program is named in messages, masked: a command line can hold a secret.
    let shown = redactor.redact(&program.to_string_lossy()).into_owned();
    let mut command = Command::new(program);
    command.args(args);
    if options.clean_env {
        super::keep_only_basics(&mut command);
    }
    let files = match options.files.then(SecretFiles::create).transpose() {
        Ok(files) => files,
        Err(error) => {
            let _ = writeln!(err, "secrets run: cannot create a private directory for the secret files: {error}");
            return 1;
        }
    };
    let mut files = files;
    if let Err(error) = set_variables(contract, &mut command, files.as_mut()) {
        let _ = writeln!(err, "secrets run: cannot write a secret file in {}: {error}", error_dir(files.as_ref()));
        return 1;
    }
    if options.mask {
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
    }
    // Registered before the child exists: a signal that comes meanwhile waits for it.
    let signals = match SignalsInfo::<WithOrigin>::new(FORWARDED) {
        Ok(signals) => signals,
        Err(error) => {
            let _ = writeln!(err, "secrets run: cannot handle signals: {error}");
            return 1;
        }
    };
    let spawned = command.spawn();
    // The command holds the variables' values; they are not needed any more.
    drop(command);
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            let _ = writeln!(err, "secrets run: cannot start {shown}: {error}");
            return match error.kind() {
                io::ErrorKind::NotFound => NOT_FOUND,
                _ => NOT_EXECUTABLE,
            };
        }
    };
    let copiers = options.mask.then(|| Copiers::start(&mut child, &redactor));
    let status = supervise(&mut child, signals);
    if let Some(copiers) = copiers {
        copiers.finish();
    }
    drop(files);
    match status {
        Ok(status) => exit_code(status),
        Err(error) => {
            let _ = writeln!(err, "secrets run: lost track of {shown}: {error}");
            1
        }
    }
}

/// Sets the contract's variables on `command`: secrets as files when `files` is given.
fn set_variables<C: SecretContract>(
    contract: &C,
    command: &mut Command,
    mut files: Option<&mut SecretFiles>,
) -> io::Result<()> {
    for (var, text) in super::variables(contract) {
        for name in super::competing_names(var) {
            command.env_remove(name);
        }
        match files.as_deref_mut() {
            Some(files) if var.kind() == Kind::Secret => {
                let path = files.write(var.name(), &text)?;
                command.env_remove(var.name());
                command.env(format!("{}_FILE", var.name()), path);
            }
            _ => {
                command.env(var.name(), text.expose_secret());
            }
        }
    }
    Ok(())
}

fn error_dir(files: Option<&SecretFiles>) -> String {
    files.map_or_else(String::new, |files| files.dir().display().to_string())
}

/// The status a shell would give: the child's code, or 128 + the signal that ended it.
fn exit_code(status: ExitStatus) -> i32 {
    status.code().or_else(|| status.signal().map(|signal| 128 + signal)).unwrap_or(1)
}

/// Forwards signals to the child until it ends, then reaps it.
///
/// The child is waited for without being reaped first (`waitid` with `WNOWAIT`): until it is
/// reaped its process id cannot be reused, so a signal forwarded meanwhile reaches it or its
/// exit, never another process.
fn supervise(child: &mut Child, mut signals: SignalsInfo<WithOrigin>) -> io::Result<ExitStatus> {
    let pid = rustix::process::Pid::from_child(child);
    let ended = Arc::new(Mutex::new(false));
    let handle = signals.handle();
    let forwarder = {
        let ended = Arc::clone(&ended);
        thread::spawn(move || {
            for origin in signals.forever() {
                let ended = ended.lock().unwrap_or_else(PoisonError::into_inner);
                // The kernel sends a terminal's signals (Ctrl-C, Ctrl-\, a hangup) to its whole
                // foreground process group, the child included: forwarding them would deliver
                // them twice. Those another process sent reach this process alone.
                if !*ended && origin.cause != Cause::Kernel {
                    if let Some(signal) = rustix::process::Signal::from_named_raw(origin.signal) {
                        let _ = rustix::process::kill_process(pid, signal);
                    }
                }
            }
        })
    };
    let waited = loop {
        let options = rustix::process::WaitIdOptions::EXITED | rustix::process::WaitIdOptions::NOWAIT;
        match rustix::process::waitid(rustix::process::WaitId::Pid(pid), options) {
            Err(rustix::io::Errno::INTR) => {}
            other => break other.map(drop).map_err(io::Error::from),
        }
    };
    *ended.lock().unwrap_or_else(PoisonError::into_inner) = true;
    let status = waited.and_then(|()| child.wait());
    handle.close();
    let _ = forwarder.join();
    status
}

/// The threads that copy the child's stdout and stderr through the redactor, each in order.
struct Copiers {
    threads: Vec<(JoinHandle<()>, Arc<Progress>)>,
}

/// What a copier is doing, to tell an idle pipe from a slow reader of this process's output.
#[derive(Default)]
struct Progress {
    /// Bytes written out so far.
    written: AtomicU64,
    /// Whether it is waiting for the child's output (rather than writing it out).
    reading: AtomicBool,
}

impl Copiers {
    fn start(child: &mut Child, redactor: &Redactor) -> Self {
        let mut threads = Vec::new();
        if let (Some(from), Ok(to)) = (child.stdout.take(), io::stdout().as_fd().try_clone_to_owned()) {
            threads.push(copy(from, std::fs::File::from(to), redactor.clone()));
        }
        if let (Some(from), Ok(to)) = (child.stderr.take(), io::stderr().as_fd().try_clone_to_owned()) {
            threads.push(copy(from, std::fs::File::from(to), redactor.clone()));
        }
        Self { threads }
    }

    /// Waits for the copies to reach the end of the child's output; gives up on a pipe that
    /// stays idle (a process the child left behind holds it open), never on one being written.
    fn finish(self) {
        for (thread, progress) in self.threads {
            let (mut seen, mut since) = (progress.written.load(Ordering::Relaxed), Instant::now());
            while !thread.is_finished() {
                let written = progress.written.load(Ordering::Relaxed);
                if written != seen || !progress.reading.load(Ordering::Relaxed) {
                    (seen, since) = (written, Instant::now());
                } else if since.elapsed() > IDLE_AFTER_EXIT {
                    break;
                }
                thread::sleep(Duration::from_millis(5));
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
    }
}

/// Copies `from` to `to` through the redactor: each read is masked and written at once, but
/// for a tail that could begin a secret, which waits for the next read (or the end).
fn copy(
    mut from: impl Read + Send + 'static,
    to: std::fs::File,
    redactor: Redactor,
) -> (JoinHandle<()>, Arc<Progress>) {
    let progress = Arc::new(Progress::default());
    let shared = Arc::clone(&progress);
    let thread = thread::spawn(move || {
        let mut writer = redactor.writer(to);
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            shared.reading.store(true, Ordering::Relaxed);
            let read = from.read(&mut buffer);
            shared.reading.store(false, Ordering::Relaxed);
            match read {
                Ok(0) => break,
                Ok(n) => {
                    // This process's output is gone (a closed pipe): stop reading, so the child
                    // sees its own output closed rather than blocking on a full pipe.
                    if writer.write_all(&buffer[..n]).and_then(|()| writer.flush()).is_err() {
                        break;
                    }
                    shared.written.fetch_add(n as u64, Ordering::Relaxed);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        buffer.zeroize();
        // Dropping the writer writes what it held back.
    });
    (thread, progress)
}
