//! `status`, `check`, `run`, `env-example` and `docs` subcommands for any program (feature `cli`).
//!
//! - `status [--json] [--env-file PATH]`: the report, never a value; exit 0.
//! - `check [--include-billing | --strict] [--check-unknown] [--env-file PATH]`: exit 0 when the
//!   policy holds, else 78 with every problem on stderr, in the termination log and to systemd
//!   (see [`config_error`](crate::config_error)).
//! - `run [--include-billing | --strict] [--env-file PATH] [--clean-env] [--mask] [--files] --
//!   CMD [ARGS...]` (unix): judges like `check` (78, nothing started), then runs CMD with every
//!   loaded variable ([`pass_to`](crate::SecretContract::pass_to); `--clean-env`:
//!   [`pass_only_to`](crate::SecretContract::pass_only_to)) and exits with its status, 128 + N
//!   for signal N. Every signal that would end this process alone is forwarded (SIGINT,
//!   SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, ...; not real-time ones). Without a
//!   terminal on stdin CMD gets a process group of its own, so a signal to this process's group
//!   reaches it once; with one it stays in the terminal's foreground group, gets the
//!   terminal's signals (Ctrl-C) directly, and a hangup is forwarded when this process is the
//!   session leader. `--mask` passes CMD's stdout and stderr through the contract's
//!   [`Redactor`](crate::Redactor) (with each secret also as CMD was given it), a secret split
//!   across writes included, each stream in order; once CMD ends its output is drained for at
//!   most 10 s, and output that could not be written makes a successful run exit 1. Without
//!   `--mask` CMD keeps the terminal. `--files` writes each secret to a file (0600) in a
//!   private directory (0700, under `$XDG_RUNTIME_DIR` when set, else the temporary
//!   directory), sets `NAME_FILE` instead of `NAME`, and removes the directory as soon as CMD
//!   ends, whatever ended it (a SIGKILL of this process itself leaves it behind). A program
//!   that cannot start exits 127 (not found) or 126, its name masked in the message.
//! - `env-example [--check PATH]`: the `.env.example`, or exit 1 with a diff when a committed
//!   one is stale.
//! - `docs`: a Markdown table of the contract.
//!
//! ```no_run
//! # use secrets_core::{SecretContract, SecretString};
//! # #[derive(SecretContract)]
//! # struct AppSecrets {
//! #     #[secret(required)]
//! #     database_url: SecretString,
//! # }
//! // `myservice secrets check --strict` runs the check; anything else starts the service.
//! if std::env::args().nth(1).as_deref() == Some("secrets") {
//!     std::process::exit(secrets_core::cli::run_from::<AppSecrets>(std::env::args_os().skip(1)));
//! }
//! ```

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command};

use secrecy::zeroize::Zeroize;

use crate::exit::Orchestrator;
use crate::reports::table::{Look, render};
use crate::reports::terminal::line;
use crate::sources::read::read_regular;
use crate::{DEFAULT_MAX_FILE_SIZE, Group, Policy, SecretContract, Sources};

/// Runs the subcommand named by the process arguments and exits with its status.
pub fn run<C: SecretContract>() -> ! {
    std::process::exit(run_from::<C>(std::env::args_os()))
}

/// Runs the subcommand in `args` (the first is the command's own name) and returns the exit status:
/// 0 when it holds, 78 when `check` fails (or `run` before starting anything), 1 for a stale
/// `.env.example`, 2 for bad usage; `run` returns its child's status.
pub fn run_from<C: SecretContract>(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> i32 {
    run_from_with::<C>(args, |sources| sources)
}

/// Like [`run_from`], with the sources the program itself adds to the standard chain (a secrets
/// directory, Vault), so `check` judges what the program will load.
pub fn run_from_with<C: SecretContract>(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    extend: impl Fn(Sources) -> Sources,
) -> i32 {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let mut command = command::<C>();
    let shown = shown_name(args.first());
    if let Some(name) = &shown {
        command = command.bin_name(name);
    }
    // The command a hint tells the user to run: as this program was run.
    let own_name = args.first().and_then(|first| Path::new(first).file_name()).map(|name| name.to_string_lossy());
    let program = shown.unwrap_or_else(|| own_name.map_or_else(|| "secrets".to_owned(), std::borrow::Cow::into_owned));
    match command.try_get_matches_from(args) {
        Ok(matches) => {
            let colour = crate::reports::table::takes_colour(
                stdout.is_terminal(),
                std::env::var_os("NO_COLOR").as_deref(),
                std::env::var_os("TERM").as_deref(),
            );
            let out = Streams { out: &mut stdout, err: &mut stderr, colour };
            execute::<C>(&matches, &program, &extend, &Orchestrator::from_env(), out)
        }
        Err(error) => {
            let _ = error.print();
            error.exit_code()
        }
    }
}

/// The name usage and help show: the program and the command word it was given
/// (`service secrets`), when the arguments start below the program's own (`args_os().skip(1)`).
fn shown_name(first: Option<&OsString>) -> Option<String> {
    let first = Path::new(first?).file_name()?.to_string_lossy().into_owned();
    let program = std::env::args_os().next()?;
    let program = Path::new(&program).file_name()?.to_string_lossy().into_owned();
    (program != first).then(|| format!("{program} {first}"))
}

fn command<C: SecretContract>() -> Command {
    let env_file = || {
        Arg::new("env-file")
            .long("env-file")
            .value_name("PATH")
            .value_parser(clap::value_parser!(PathBuf))
            .help("Read this .env file instead of the nearest one")
    };
    let policy_args = || {
        [
            Arg::new("include-billing")
                .long("include-billing")
                .action(ArgAction::SetTrue)
                .help("Missing billing secrets are errors"),
            Arg::new("strict")
                .long("strict")
                .action(ArgAction::SetTrue)
                .help("Missing billing and external secrets are errors"),
        ]
    };
    let policy_group = || ArgGroup::new("policy").args(["include-billing", "strict"]);
    let plain = || {
        Arg::new("plain")
            .long("plain")
            .action(ArgAction::SetTrue)
            .help("ASCII markers instead of emoji, and no colour (colour is off for pipes and under NO_COLOR)")
    };
    let secrets = Command::new("secrets")
        .about(format!("Check the {} secrets contract without starting the program", C::spec().name()))
        .subcommand_required(true)
        .subcommand(
            Command::new("status")
                .about("Show every variable's state and origin, never a value")
                .arg(Arg::new("json").long("json").action(ArgAction::SetTrue).help("Print JSON"))
                .arg(plain())
                .arg(env_file()),
        )
        .subcommand(
            Command::new("check")
                .about("Exit 0 when the policy holds, 78 with every problem when not")
                .args(policy_args())
                .group(policy_group())
                .arg(
                    Arg::new("check-unknown")
                        .long("check-unknown")
                        .action(ArgAction::SetTrue)
                        .help("Report variables with the contract's prefix that it does not declare"),
                )
                .arg(plain())
                .arg(env_file()),
        );
    // `run` exists on unix, where a child's signals and files can be handled.
    #[cfg(unix)]
    let secrets = secrets.subcommand(run_command(policy_args(), policy_group(), env_file()));
    secrets
        .subcommand(
            Command::new("env-example").about("Print the .env.example, or check a committed one").arg(
                Arg::new("check")
                    .long("check")
                    .value_name("PATH")
                    .value_parser(clap::value_parser!(PathBuf))
                    .help("Exit 1 with a diff when this file differs from the contract"),
            ),
        )
        .subcommand(Command::new("docs").about("Print a Markdown table of the contract"))
}

/// `run`: the policy, then CMD with the contract's variables.
#[cfg(unix)]
fn run_command(policy: [Arg; 2], group: ArgGroup, env_file: Arg) -> Command {
    let flag = |name: &'static str, help: &'static str| Arg::new(name).long(name).action(ArgAction::SetTrue).help(help);
    Command::new("run")
        .about(
            "Judge the policy, then run CMD with the contract's variables (exit 78 and nothing started when it fails)",
        )
        .args(policy)
        .group(group)
        .arg(env_file)
        .arg(flag(
            "clean-env",
            "Give CMD only the contract's variables and PATH, HOME, USER, LANG, LC_*, TZ, TERM, TMPDIR",
        ))
        .arg(flag("mask", "Mask the contract's secrets in CMD's stdout and stderr"))
        .arg(flag("files", "Hand each secret as a file in a private directory, with NAME_FILE instead of NAME"))
        .arg(
            Arg::new("command")
                .value_name("CMD")
                .num_args(1..)
                .required(true)
                .trailing_var_arg(true)
                .value_parser(clap::value_parser!(OsString))
                .help("The program to run and its arguments, after `--`"),
        )
}

/// The policy `--include-billing` or `--strict` asks for, and how `check` names it.
fn policy(matches: &ArgMatches) -> (Policy, &'static str) {
    if matches.get_flag("strict") {
        (Policy::strict(), "--strict")
    } else if matches.get_flag("include-billing") {
        (Policy::startup().include_billing(true), "--include-billing")
    } else {
        (Policy::startup(), "the startup policy")
    }
}

/// Where a subcommand writes, and whether its standard output takes colour.
struct Streams<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    colour: bool,
}

/// Runs the subcommand in `matches`; `program` is how the user runs this command (`myservice
/// secrets`), for the hints printed.
fn execute<C: SecretContract>(
    matches: &ArgMatches,
    program: &str,
    extend: &dyn Fn(Sources) -> Sources,
    orchestrator: &Orchestrator,
    Streams { out, err, colour }: Streams<'_>,
) -> i32 {
    let look = |matches: &ArgMatches| Look::new(colour, matches.get_flag("plain"));
    let sources = |matches: &ArgMatches| {
        extend(match matches.get_one::<PathBuf>("env-file") {
            Some(path) => Sources::new().credentials().file_indirection().env().dotenv_file(path),
            None => Sources::standard(),
        })
    };
    // The exit status is decided before anything is written, and kept whether or not the
    // report could be written (`2>/dev/full`, a closed pipe): a failing check never exits 0.
    match matches.subcommand() {
        Some(("status", sub)) => {
            let report = C::status_from(&sources(sub));
            let text = if sub.get_flag("json") { report.to_json() } else { render(&report, look(sub)) };
            let _ = writeln!(out, "{text}");
            0
        }
        Some(("check", sub)) => {
            let (policy, under) = policy(sub);
            if sub.get_flag("check-unknown") && C::spec().prefixes().is_empty() {
                // Without a prefix every variable of the host would be unknown: say so, not nothing.
                let _ = writeln!(
                    err,
                    "note: --check-unknown checks nothing: {} has no #[contract(prefix = \"...\")] to tell its variables by",
                    C::spec().name()
                );
            }
            match C::validate_from(&sources(sub), policy.check_unknown(sub.get_flag("check-unknown"))) {
                Ok(report) => {
                    let _ = writeln!(out, "{}", render(&report, look(sub)));
                    let _ = writeln!(out, "check passed: {} can start under {under}", C::spec().name());
                    0
                }
                Err(error) => orchestrator.fail(&error, err),
            }
        }
        #[cfg(unix)]
        Some(("run", sub)) => run_child::<C>(sub, &sources(sub), orchestrator, err),
        Some(("env-example", sub)) => {
            let expected = C::env_example();
            match sub.get_one::<PathBuf>("check") {
                None => {
                    let _ = write!(out, "{expected}");
                    0
                }
                Some(path) => check_example(path, &expected, C::spec().names(), program, out, err),
            }
        }
        Some(("docs", _)) => {
            let _ = write!(out, "{}", docs::<C>());
            0
        }
        _ => unreachable!("clap requires a known subcommand"),
    }
}

/// `run`: loads under the policy (exit 78 and nothing started when it fails), then runs the child.
#[cfg(unix)]
fn run_child<C: SecretContract>(
    matches: &ArgMatches,
    sources: &Sources,
    orchestrator: &Orchestrator,
    err: &mut dyn Write,
) -> i32 {
    let contract = match crate::load::load_reporting::<C>(sources, policy(matches).0) {
        Ok((contract, report)) => {
            for warning in report.iter().flat_map(crate::StatusReport::warning_lines) {
                let _ = writeln!(err, "secrets run: warning: {warning}");
            }
            contract
        }
        Err(error) => return orchestrator.fail(&error, err),
    };
    let options = crate::process::run::RunOptions {
        clean_env: matches.get_flag("clean-env"),
        mask: matches.get_flag("mask"),
        files: matches.get_flag("files"),
        command: matches.get_many::<OsString>("command").map(|values| values.cloned().collect()).unwrap_or_default(),
    };
    crate::process::run::run(&contract, &options, err)
}

/// Compares a committed `.env.example` with the contract's; 0 when equal, 1 with a diff when not.
///
/// The committed file may be a real `.env` copied over it, so its lines are shown by line number
/// and, for a variable the contract declares, its name; never with their text.
fn check_example(
    path: &Path,
    expected: &str,
    declared: &[&str],
    program: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    // The path and the program name are the user's text: shown on one line, escapes written out.
    let shown = line(&path.display());
    let regenerate = line(&format_args!("regenerate it with `{program} env-example > {shown}`"));
    let committed = match read_regular(path, DEFAULT_MAX_FILE_SIZE) {
        Ok(file) => String::from_utf8(file.into_bytes()).map_err(|error| {
            error.into_bytes().zeroize();
            "is not valid UTF-8".to_owned()
        }),
        Err(error) => Err(error.to_string()),
    };
    let mut committed = match committed {
        Ok(text) => text,
        Err(reason) => {
            let _ = writeln!(err, "{shown} {}; {regenerate}", line(&reason));
            return 1;
        }
    };
    let status = if committed == expected {
        let _ = writeln!(out, "{shown} is up to date");
        0
    } else {
        let _ = writeln!(err, "{shown} is stale; {regenerate}:");
        let _ = write!(err, "{}", line_diff(&committed, expected, declared));
        1
    };
    committed.zeroize();
    status
}

/// The largest diff table computed; past it the files are said to differ, with their lengths.
const MAX_DIFF_CELLS: usize = 1 << 22;

/// The most differing lines shown; the rest are counted.
const MAX_DIFF_LINES: usize = 200;

/// A line diff: `-` for lines only in `old`, shown by line number (and declared variable name),
/// and `+` for lines only in `new`, shown whole (they are the contract's own text).
fn line_diff(old: &str, new: &str, declared: &[&str]) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    if (old.len() + 1).saturating_mul(new.len() + 1) > MAX_DIFF_CELLS {
        return format!("(too different to show line by line: {} lines, expected {})\n", old.len(), new.len());
    }
    // Longest common subsequence table, from the end.
    let mut lcs = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            lcs[i][j] = if old[i] == new[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut diff, mut shown) = (0, 0, String::new(), 0);
    while i < old.len() || j < new.len() {
        let line = if i < old.len() && j < new.len() && old[i] == new[j] {
            (i, j) = (i + 1, j + 1);
            continue;
        } else if i < old.len() && (j == new.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            i += 1;
            format!("-line {i}: {}", line_shape(old[i - 1], declared))
        } else {
            j += 1;
            format!("+{}", new[j - 1])
        };
        shown += 1;
        if shown <= MAX_DIFF_LINES {
            let _ = writeln!(diff, "{line}");
        }
    }
    if shown > MAX_DIFF_LINES {
        let _ = writeln!(diff, "(and {} more differing lines)", shown - MAX_DIFF_LINES);
    }
    diff
}

/// What a line of a committed file is, without its text: `NAME=…` for a variable the contract
/// declares (a line inside a multi-line value, or of another file, may look like any name), a
/// comment, blank, or another line.
fn line_shape(line: &str, declared: &[&str]) -> String {
    let trimmed = line.trim_start();
    let assignment = trimmed.strip_prefix("export ").unwrap_or(trimmed).split_once('=');
    match assignment {
        _ if trimmed.is_empty() => "blank".to_owned(),
        _ if trimmed.starts_with('#') => "a comment (not shown)".to_owned(),
        Some((name, _)) if declared.contains(&name.trim_end()) => format!("{}=… (value not shown)", name.trim_end()),
        _ => "a line (not shown)".to_owned(),
    }
}

/// A Markdown table: variable, section, kind, category, description, accepted values, default.
fn docs<C: SecretContract>() -> String {
    let spec = C::spec();
    let mut table = format!(
        "# {}\n\n| Variable | Section | Kind | Category | Description | Values | Default |\n|---|---|---|---|---|---|---|\n",
        spec.name()
    );
    for var in spec.vars() {
        let kind = var.kind().as_str();
        let default = var.default().map(|default| format!("`{}`", cell(default))).unwrap_or_default();
        let section = match var.section() {
            None => String::new(),
            Some(section) => match section.group() {
                Group::Always => format!("`{}`", section.field()),
                Group::EnabledBy(switch) => format!("`{}` (when `{switch}`)", section.field()),
                Group::AllOrNone => format!("`{}` (all or none)", section.field()),
            },
        };
        let category = match var.required_if() {
            Some(switch) => format!("required if `{switch}`"),
            None => var.category().to_string(),
        };
        let mut description = cell(var.description());
        for alias in var.aliases() {
            let _ = write!(description, " (alias `{alias}`)");
        }
        for old in var.deprecated_names() {
            let _ = write!(description, " (formerly `{old}`)");
        }
        let values = var.accepted().iter().map(|value| format!("`{}`", cell(value))).collect::<Vec<_>>().join(", ");
        let _ = writeln!(
            table,
            "| `{}` | {section} | {kind} | {category} | {} | {values} | {default} |",
            var.name(),
            description.trim_start()
        );
    }
    table
}

/// Text made safe for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_diff_shows_removed_and_added_lines() {
        let diff = line_diff("A=\n# old\nB=\n", "A=\n# new\nB=\nC=\n", &["A", "B", "C"]);
        assert_eq!(diff, "-line 2: a comment (not shown)\n+# new\n+C=\n");
        // A continuation line of a multi-line value looks like a name: only declared ones show.
        let old = "export TOKEN=hunter2-value\nweird hunter2\n\nZm9vYmFyYmF6cXV4=\n";
        let diff = line_diff(old, "TOKEN=\n", &["TOKEN"]);
        assert_eq!(
            diff,
            "-line 1: TOKEN=… (value not shown)\n-line 2: a line (not shown)\n-line 3: blank\n-line 4: a line (not shown)\n+TOKEN=\n"
        );
        let huge = "\n".repeat(1 << 20);
        let diff = line_diff(&huge, "A=\nB=\nC=\nD=\n", &["A"]);
        assert!(diff == "(too different to show line by line: 1048576 lines, expected 4)\n", "{}", &diff[..100]);
        let diff = line_diff(&"\n".repeat(1000), "A=\n", &["A"]);
        assert!(diff.lines().count() == MAX_DIFF_LINES + 1 && diff.ends_with("(and 801 more differing lines)\n"));
        assert_eq!(line_diff("same\n", "same\n", &[]), "");
    }

    #[derive(crate::SecretContract)]
    #[contract(prefix = "SHOP_")]
    struct Shop {
        #[secret(required)]
        stripe_key: crate::SecretString,
    }

    /// Runs `args` for contract `C`, as for a standard output that takes colour or not.
    fn run_for<C: SecretContract>(args: &[&str], colour: bool) -> (i32, String, String) {
        let matches = command::<C>().try_get_matches_from(args).unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let to = Streams { out: &mut out, err: &mut err, colour };
        let code = execute::<C>(&matches, "secrets", &|sources| sources, &Orchestrator::none(), to);
        (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    fn run_in_process(args: &[&str]) -> (i32, String, String) {
        run_for::<Shop>(args, false)
    }

    #[derive(crate::SecretContract)]
    #[contract(prefix = "DESK_")]
    struct Desk {
        #[secret(required)]
        api_key: crate::SecretString,
        /// Signs outgoing webhooks
        #[secret(optional)]
        webhook_signing_secret: Option<crate::SecretString>,
        #[config(default = "8080")]
        port: u16,
    }

    #[test]
    fn status_aligns_its_columns_with_colour_on_a_terminal_and_ascii_when_plain() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".env");
        std::fs::write(&file, "DESK_API_KEY=sk_desk_0123456789\n").unwrap();
        let file = file.to_str().unwrap();
        let column = |line: &str, word: &str| line[..line.find(word).unwrap()].chars().count();
        for check in [false, true] {
            let args: &[&str] = if check { &["secrets", "check"] } else { &["secrets", "status"] };
            let (code, out, _) = run_for::<Desk>(&[args, &["--env-file", file]].concat(), false);
            assert_eq!(code, 0, "{out}");
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(lines[0], "Desk: ok");
            assert!(lines[1].starts_with("✅ DESK_API_KEY ") && lines[1].ends_with("REQ     from .env:1"), "{out}");
            assert!(lines[2].contains("missing") && lines[2].ends_with("OPT     Signs outgoing webhooks"), "{out}");
            let states: Vec<usize> = lines[1..4]
                .iter()
                .zip(["configured", "missing", "configured"])
                .map(|(line, state)| column(line, state))
                .collect();
            let tags: Vec<usize> =
                lines[1..4].iter().zip(["REQ", "OPT", "CONFIG"]).map(|(line, tag)| column(line, tag)).collect();
            assert!(states.windows(2).all(|w| w[0] == w[1]) && tags.windows(2).all(|w| w[0] == w[1]), "{out}");
            assert!(!out.contains('\x1b'), "no colour for a pipe: {out}");

            let (_, plain, _) = run_for::<Desk>(&[args, &["--plain", "--env-file", file]].concat(), true);
            let plain_lines: Vec<&str> = plain.lines().collect();
            assert!(
                plain_lines[1].starts_with("ok    DESK_API_KEY ") && plain_lines[2].starts_with("-     DESK_WEBHOOK"),
                "{plain}"
            );
            assert!(plain.is_ascii() && !plain.contains('\x1b'), "--plain is ASCII without colour: {plain}");
            let plain_states: Vec<usize> = plain_lines[1..4]
                .iter()
                .zip(["configured", "missing", "configured"])
                .map(|(line, state)| column(line, state))
                .collect();
            assert!(plain_states.windows(2).all(|w| w[0] == w[1]), "{plain}");

            let (_, coloured, _) = run_for::<Desk>(&[args, &["--env-file", file]].concat(), true);
            assert!(coloured.contains("\x1b[32mconfigured") && coloured.contains("\x1b[0m"), "{coloured}");
        }
    }

    #[test]
    fn check_unknown_reports_undeclared_prefixed_names() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".env");
        std::fs::write(
            &file,
            "SHOP_STRIPE_KEY=sk_x
SHOP_STRIPE_KYE=sk_y
",
        )
        .unwrap();
        let file = file.to_str().unwrap();
        let (code, out, _) = run_in_process(&["secrets", "check", "--env-file", file]);
        assert_eq!((code, out.contains("not declared")), (0, false));
        let (code, out, _) = run_in_process(&["secrets", "check", "--check-unknown", "--env-file", file]);
        assert_eq!(code, 0);
        assert!(
            out.contains("⚠️ SHOP_STRIPE_KYE is set but not declared by the contract (did you mean SHOP_STRIPE_KEY?)")
        );
        let (code, _, err) = run_in_process(&["secrets", "check", "--strict", "--check-unknown", "--env-file", file]);
        assert_eq!(code, crate::EX_CONFIG);
        assert!(err.contains("  SHOP_STRIPE_KYE is set but not declared by the contract"), "{err}");
    }

    /// A `.env` path holding an escape sequence (OSC 52 sets a terminal's clipboard) is shown
    /// with the escape written out, by `status`, `check` and the failure `check` prints.
    #[cfg(unix)]
    #[test]
    fn control_characters_in_a_path_never_reach_the_terminal() {
        let dir = tempfile::tempdir().unwrap();
        let hostile = dir.path().join("x\u{1b}]52;c;SGVsbG8=\u{7}\u{9b}2J");
        std::fs::create_dir(&hostile).unwrap();
        let file = hostile.join(".env");
        std::fs::write(&file, "DESK_PORT=80\n").unwrap();
        let file = file.to_str().unwrap();
        for args in [&["secrets", "status"][..], &["secrets", "check"], &["secrets", "check", "--strict"]] {
            for colour in [false, true] {
                let (_, out, err) = run_for::<Desk>(&[args, &["--env-file", file]].concat(), colour);
                let shown = format!("{out}{err}");
                assert!(!shown.contains(']') || shown.contains("\\u{1b}]52"), "{shown:?}");
                assert!(!shown.contains('\u{7}') && !shown.contains('\u{9b}'), "{shown:?}");
                let escapes = shown.matches('\u{1b}').count();
                assert_eq!(escapes, shown.matches("\u{1b}[").count(), "only colour codes: {shown:?}");
            }
        }
    }

    #[derive(crate::SecretContract)]
    struct Unprefixed {
        #[secret(required)]
        stripe_key: crate::SecretString,
    }

    #[test]
    fn check_unknown_without_a_prefix_says_it_checks_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".env");
        std::fs::write(&file, "STRIPE_KEY=sk_x\nSTRIPE_KYE=sk_y\n").unwrap();
        let args = ["secrets", "check", "--check-unknown", "--env-file", file.to_str().unwrap()];
        let matches = command::<Unprefixed>().try_get_matches_from(args).unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = execute::<Unprefixed>(
            &matches,
            "secrets",
            &|sources| sources,
            &Orchestrator::none(),
            Streams { out: &mut out, err: &mut err, colour: false },
        );
        let err = String::from_utf8(err).unwrap();
        assert_eq!(code, 0);
        assert!(err.contains("note: --check-unknown checks nothing: Unprefixed has no #[contract(prefix"), "{err}");
    }

    #[test]
    fn cells_escape_pipes_and_newlines() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }
}
