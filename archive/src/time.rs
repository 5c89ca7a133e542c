//! Seconds since the epoch to and from a zip's DOS date and time (taken as
//! UTC, two-second steps, 1980 to 2107), by the civil-calendar arithmetic
//! of Howard Hinnant's `days_from_civil` and `civil_from_days`.

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A zip entry's time as seconds since the epoch.
pub fn from_zip(t: zip::DateTime) -> u64 {
    let days = days_from_civil(i64::from(t.year()), u32::from(t.month()), u32::from(t.day()));
    let secs =
        days * 86_400 + i64::from(t.hour()) * 3600 + i64::from(t.minute()) * 60 + i64::from(t.second());
    secs.max(0) as u64
}

/// Seconds since the epoch as a zip time, clamped to what a zip holds.
pub fn to_zip(secs: u64) -> zip::DateTime {
    let secs = secs.clamp(315_532_800, 4_354_819_198) as i64; // 1980-01-01 .. 2107-12-31 23:59:58
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    zip::DateTime::from_date_and_time(
        y as u16,
        m as u8,
        d as u8,
        (s / 3600) as u8,
        (s / 60 % 60) as u8,
        (s % 60) as u8,
    )
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip_and_zip_times_keep_even_seconds() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        // 2026-12-01 14:39:22 UTC
        let t = 1_796_135_962;
        assert_eq!(from_zip(to_zip(t)), t);
        assert_eq!(from_zip(to_zip(t + 1)), t, "a zip keeps times to two seconds");
        assert_eq!(from_zip(to_zip(0)), 315_532_800, "before 1980: 1980");
    }
}
