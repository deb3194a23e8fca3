//! One pass over each file's syntax tree: every environment read, resolved through `use` aliases.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use proc_macro2::Span;
use serde::Serialize;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, Token, UseTree};

use crate::contracts::Declarations;
use crate::names::looks_secret;

/// Calls that read one named variable.
const NAMED_READS: [&str; 4] = ["std::env::var", "std::env::var_os", "dotenvy::var", "dotenv::var"];
/// Calls that read every variable at once.
const WHOLE_READS: [&str; 4] = ["std::env::vars", "std::env::vars_os", "dotenvy::vars", "dotenv::vars"];
/// Macros that read a variable at compile time.
const MACRO_READS: [&str; 3] = ["env", "option_env", "dotenv"];
/// The comment that marks a justified read, on its line or the line above.
const ALLOW: &str = "secrets-lint: allow";

/// A read that bypasses a contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The source file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The variable, when the read names one.
    pub variable: Option<String>,
    /// The function or macro, resolved through aliases (`std::env::var`, `env!`).
    pub read: String,
    /// Why it is reported.
    pub why: Why,
}

/// Why a read is reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    /// The name looks like a secret.
    LooksSecret,
    /// A contract of the same sources declares it.
    Declared {
        /// The contract struct.
        contract: String,
    },
    /// The whole environment is read, secrets included.
    WholeEnvironment,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: ", self.file.display(), self.line, self.column)?;
        match (&self.why, &self.variable) {
            (Why::Declared { contract }, Some(name)) => write!(
                f,
                "{name} is read with {} behind the back of contract `{contract}`; use its accessor",
                self.read
            )?,
            (_, Some(name)) => write!(
                f,
                "{name} looks like a secret and is read with {}; declare it in a #[derive(SecretContract)] struct",
                self.read
            )?,
            (_, None) => write!(
                f,
                "{} reads every variable, secrets included; read named variables through a contract",
                self.read
            )?,
        }
        write!(f, " (or justify it with `// {ALLOW}(reason)`)")
    }
}

/// A file that does not parse as Rust.
#[derive(Debug)]
pub struct ParseFailure {
    /// The file.
    pub file: PathBuf,
    /// What went wrong: the parser's message and line, or the I/O error.
    pub message: String,
}

/// Lints `files`, each read and parsed once; findings sorted by file and position.
pub fn lint(files: &[PathBuf]) -> (Vec<Finding>, Vec<ParseFailure>) {
    let mut failures = Vec::new();
    let parsed: Vec<(PathBuf, String, syn::File)> = files
        .iter()
        .filter_map(|file| {
            let parse = std::fs::read_to_string(file).map_err(|error| error.to_string()).and_then(|text| {
                syn::parse_file(&text)
                    .map(|ast| (text, ast))
                    .map_err(|error| format!("line {}: {error}", error.span().start().line))
            });
            match parse {
                Ok((text, ast)) => Some((file.clone(), text, ast)),
                Err(message) => {
                    failures.push(ParseFailure { file: file.clone(), message });
                    None
                }
            }
        })
        .collect();
    let mut declarations = Declarations::default();
    for (_, _, ast) in &parsed {
        declarations.collect(ast);
    }
    let mut findings = Vec::new();
    for (file, text, ast) in &parsed {
        let mut reads = Reads { aliases: aliases(ast), declarations: &declarations, file, text, found: Vec::new() };
        reads.visit_file(ast);
        findings.append(&mut reads.found);
    }
    (findings, failures)
}

/// Local names for paths, from the file's `use` items: `env` for `std::env`, `v` for `std::env::var`.
struct Aliases {
    names: HashMap<String, String>,
    globs: Vec<String>,
}

fn aliases(ast: &syn::File) -> Aliases {
    struct Uses(Aliases);
    impl<'ast> Visit<'ast> for Uses {
        fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
            flatten(&item.tree, String::new(), &mut self.0);
        }
    }
    let mut uses = Uses(Aliases { names: HashMap::new(), globs: Vec::new() });
    uses.visit_file(ast);
    uses.0
}

fn flatten(tree: &UseTree, prefix: String, aliases: &mut Aliases) {
    let join = |name: &str| {
        if prefix.is_empty() { name.to_owned() } else { format!("{prefix}::{name}") }
    };
    match tree {
        UseTree::Path(path) => flatten(&path.tree, join(&path.ident.to_string()), aliases),
        UseTree::Name(name) if name.ident == "self" => {
            let last = prefix.rsplit("::").next().unwrap_or_default().to_owned();
            aliases.names.insert(last, prefix);
        }
        UseTree::Name(name) => {
            aliases.names.insert(name.ident.to_string(), join(&name.ident.to_string()));
        }
        UseTree::Rename(rename) => {
            let target = if rename.ident == "self" { prefix.clone() } else { join(&rename.ident.to_string()) };
            aliases.names.insert(rename.rename.to_string(), target);
        }
        UseTree::Glob(_) => aliases.globs.push(prefix),
        UseTree::Group(group) => {
            for tree in &group.items {
                flatten(tree, prefix.clone(), aliases);
            }
        }
    }
}

impl Aliases {
    /// The full path a written path stands for, aliases expanded.
    fn resolve(&self, path: &syn::Path) -> String {
        let segments: Vec<String> = path.segments.iter().map(|segment| segment.ident.to_string()).collect();
        let Some((first, rest)) = segments.split_first() else {
            return String::new();
        };
        let head = match self.names.get(first) {
            Some(full) if path.leading_colon.is_none() => full.clone(),
            _ => first.clone(),
        };
        let full = std::iter::once(head).chain(rest.iter().cloned()).collect::<Vec<_>>().join("::");
        // `use std::env::*;` then `var(..)`.
        if segments.len() == 1 && !self.names.contains_key(first) {
            for glob in &self.globs {
                let candidate = format!("{glob}::{first}");
                if NAMED_READS.contains(&candidate.as_str()) || WHOLE_READS.contains(&candidate.as_str()) {
                    return candidate;
                }
            }
        }
        full
    }
}

/// The visitor that records reads in one file.
struct Reads<'a> {
    aliases: Aliases,
    declarations: &'a Declarations,
    file: &'a Path,
    text: &'a str,
    found: Vec<Finding>,
}

impl Reads<'_> {
    fn record(&mut self, span: Span, read: String, variable: Option<String>) {
        let why = match &variable {
            None => Why::WholeEnvironment,
            Some(name) => match self.declarations.secrets.get(name) {
                Some(contract) => Why::Declared { contract: contract.clone() },
                None if looks_secret(name) => Why::LooksSecret,
                None => return,
            },
        };
        let start = span.start();
        if self.allowed(start.line) {
            return;
        }
        self.found.push(Finding {
            file: self.file.to_owned(),
            line: start.line,
            column: start.column + 1,
            variable,
            read,
            why,
        });
    }

    /// Whether the line, or the one above it, carries the allow comment.
    fn allowed(&self, line: usize) -> bool {
        let mut lines = self.text.lines().skip(line.saturating_sub(2));
        let above = if line >= 2 { lines.next() } else { None };
        let this = lines.next();
        [above, this].into_iter().flatten().any(|text| text.contains(ALLOW))
    }

    /// The variable named by a read's argument: a literal, a `const`, `&` of either, or `concat!`.
    fn name_of(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(value), .. }) => Some(value.value()),
            Expr::Reference(reference) => self.name_of(&reference.expr),
            Expr::Paren(paren) => self.name_of(&paren.expr),
            Expr::Path(path) => {
                let ident = path.path.segments.last()?.ident.to_string();
                self.declarations.constants.get(&ident).cloned()
            }
            Expr::Macro(mac) if mac.mac.path.is_ident("concat") => {
                let parts = mac.mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated).ok()?;
                parts.iter().map(|part| self.name_of(part)).collect()
            }
            _ => None,
        }
    }
}

impl<'ast> Visit<'ast> for Reads<'_> {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Expr::Path(path) = &*call.func {
            let full = self.aliases.resolve(&path.path);
            if NAMED_READS.contains(&full.as_str()) {
                // A name that cannot be known statically (`var(&name)`) is not reported.
                if let Some(name) = call.args.first().and_then(|arg| self.name_of(arg)) {
                    self.record(call.span(), full, Some(name));
                }
            } else if WHOLE_READS.contains(&full.as_str()) {
                self.record(call.span(), full, None);
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let last = mac.path.segments.last().map(|segment| segment.ident.to_string()).unwrap_or_default();
        let args = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated).ok();
        if MACRO_READS.contains(&last.as_str()) {
            if let Some(name) = args.as_ref().and_then(|args| args.first()).and_then(|arg| self.name_of(arg)) {
                self.record(mac.span(), format!("{last}!"), Some(name));
            }
        } else if let Some(args) = &args {
            // Reads inside `println!`, `format!`, `assert!` and the like.
            for arg in args {
                self.visit_expr(arg);
            }
        }
        syn::visit::visit_macro(self, mac);
    }
}
