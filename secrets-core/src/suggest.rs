//! "Did you mean": near misses between declared names and the names a source holds.

/// The name in `candidates` that `wanted` was most likely meant to be, if one is close enough.
///
/// Close means: the same but for case (`database_url`), the same but for a prefix
/// (`APP_DATABASE_URL` for `DATABASE_URL`, or the reverse), or a small edit distance
/// (`DATABSE_URL`: at most one edit per five characters).
pub(crate) fn near_miss<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|candidate| *candidate != wanted)
        .filter_map(|candidate| distance(wanted, candidate).map(|distance| (distance, candidate)))
        .min_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.cmp(y)))
        .map(|(_, candidate)| candidate)
}

/// How far `candidate` is from `wanted`, or `None` when it is not a plausible typo of it.
fn distance(wanted: &str, candidate: &str) -> Option<usize> {
    if wanted.eq_ignore_ascii_case(candidate) {
        return Some(0);
    }
    if is_prefixed(wanted, candidate) || is_prefixed(candidate, wanted) {
        return Some(1);
    }
    // One edit per five characters: short names only match by case or prefix.
    let limit = wanted.len() / 5;
    // Lengths that differ by more than the limit cannot be within it.
    if limit == 0 || wanted.len().abs_diff(candidate.len()) > limit {
        return None;
    }
    let distance = edit_distance(&wanted.to_ascii_uppercase(), &candidate.to_ascii_uppercase());
    (distance <= limit).then_some(distance + 1)
}

/// Whether `long` is `short` with a `SOMETHING_` prefix.
fn is_prefixed(short: &str, long: &str) -> bool {
    long.len() > short.len() && long.ends_with(short) && long.as_bytes()[long.len() - short.len() - 1] == b'_'
}

/// Levenshtein distance over bytes (variable names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_case_prefix_and_typo_near_misses() {
        assert_eq!(near_miss("DATABASE_URL", ["database_url", "PATH"]), Some("database_url"));
        assert_eq!(near_miss("DATABASE_URL", ["APP_DATABASE_URL", "HOME"]), Some("APP_DATABASE_URL"));
        assert_eq!(near_miss("APP_DATABASE_URL", ["DATABASE_URL"]), Some("DATABASE_URL"));
        assert_eq!(near_miss("DATABASE_URL", ["DATABSE_URL"]), Some("DATABSE_URL"));
        assert_eq!(near_miss("REDIS_URL", ["REDIS_URI", "REDIS_HOST"]), Some("REDIS_URI"));
    }

    #[test]
    fn ignores_unrelated_names() {
        assert_eq!(near_miss("DATABASE_URL", ["PATH", "HOME", "RUST_LOG", "DATABASE_URL"]), None);
        assert_eq!(near_miss("API_KEY", ["APP_KEY_ID"]), None);
        assert_eq!(near_miss("PORT", ["SORT_ORDER"]), None);
        assert_eq!(near_miss("URL", ["AWS_URL_X"]), None);
        assert_eq!(near_miss("PORT", ["SORT"]), None);
    }

    #[test]
    fn prefers_the_closest_candidate() {
        assert_eq!(near_miss("OPENAI_API_KEY", ["OPENAI_API_KEYS", "openai_api_key"]), Some("openai_api_key"));
    }
}
