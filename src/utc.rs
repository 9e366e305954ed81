//! Wall-clock time in UTC, written as people and scripts read it: the backups' directory
//! names and the report's `generated_at`. Two formats are all gover needs, which does not
//! justify a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// A moment in UTC, to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Utc {
    year: i64,
    month: u32,
    day: u32,
    seconds_of_day: u64,
}

impl Utc {
    /// `time`, or the epoch for a clock set before it.
    pub fn at(time: SystemTime) -> Utc {
        let secs = time.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let (year, month, day) = civil_from_days((secs / 86_400) as i64);
        Utc { year, month, day, seconds_of_day: secs % 86_400 }
    }

    fn hms(self) -> (u64, u64, u64) {
        let s = self.seconds_of_day;
        (s / 3600, s % 3600 / 60, s % 60)
    }

    /// `20261125T182846Z`: sortable, and safe in a file name.
    pub fn compact(self) -> String {
        let (h, m, s) = self.hms();
        format!("{:04}{:02}{:02}T{h:02}{m:02}{s:02}Z", self.year, self.month, self.day)
    }

    /// `2026-11-25T18:28:46Z` (RFC 3339), what JSON readers parse.
    pub fn rfc3339(self) -> String {
        let (h, m, s) = self.hms();
        format!("{:04}-{:02}-{:02}T{h:02}:{m:02}:{s:02}Z", self.year, self.month, self.day)
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn both_formats() {
        let at = |secs| Utc::at(UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(at(0).compact(), "19700101T000000Z");
        assert_eq!(at(1_764_095_326).compact(), "20251125T182846Z");
        assert_eq!(at(951_782_400).compact(), "20000229T000000Z");
        assert_eq!(at(1_764_095_326).rfc3339(), "2025-11-25T18:28:46Z");
    }
}
