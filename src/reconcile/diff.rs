//! Unified diffs (`diff -u` format) of a planned edit, for `--dry-run` and for the user to
//! review before anything is written.

use crate::shell::syntax::lines;

const CONTEXT: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Keep(usize, usize),
    Delete(usize),
    Insert(usize),
}

/// The unified diff from `old` to `new` of the file `label`; empty when they are equal. Lines without a final newline get git's `\ No newline at end of file`.
pub fn unified(label: &str, old: &[u8], new: &[u8]) -> String {
    if old == new {
        return String::new();
    }
    let a = lines(old);
    let b = lines(new);
    let ops = script(&a, &b);
    let mut out = format!("--- {label}\n+++ {label}\n");
    let changed: Vec<usize> =
        ops.iter().enumerate().filter(|(_, op)| !matches!(op, Op::Keep(..))).map(|(i, _)| i).collect();
    let mut i = 0;
    while i < changed.len() {
        // A hunk: changes closer than twice the context share one.
        let from = changed[i].saturating_sub(CONTEXT);
        let mut last = changed[i];
        while i + 1 < changed.len() && changed[i + 1] <= last + 2 * CONTEXT {
            i += 1;
            last = changed[i];
        }
        let to = (last + CONTEXT + 1).min(ops.len());
        let hunk = &ops[from..to];
        let (a_start, b_start) = start_of(&ops[from..], a.len(), b.len());
        let a_len = hunk.iter().filter(|op| !matches!(op, Op::Insert(_))).count();
        let b_len = hunk.iter().filter(|op| !matches!(op, Op::Delete(_))).count();
        out.push_str(&format!("@@ -{} +{} @@\n", range(a_start, a_len), range(b_start, b_len)));
        for op in hunk {
            match *op {
                Op::Keep(x, _) => push_line(&mut out, ' ', a[x]),
                Op::Delete(x) => push_line(&mut out, '-', a[x]),
                Op::Insert(y) => push_line(&mut out, '+', b[y]),
            }
        }
        i += 1;
    }
    out
}

/// The 1-based first line of each side at the start of `ops` (diff's convention for empty
/// ranges: the line before).
fn start_of(ops: &[Op], a_len: usize, b_len: usize) -> (usize, usize) {
    let a = ops.iter().find_map(|op| match op {
        Op::Keep(x, _) | Op::Delete(x) => Some(*x),
        Op::Insert(_) => None,
    });
    let b = ops.iter().find_map(|op| match op {
        Op::Keep(_, y) | Op::Insert(y) => Some(*y),
        Op::Delete(_) => None,
    });
    (a.unwrap_or(a_len), b.unwrap_or(b_len))
}

fn range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}

fn push_line(out: &mut String, sign: char, line: &[u8]) {
    out.push(sign);
    out.push_str(&String::from_utf8_lossy(line));
    if !line.ends_with(b"\n") {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// An edit script: common prefix and suffix kept, the middle aligned by longest common
/// subsequence (rc files are small and our edits local, so the middle stays small).
fn script(a: &[&[u8]], b: &[&[u8]]) -> Vec<Op> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops: Vec<Op> = (0..prefix).map(|i| Op::Keep(i, i)).collect();
    // lcs[i][j]: the LCS length of am[i..] and bm[j..].
    let mut lcs = vec![vec![0u32; bm.len() + 1]; am.len() + 1];
    for i in (0..am.len()).rev() {
        for j in (0..bm.len()).rev() {
            lcs[i][j] = if am[i] == bm[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < am.len() || j < bm.len() {
        if i < am.len() && j < bm.len() && am[i] == bm[j] {
            ops.push(Op::Keep(prefix + i, prefix + j));
            i += 1;
            j += 1;
        } else if j < bm.len() && (i == am.len() || lcs[i][j + 1] > lcs[i + 1][j]) {
            ops.push(Op::Insert(prefix + j));
            j += 1;
        } else {
            ops.push(Op::Delete(prefix + i));
            i += 1;
        }
    }
    // Deletions before insertions within a changed run, as diff prints them.
    let mut k = 0;
    while k < ops.len() {
        let run_end = ops[k..].iter().position(|op| matches!(op, Op::Keep(..))).map_or(ops.len(), |p| k + p);
        ops[k..run_end].sort_by_key(|op| matches!(op, Op::Insert(_)));
        k = run_end + 1;
    }
    ops.extend((0..suffix).map(|s| Op::Keep(a.len() - suffix + s, b.len() - suffix + s)));
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("x", b"a\n", b"a\n"), "");
    }

    #[test]
    fn one_changed_line_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\n# 5\n6\n7\n8\n9\n";
        assert_eq!(
            unified(".bashrc", old.as_bytes(), new.as_bytes()),
            "--- .bashrc\n+++ .bashrc\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+# 5\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn distant_changes_make_two_hunks_and_close_ones_one() {
        let old: String = (1..=20).map(|n| format!("{n}\n")).collect();
        let new = old.replace("2\n", "x2\n").replace("\n18\n", "\nx18\n");
        let diff = unified("f", old.as_bytes(), new.as_bytes());
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        let near = old.replace("\n5\n", "\nx5\n").replace("\n9\n", "\nx9\n");
        assert_eq!(unified("f", old.as_bytes(), near.as_bytes()).matches("@@ -").count(), 1);
    }

    #[test]
    fn removed_lines_and_missing_final_newline() {
        let diff = unified("env", b"GOROOT=/x\nGOPROXY=direct", b"GOPROXY=direct");
        assert_eq!(
            diff,
            "--- env\n+++ env\n@@ -1,2 +1 @@\n-GOROOT=/x\n GOPROXY=direct\n\\ No newline at end of file\n"
        );
        let emptied = unified("env", b"GOROOT=/x\n", b"");
        assert_eq!(emptied, "--- env\n+++ env\n@@ -1 +0,0 @@\n-GOROOT=/x\n");
    }
}
