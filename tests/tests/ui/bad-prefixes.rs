use secrets_core::SecretContract;

#[derive(SecretContract)]
#[contract(prefix = "APP")]
struct One {
    #[config]
    a: Option<String>,
}

#[derive(SecretContract)]
#[contract(prefix = "app_")]
struct Two {
    #[config]
    a: Option<String>,
}

#[derive(SecretContract)]
#[contract(prefix = "1APP_")]
struct Three {
    #[config]
    a: Option<String>,
    #[nested(prefix = "db-")]
    db: One,
}

fn main() {}
