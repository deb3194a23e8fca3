//! The variables declared as secrets by `#[derive(SecretContract)]` structs, and string `const`s.

use std::collections::HashMap;

use syn::visit::Visit;
use syn::{Attribute, ItemStruct, LitStr};

/// What every file declares: secret variables (name to contract) and string constants.
#[derive(Default)]
pub(crate) struct Declarations {
    pub(crate) secrets: HashMap<String, String>,
    pub(crate) constants: HashMap<String, String>,
}

impl Declarations {
    /// Adds what one parsed file declares.
    pub(crate) fn collect(&mut self, file: &syn::File) {
        self.visit_file(file);
    }
}

impl<'ast> Visit<'ast> for Declarations {
    fn visit_item_struct(&mut self, item: &'ast ItemStruct) {
        if derives_contract(&item.attrs) {
            let prefix = contract_prefix(&item.attrs).unwrap_or_default();
            for field in &item.fields {
                let Some(ident) = &field.ident else { continue };
                let Some(attr) = field.attrs.iter().find(|attr| attr.path().is_ident("secret")) else {
                    continue;
                };
                let name = env_key(attr).unwrap_or_else(|| {
                    format!("{prefix}{}", ident.to_string().trim_start_matches("r#").to_ascii_uppercase())
                });
                self.secrets.insert(name, item.ident.to_string());
            }
        }
        syn::visit::visit_item_struct(self, item);
    }

    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(value), .. }) = &*item.expr {
            self.constants.insert(item.ident.to_string(), value.value());
        }
        syn::visit::visit_item_const(self, item);
    }

    fn visit_impl_item_const(&mut self, item: &'ast syn::ImplItemConst) {
        if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(value), .. }) = &item.expr {
            self.constants.insert(item.ident.to_string(), value.value());
        }
        syn::visit::visit_impl_item_const(self, item);
    }
}

fn derives_contract(attrs: &[Attribute]) -> bool {
    attrs.iter().filter(|attr| attr.path().is_ident("derive")).any(|attr| {
        let mut found = false;
        let _ = attr.parse_nested_meta(|meta| {
            found |= meta.path.segments.last().is_some_and(|segment| segment.ident == "SecretContract");
            Ok(())
        });
        found
    })
}

fn contract_prefix(attrs: &[Attribute]) -> Option<String> {
    let attr = attrs.iter().find(|attr| attr.path().is_ident("contract"))?;
    let mut prefix = None;
    let _ = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("prefix") {
            prefix = Some(meta.value()?.parse::<LitStr>()?.value());
        }
        Ok(())
    });
    prefix
}

/// The `env = "NAME"` of a `#[secret(...)]`, skipping every other key.
fn env_key(attr: &Attribute) -> Option<String> {
    let mut env = None;
    let _ = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("env") {
            env = Some(meta.value()?.parse::<LitStr>()?.value());
        } else if meta.input.peek(syn::Token![=]) {
            meta.value()?.parse::<syn::Expr>()?;
        }
        Ok(())
    });
    env
}
