//! Measures the `sourcemap` crate (getsentry/rust-sourcemap), for bench/run.py.
//!
//!     lsm-bench-rust MAP POSITIONS [--warm N] [--budget S] [--passes N]
//!
//! Prints one JSON object in the shape of bench/lsm_bench.c.
use sourcemap::{decode_slice, DecodedMap, SourceMap};
use std::time::Instant;

fn hwm() -> i64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    for line in s.lines() {
        if let Some(rest) = line.strip_prefix("VmHWM:") {
            let kb: i64 = rest.trim().trim_end_matches("kB").trim().parse().unwrap_or(-1);
            return kb * 1024;
        }
    }
    -1
}

fn parse(bytes: &[u8]) -> Result<SourceMap, String> {
    match decode_slice(bytes).map_err(|e| e.to_string())? {
        DecodedMap::Regular(sm) => Ok(sm),
        DecodedMap::Index(idx) => idx.flatten().map_err(|e| e.to_string()),
        DecodedMap::Hermes(h) => Ok((*h).clone()),
    }
}

fn list(v: &[f64]) -> String {
    let parts: Vec<String> = v.iter().map(|x| format!("{:e}", x)).collect();
    format!("[{}]", parts.join(","))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut warm, mut budget, mut passes) = (5usize, 3.0f64, 3usize);
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--warm" => { i += 1; warm = args[i].parse().unwrap(); }
            "--budget" => { i += 1; budget = args[i].parse().unwrap(); }
            "--passes" => { i += 1; passes = args[i].parse().unwrap(); }
            _ => files.push(args[i].clone()),
        }
        i += 1;
    }
    let bytes = std::fs::read(&files[0]).expect("read map");
    let pos: Vec<(u32, u32)> = std::fs::read_to_string(&files[1])
        .expect("read positions")
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut it = l.split(' ');
            (it.next().unwrap().parse().unwrap(), it.next().unwrap().parse().unwrap())
        })
        .collect();
    let (l0, c0) = pos[0];
    let mut out = format!(
        "{{\"impl\":\"rust-sourcemap\",\"version\":\"9.3.2\",\"map_bytes\":{},\"positions\":{}",
        bytes.len(),
        pos.len()
    );

    // Linux >= 4.0: VmHWM restarts from the current RSS
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let h0 = hwm();
    let t = Instant::now();
    let sm = match parse(&bytes) {
        Ok(sm) => sm,
        Err(e) => {
            println!("{},\"error\":{:?}}}", out, e);
            return;
        }
    };
    std::hint::black_box(sm.lookup_token(l0, c0));
    let cold = t.elapsed().as_secs_f64();
    let h1 = hwm();
    out += &format!(
        ",\"parse_cold_s\":{:e},\"mem_increase_bytes\":{},\"hwm_before_bytes\":{}",
        cold, h1 - h0, h0
    );

    let mut warm_s = Vec::new();
    let start = Instant::now();
    while warm_s.len() < warm && (warm_s.is_empty() || start.elapsed().as_secs_f64() < budget) {
        let t = Instant::now();
        let s = parse(&bytes).unwrap();
        std::hint::black_box(s.lookup_token(l0, c0));
        warm_s.push(t.elapsed().as_secs_f64());
    }
    out += &format!(",\"parse_warm_s\":{}", list(&warm_s));

    let (mut found, mut sum) = (0u64, 0u64);
    let mut lookup_s = Vec::new();
    for _ in 0..passes {
        found = 0;
        sum = 0;
        let t = Instant::now();
        for &(l, c) in &pos {
            if let Some(tok) = sm.lookup_token(l, c) {
                if tok.has_source() {
                    found += 1;
                    sum += tok.get_src_line() as u64 + tok.get_src_col() as u64;
                }
            }
        }
        lookup_s.push(t.elapsed().as_secs_f64());
    }
    out += &format!(
        ",\"lookup_s\":{},\"lookup_found\":{},\"lookup_checksum\":{}",
        list(&lookup_s),
        found,
        sum
    );

    let mut iter_s = Vec::new();
    let mut count = 0u64;
    for _ in 0..passes {
        let t = Instant::now();
        count = 0;
        for tok in sm.tokens() {
            std::hint::black_box(tok.get_dst_col());
            count += 1;
        }
        iter_s.push(t.elapsed().as_secs_f64());
    }
    out += &format!(",\"iter_s\":{},\"tokens\":{}}}", list(&iter_s), count);
    println!("{}", out);
}
