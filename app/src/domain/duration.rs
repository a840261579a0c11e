//! How long something takes, said the way a person reads it.

/// `30 min`, `1 h`, `1 h 30 min`.
pub fn format_minutes(minutes: u32) -> String {
    let (hours, rest) = (minutes / 60, minutes % 60);
    match (hours, rest) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::format_minutes;

    #[test]
    fn short_durations_are_minutes() {
        assert_eq!(format_minutes(45), "45 min");
    }

    #[test]
    fn whole_hours_have_no_minutes() {
        assert_eq!(format_minutes(120), "2 h");
    }

    #[test]
    fn mixed_durations_show_both() {
        assert_eq!(format_minutes(90), "1 h 30 min");
    }
}
