//! Property tests for the parsers that read untrusted input: version names, specs and pin files.

use gover_shim::pin::PinFile;
use gover_shim::{GoVersion, Pre, Spec};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

fn version() -> impl Strategy<Value = GoVersion> {
    let pre =
        prop_oneof![Just(None), (1u32..20).prop_map(|n| Some(Pre::Beta(n))), (1u32..20).prop_map(|n| Some(Pre::Rc(n)))];
    (1u32..3, 0u32..40, prop::option::of(0u32..40), pre).prop_map(|(major, minor, patch, pre)| GoVersion {
        major,
        minor,
        // Go names pre-releases without a patch number.
        patch: if pre.is_some() { None } else { patch },
        pre,
    })
}

/// Text at most a few edits away from a spec: a release name (with or without `go`), `latest` or
/// `system`, then up to three characters deleted, replaced or inserted. Random text is almost
/// never a version, so a property over it would barely reach past the parser's first check;
/// this is often one, and often nearly one (see [`near_versions_are_often_versions`]).
fn near_version() -> impl Strategy<Value = String> {
    let text = prop_oneof![
        version().prop_map(|v| v.to_string()),
        version().prop_map(|v| v.to_string().trim_start_matches("go").to_string()),
        Just("latest".to_string()),
        Just("system".to_string()),
    ];
    let character = prop_oneof![
        prop::char::range('0', '9'),
        prop::sample::select(vec!['.', 'g', 'o', 'r', 'c', 'b', '-', ' ']),
        any::<char>()
    ];
    // (where, remove the character there, insert this one): a deletion, a replacement or an insertion.
    let edit = (any::<prop::sample::Index>(), any::<bool>(), prop::option::of(character));
    (text, prop::collection::vec(edit, 0..=3)).prop_map(|(text, edits)| {
        let mut chars: Vec<char> = text.chars().collect();
        for (at, remove, insert) in edits {
            let at = at.index(chars.len() + 1);
            if remove && at < chars.len() {
                chars.remove(at);
            }
            if let Some(c) = insert {
                chars.insert(at, c);
            }
        }
        chars.into_iter().collect()
    })
}

/// Go's order, written independently: (major, minor, beta < rc < release, n, patch).
fn model_key(v: &GoVersion) -> (u32, u32, u8, u32, u32, bool) {
    let (stage, n) = match v.pre {
        Some(Pre::Beta(n)) => (0, n),
        Some(Pre::Rc(n)) => (1, n),
        None => (2, 0),
    };
    (v.major, v.minor, stage, n, v.patch.unwrap_or(0), v.patch.is_some())
}

proptest! {
    #[test]
    fn names_round_trip(v in version()) {
        prop_assert_eq!(GoVersion::parse(&v.to_string()), Some(v.clone()));
        prop_assert_eq!(GoVersion::parse(v.to_string().trim_start_matches("go")), Some(v));
    }

    #[test]
    fn order_matches_the_model(a in version(), b in version()) {
        prop_assert_eq!(a.cmp(&b), model_key(&a).cmp(&model_key(&b)));
    }

    #[test]
    fn a_line_spec_picks_the_newest_of_its_line(vs in prop::collection::vec(version(), 0..20), minor in 0u32..40) {
        let spec = Spec::Line { major: 1, minor };
        let expected = vs.iter().filter(|v| v.major == 1 && v.minor == minor).max();
        prop_assert_eq!(spec.pick(&vs), expected);
    }

    #[test]
    fn spec_parsing_accepts_only_version_characters_and_round_trips(s in near_version()) {
        if let Some(spec) = Spec::parse(&s) {
            prop_assert!(s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'), "{:?} accepted", s);
            prop_assert_eq!(Spec::parse(&spec.to_string()), Some(spec));
        }
    }

    #[test]
    fn pin_parsers_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        for kind in PinFile::ALL {
            match kind.parse(&bytes) {
                Ok(Some(pin)) => {
                    let lines = bytes.split(|&b| b == b'\n').count();
                    prop_assert!(pin.line >= 1 && pin.line <= lines);
                }
                Ok(None) => {}
                Err(e) => prop_assert!(e.line <= bytes.split(|&b| b == b'\n').count()),
            }
        }
    }

    #[test]
    fn pin_files_with_noise_around_a_version(v in version(), comments in prop::collection::vec("#[ -~]{0,30}", 0..4), crlf in any::<bool>(), blank in 0usize..3) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        for c in &comments { text.push_str(c); text.push_str(eol); }
        for _ in 0..blank { text.push_str("   "); text.push_str(eol); }
        text.push_str(&format!("  {v}  "));
        let pin = PinFile::GoVersion.parse(text.as_bytes()).unwrap().unwrap();
        prop_assert_eq!(pin.line, comments.len() + blank + 1);
        prop_assert!(pin.spec.matches(&v));
    }
}

/// The spec property above runs on text the parser accepts, not only on what it turns away at
/// the first character: a good share of [`near_version`]'s text parses, and a good share not.
#[test]
fn near_versions_are_often_versions() {
    let mut runner = TestRunner::deterministic();
    let texts: Vec<String> = (0..1000).map(|_| near_version().new_tree(&mut runner).unwrap().current()).collect();
    let parsed = texts.iter().filter(|t| Spec::parse(t).is_some()).count();
    assert!((300..=800).contains(&parsed), "{parsed} of 1000 parse: {:?}", &texts[..20]);
}
