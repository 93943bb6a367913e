//! The `sourcemap` crate as a peer of tests/diff/run.py.
//!
//! Reads one map path per line on standard input and answers each with one
//! JSON line: `{"ok":true,"tokens":[...],"sources":[...]}` or
//! `{"ok":false,"error":"..."}`. A token is
//! `[dst_line, dst_col, src or null, src_line, src_col, name or null]`.
//! Index maps are flattened, as the crate's users do.
use serde_json::{json, Value};
use sourcemap::{decode_slice, DecodedMap, SourceMap};
use std::io::{BufRead, Write};

fn parse(bytes: &[u8]) -> Result<SourceMap, String> {
    match decode_slice(bytes).map_err(|e| e.to_string())? {
        DecodedMap::Regular(sm) => Ok(sm),
        DecodedMap::Index(idx) => idx.flatten().map_err(|e| e.to_string()),
        DecodedMap::Hermes(h) => Ok((*h).clone()),
    }
}

fn answer(path: &str) -> Value {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return json!({"ok": false, "error": format!("read: {}", e)}),
    };
    let sm = match parse(&bytes) {
        Ok(sm) => sm,
        Err(e) => return json!({"ok": false, "error": e}),
    };
    let tokens: Vec<Value> = sm
        .tokens()
        .map(|t| {
            let src = if t.get_src_id() == !0 { Value::Null } else { json!(t.get_source()) };
            json!([t.get_dst_line(), t.get_dst_col(), src, t.get_src_line(),
                   t.get_src_col(), t.get_name()])
        })
        .collect();
    let sources: Vec<Value> = (0..sm.get_source_count())
        .map(|i| json!(sm.get_source(i)))
        .collect();
    json!({"ok": true, "tokens": tokens, "sources": sources})
}

fn main() {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line.expect("read request");
        if line.is_empty() {
            continue;
        }
        // A panic inside the crate is an answer too, not the end of the run.
        let v = std::panic::catch_unwind(|| answer(&line))
            .unwrap_or_else(|_| json!({"ok": false, "error": "panic"}));
        writeln!(out, "{}", v).expect("write");
        out.flush().expect("flush");
    }
}
