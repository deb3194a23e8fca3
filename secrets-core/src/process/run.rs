//! `secrets run`: any program, in any language, started with the contract's variables.
//!
//! The contract is judged before anything starts (the caller exits 78 when it fails). The child
//! then gets every loaded variable (as [`pass_to`](super::pass_to) sets them, on an environment
//! with only the basics under `--clean-env`), its secrets optionally as files in a private
//! directory (`--files`) and its output optionally masked (`--mask`). This process stays as
//! the child's supervisor: it forwards the signals that would otherwise end it alone, waits,
//! removes the files, and exits with the child's status (128 + N for signal N).

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use secrecy::zeroize::Zeroize;
use signal_hook::consts::signal::{
    SIGALRM, SIGCHLD, SIGHUP, SIGINT, SIGIO, SIGPROF, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGVTALRM, SIGXCPU, SIGXFSZ,
};
use signal_hook::iterator::exfiltrator::WithOrigin;
use signal_hook::iterator::{Handle, SignalsInfo};
use signal_hook::low_level::siginfo::{Cause, Origin};

use super::Passed;
use super::files::SecretFiles;
use crate::spec::Kind;
use crate::{MASK, Redactor, SecretContract};

/// The signals forwarded to the child: those whose default action would end this process and
/// leave the child running without its supervisor (and its secret files behind). SIGKILL and
/// SIGSTOP cannot be caught; real-time signals and Linux's SIGPWR are not handled.
const FORWARDED: [i32; 12] =
    [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGIO, SIGXCPU, SIGXFSZ];

/// How long the masked output may stay idle once the child has ended before it is given up: a
/// process the child left behind may hold the pipes open for ever.
const IDLE_AFTER_EXIT: Duration = Duration::from_secs(1);

/// How long the masked output may take in all once the child has ended: what is left is at
/// most a pipe's worth, so a reader of this process's output that takes longer has stalled.
const DRAIN_AFTER_EXIT: Duration = Duration::from_secs(10);

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
    let Some((program, args)) = options.command.split_first() else {
        let _ = writeln!(err, "secrets run: no command given; usage: secrets run [OPTIONS] -- CMD [ARGS...]");
        return 2;
    };
    let passed = Passed::of(contract);
    let redactor = child_redactor(contract, &passed);
    let shown = shown_program(&program.to_string_lossy(), &redactor, &passed);
    // Signals first: nothing is created before this process can clean up after one.
    let supervisor = match Supervisor::start() {
        Ok(supervisor) => supervisor,
        Err(error) => {
            let _ = writeln!(err, "secrets run: cannot handle signals: {error}");
            return 1;
        }
    };
    let mut files = match options.files.then(SecretFiles::create).transpose() {
        Ok(files) => files,
        Err(error) => {
            let _ = writeln!(err, "secrets run: cannot create a private directory for the secret files: {error}");
            return 1;
        }
    };
    let mut command = Command::new(program);
    command.args(args);
    if options.clean_env {
        super::keep_only_basics(&mut command);
    }
    let written = passed.set_on(&mut command, |var, text| match files.as_mut() {
        Some(files) if var.kind() == Kind::Secret => files.write(var.name(), text).map(Some),
        _ => Ok(None),
    });
    drop(passed);
    if let Err(error) = written {
        let dir = files.as_ref().map(|files| files.dir().display().to_string()).unwrap_or_default();
        let _ = writeln!(err, "secrets run: cannot write a secret file in {dir}: {error}");
        return 1;
    }
    // Without a terminal the child gets a process group of its own: a signal sent to this
    // process's group (`timeout`, `kill -- -PGID`) then reaches it once, forwarded. With one,
    // it stays in the terminal's foreground group, to read the terminal and get Ctrl-C.
    let shares_terminal = io::stdin().is_terminal();
    if !shares_terminal {
        command.process_group(0);
    }
    if options.mask {
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
    }
    let spawned = supervisor.spawn(&mut command, shares_terminal);
    // The command holds the variables' values; they are not needed any more.
    drop(command);
    let mut child = match spawned {
        Ok(Spawned::Child(child)) => child,
        Ok(Spawned::Stopped(signal)) => return 128 + signal,
        Err(error) => {
            let _ = writeln!(err, "secrets run: cannot start {shown}: {error}");
            return match error.kind() {
                io::ErrorKind::NotFound => NOT_FOUND,
                _ => NOT_EXECUTABLE,
            };
        }
    };
    let copiers = options.mask.then(|| Copiers::start(&mut child, &redactor));
    let status = supervisor.wait(&mut child);
    // The secret files go as soon as the child is gone, before any output is drained.
    drop(files);
    let output_written = copiers.is_none_or(|copiers| copiers.finish(supervisor.stopped()));
    supervisor.close();
    match status {
        Ok(status) if status.success() && !output_written => {
            let _ = writeln!(err, "secrets run: {shown} succeeded, but not all of its masked output could be written");
            1
        }
        Ok(status) => exit_code(status),
        Err(error) => {
            let _ = writeln!(err, "secrets run: lost track of {shown}: {error}");
            1
        }
    }
}

/// The contract's redactor, with the texts the child was given: a binary secret goes as
/// base64, a parsed one as its `Display`, which may differ from the text it was loaded from.
fn child_redactor<C: SecretContract>(contract: &C, passed: &Passed) -> Redactor {
    crate::contract::redactor_with(contract, passed.secret_texts())
}

/// The program's name for messages: masked whole when it holds six characters of a secret.
fn shown_program(program: &str, redactor: &Redactor, passed: &Passed) -> String {
    if passed.secret_texts().any(|secret| crate::load::holds_piece(program, secret, 6, false)) {
        MASK.to_owned()
    } else {
        redactor.redact(program).into_owned()
    }
}

/// The status a shell would give: the child's code, or 128 + the signal that ended it.
fn exit_code(status: ExitStatus) -> i32 {
    status.code().or_else(|| status.signal().map(|signal| 128 + signal)).unwrap_or(1)
}

/// A started child, or the signal that came before it could start.
enum Spawned {
    Child(Child),
    Stopped(i32),
}

/// The child as the forwarding thread sees it.
#[derive(Default)]
struct State {
    /// The child, once started.
    child: Option<(rustix::process::Pid, bool)>,
    /// Whether it has ended (it is waited for, not yet reaped: its id is not reused).
    ended: bool,
    /// A signal that came before the child started: it is then not started.
    early: Option<i32>,
}

/// The thread that forwards signals to the child, from before it starts until it is reaped.
///
/// The child is waited for without being reaped first (`waitid` with `WNOWAIT`), and marked
/// ended under the same lock the forwarding takes: until it is reaped its process id cannot be
/// reused, so a forwarded signal reaches it or its exit, never another process.
struct Supervisor {
    state: Arc<Mutex<State>>,
    /// Set by a signal that comes after the child ended: stop waiting for its output.
    stopped: Arc<AtomicBool>,
    handle: Handle,
    thread: JoinHandle<()>,
    /// A handler for SIGCHLD, so that one ignored by the parent (and so inherited) does not
    /// make the kernel reap the child before it is waited for.
    sigchld: signal_hook::SigId,
}

impl Supervisor {
    fn start() -> io::Result<Self> {
        let sigchld = signal_hook::flag::register(SIGCHLD, Arc::new(AtomicBool::new(false)))?;
        let mut signals = SignalsInfo::<WithOrigin>::new(FORWARDED)?;
        let (state, stopped) = (Arc::new(Mutex::new(State::default())), Arc::new(AtomicBool::new(false)));
        let handle = signals.handle();
        let thread = {
            let (state, stopped) = (Arc::clone(&state), Arc::clone(&stopped));
            thread::spawn(move || {
                for origin in signals.forever() {
                    let mut state = lock(&state);
                    match state.child {
                        _ if state.ended => stopped.store(true, Ordering::Relaxed),
                        None => {
                            state.early.get_or_insert(origin.signal);
                        }
                        Some((pid, shares_terminal)) => {
                            if forwards(&origin, shares_terminal) {
                                if let Some(signal) = rustix::process::Signal::from_named_raw(origin.signal) {
                                    let _ = rustix::process::kill_process(pid, signal);
                                }
                            }
                        }
                    }
                }
            })
        };
        Ok(Self { state, stopped, handle, thread, sigchld })
    }

    /// Starts the child, unless a signal came first.
    fn spawn(&self, command: &mut Command, shares_terminal: bool) -> io::Result<Spawned> {
        let mut state = lock(&self.state);
        if let Some(signal) = state.early {
            return Ok(Spawned::Stopped(signal));
        }
        let child = command.spawn()?;
        state.child = Some((rustix::process::Pid::from_child(&child), shares_terminal));
        Ok(Spawned::Child(child))
    }

    /// Waits for the child to end, then reaps it.
    fn wait(&self, child: &mut Child) -> io::Result<ExitStatus> {
        let pid = rustix::process::Pid::from_child(child);
        let waited = loop {
            let options = rustix::process::WaitIdOptions::EXITED | rustix::process::WaitIdOptions::NOWAIT;
            match rustix::process::waitid(rustix::process::WaitId::Pid(pid), options) {
                Err(rustix::io::Errno::INTR) => {}
                other => break other.map(drop).map_err(io::Error::from),
            }
        };
        lock(&self.state).ended = true;
        waited.and_then(|()| child.wait())
    }

    /// Whether a signal came after the child ended.
    fn stopped(&self) -> &AtomicBool {
        &self.stopped
    }

    fn close(self) {
        self.handle.close();
        let _ = self.thread.join();
        signal_hook::low_level::unregister(self.sigchld);
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether a signal this process got should go to the child.
///
/// A child in a process group of its own gets none by itself. One that shares the terminal's
/// foreground group already got what the terminal sent to the group (the kernel sends Ctrl-C's
/// SIGINT, Ctrl-\'s SIGQUIT to all of it), except a hangup's SIGHUP, which goes to the session
/// leader alone: forwarded when this process is that leader.
fn forwards(origin: &Origin, shares_terminal: bool) -> bool {
    if !shares_terminal || origin.cause != Cause::Kernel {
        return true;
    }
    origin.signal == SIGHUP && rustix::process::getsid(None).is_ok_and(|sid| sid == rustix::process::getpid())
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
    /// Whether writing out failed (this process's output is closed or full).
    failed: AtomicBool,
}

impl Copiers {
    fn start(child: &mut Child, redactor: &Redactor) -> Self {
        let mut threads = Vec::new();
        if let Some(from) = child.stdout.take() {
            threads.push(copy(from, io::stdout().as_fd().try_clone_to_owned(), redactor.clone()));
        }
        if let Some(from) = child.stderr.take() {
            threads.push(copy(from, io::stderr().as_fd().try_clone_to_owned(), redactor.clone()));
        }
        Self { threads }
    }

    /// Waits, once the child has ended, for its output to be written out; gives up on a pipe
    /// that stays idle (a process the child left behind holds it open), on output that takes
    /// too long in all (its reader has stalled), and when a signal comes. Returns whether all
    /// the output the copies read was written.
    fn finish(self, stopped: &AtomicBool) -> bool {
        let deadline = Instant::now() + DRAIN_AFTER_EXIT;
        let mut complete = true;
        for (thread, progress) in self.threads {
            let (mut seen, mut since) = (progress.written.load(Ordering::Relaxed), Instant::now());
            while !thread.is_finished() {
                let written = progress.written.load(Ordering::Relaxed);
                if written != seen || !progress.reading.load(Ordering::Relaxed) {
                    (seen, since) = (written, Instant::now());
                }
                let idle = progress.reading.load(Ordering::Relaxed) && since.elapsed() > IDLE_AFTER_EXIT;
                if idle || Instant::now() > deadline || stopped.load(Ordering::Relaxed) {
                    // Given up while writing: what was read is not all out.
                    complete &= progress.reading.load(Ordering::Relaxed);
                    break;
                }
                thread::sleep(Duration::from_millis(5));
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
            complete &= !progress.failed.load(Ordering::Relaxed);
        }
        complete
    }
}

/// Copies `from` to `to` through the redactor: each read is masked and written at once, but
/// for a tail that could begin a secret, which waits for the next read (or the end).
fn copy(
    mut from: impl Read + Send + 'static,
    to: io::Result<std::os::fd::OwnedFd>,
    redactor: Redactor,
) -> (JoinHandle<()>, Arc<Progress>) {
    let progress = Arc::new(Progress::default());
    let shared = Arc::clone(&progress);
    let thread = thread::spawn(move || {
        let Ok(to) = to else {
            // Nowhere to write: the child sees its output closed.
            shared.failed.store(true, Ordering::Relaxed);
            return;
        };
        let mut writer = redactor.writer(std::fs::File::from(to));
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            shared.reading.store(true, Ordering::Relaxed);
            let read = from.read(&mut buffer);
            shared.reading.store(false, Ordering::Relaxed);
            match read {
                Ok(0) => break,
                Ok(n) => {
                    // This process's output is gone (a closed pipe, a full disk): stop reading,
                    // so the child sees its own output closed rather than blocking on a full pipe.
                    if writer.write_all(&buffer[..n]).and_then(|()| writer.flush()).is_err() {
                        shared.failed.store(true, Ordering::Relaxed);
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
