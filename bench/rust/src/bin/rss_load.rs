//! One map loaded from a path in a fresh process, for bench/rss.py:
//!
//!     rss_load [MAP]
//!
//! Reads the file, parses it (index maps flattened), looks up the first
//! token's position and exits. Without MAP it only starts (the baseline).
use sourcemap::{decode_slice, DecodedMap};

fn main() {
    let path = match std::env::args().nth(1) {
        Some(p) if !p.is_empty() => p,
        _ => {
            println!("baseline");
            return;
        }
    };
    let bytes = std::fs::read(&path).expect("read map");
    let sm = match decode_slice(&bytes).expect("parse") {
        DecodedMap::Regular(sm) => sm,
        DecodedMap::Index(idx) => idx.flatten().expect("flatten"),
        DecodedMap::Hermes(h) => (*h).clone(),
    };
    let found = sm.get_token(0).map(|t| sm.lookup_token(t.get_dst_line(), t.get_dst_col()).is_some());
    println!("tokens {} found {:?}", sm.get_token_count(), found);
}
