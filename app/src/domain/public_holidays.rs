//! Public holidays a clinic can load as closures, a year at a time, from the rules each
//! country publishes (fixed dates, "the last Monday of May", Easter, and the day off
//! given instead when a holiday falls on a weekend). Staff can remove any day they open on,
//! and add regional ones: the loaded days are ordinary closures.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A country's (or nation's) public holiday rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayCalendar {
    EnglandAndWales,
    Spain,
    UnitedStates,
    India,
}

/// A public holiday: its date that year and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub day: NaiveDate,
    pub name: String,
}

impl HolidayCalendar {
    pub const ALL: [HolidayCalendar; 4] = [
        HolidayCalendar::EnglandAndWales,
        HolidayCalendar::Spain,
        HolidayCalendar::UnitedStates,
        HolidayCalendar::India,
    ];

    pub fn key(self) -> &'static str {
        match self {
            HolidayCalendar::EnglandAndWales => "england-and-wales",
            HolidayCalendar::Spain => "spain",
            HolidayCalendar::UnitedStates => "united-states",
            HolidayCalendar::India => "india",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            HolidayCalendar::EnglandAndWales => "England and Wales (bank holidays)",
            HolidayCalendar::Spain => "Spain (national holidays)",
            HolidayCalendar::UnitedStates => "United States (federal holidays)",
            HolidayCalendar::India => "India (national holidays)",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == key.trim())
    }

    /// The year's holidays, in date order. Where a holiday falls on a weekend and the
    /// country gives another day off instead, both days are listed.
    pub fn holidays(self, year: i32) -> Vec<Holiday> {
        let on = |month: u32, day: u32| date(year, month, day);
        let easter = easter_sunday(year);
        let mut days: Vec<(NaiveDate, &str)> = match self {
            HolidayCalendar::EnglandAndWales => vec![
                (on(1, 1), "New Year's Day"),
                (easter - Duration::days(2), "Good Friday"),
                (easter + Duration::days(1), "Easter Monday"),
                (nth(year, 5, Weekday::Mon, 1), "Early May bank holiday"),
                (last(year, 5, Weekday::Mon), "Spring bank holiday"),
                (last(year, 8, Weekday::Mon), "Summer bank holiday"),
                (on(12, 25), "Christmas Day"),
                (on(12, 26), "Boxing Day"),
            ],
            HolidayCalendar::Spain => vec![
                (on(1, 1), "New Year's Day"),
                (on(1, 6), "Epiphany"),
                (easter - Duration::days(2), "Good Friday"),
                (on(5, 1), "Labour Day"),
                (on(8, 15), "Assumption Day"),
                (on(10, 12), "National Day"),
                (on(11, 1), "All Saints' Day"),
                (on(12, 6), "Constitution Day"),
                (on(12, 8), "Immaculate Conception"),
                (on(12, 25), "Christmas Day"),
            ],
            HolidayCalendar::UnitedStates => vec![
                (on(1, 1), "New Year's Day"),
                (nth(year, 1, Weekday::Mon, 3), "Martin Luther King Jr. Day"),
                (nth(year, 2, Weekday::Mon, 3), "Washington's Birthday"),
                (last(year, 5, Weekday::Mon), "Memorial Day"),
                (on(6, 19), "Juneteenth"),
                (on(7, 4), "Independence Day"),
                (nth(year, 9, Weekday::Mon, 1), "Labor Day"),
                (nth(year, 10, Weekday::Mon, 2), "Columbus Day"),
                (on(11, 11), "Veterans Day"),
                (nth(year, 11, Weekday::Thu, 4), "Thanksgiving Day"),
                (on(12, 25), "Christmas Day"),
            ],
            HolidayCalendar::India => vec![
                (on(1, 26), "Republic Day"),
                (on(8, 15), "Independence Day"),
                (on(10, 2), "Gandhi Jayanti"),
            ],
        };
        days.sort();
        let mut holidays: Vec<Holiday> = days
            .iter()
            .map(|(day, name)| Holiday {
                day: *day,
                name: (*name).to_owned(),
            })
            .collect();
        holidays.extend(self.days_instead(&days));
        holidays.sort_by_key(|h| h.day);
        holidays
    }

    /// The days off given for holidays that fall on a weekend.
    fn days_instead(self, days: &[(NaiveDate, &str)]) -> Vec<Holiday> {
        let weekend = |day: &NaiveDate| matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        match self {
            // The next weekday that is not already a holiday, in date order: Christmas on a
            // Sunday moves to the Tuesday, Boxing Day keeping its Monday.
            HolidayCalendar::EnglandAndWales => {
                let mut taken: Vec<NaiveDate> = days
                    .iter()
                    .map(|(d, _)| *d)
                    .filter(|d| !weekend(d))
                    .collect();
                let mut instead = Vec::new();
                for (day, name) in days.iter().filter(|(d, _)| weekend(d)) {
                    let mut substitute = *day;
                    while weekend(&substitute) || taken.contains(&substitute) {
                        substitute += Duration::days(1);
                    }
                    taken.push(substitute);
                    instead.push(Holiday {
                        day: substitute,
                        name: format!("{name} (substitute day)"),
                    });
                }
                instead
            }
            // Saturday's holiday is observed on the Friday before, Sunday's on the Monday.
            HolidayCalendar::UnitedStates => days
                .iter()
                .filter_map(|(day, name)| {
                    let observed = match day.weekday() {
                        Weekday::Sat => *day - Duration::days(1),
                        Weekday::Sun => *day + Duration::days(1),
                        _ => return None,
                    };
                    Some(Holiday {
                        day: observed,
                        name: format!("{name} (observed)"),
                    })
                })
                .collect(),
            // Spain's regions decide what moves; India's national days do not move.
            HolidayCalendar::Spain | HolidayCalendar::India => Vec::new(),
        }
    }
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a date every year has")
}

/// The `n`th `weekday` of the month (1 = the first).
fn nth(year: i32, month: u32, weekday: Weekday, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n).expect("every month has four")
}

/// The last `weekday` of the month.
fn last(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, 5)
        .unwrap_or_else(|| nth(year, month, weekday, 4))
}

/// Easter Sunday in the Gregorian calendar (the anonymous algorithm of 1876).
fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    date(year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(calendar: HolidayCalendar, year: i32) -> Vec<String> {
        calendar
            .holidays(year)
            .into_iter()
            .map(|h| format!("{} {}", h.day, h.name))
            .collect()
    }

    #[test]
    fn easter_falls_where_the_church_calendars_put_it() {
        for (year, month, day) in [(2024, 3, 31), (2025, 4, 20), (2026, 4, 5), (2027, 3, 28)] {
            assert_eq!(easter_sunday(year), date(year, month, day), "{year}");
        }
    }

    #[test]
    fn englands_bank_holidays_match_the_published_list() {
        // As published on gov.uk for 2026, Boxing Day on a Saturday included.
        assert_eq!(
            days(HolidayCalendar::EnglandAndWales, 2026),
            [
                "2026-01-01 New Year's Day",
                "2026-04-03 Good Friday",
                "2026-04-06 Easter Monday",
                "2026-05-04 Early May bank holiday",
                "2026-05-25 Spring bank holiday",
                "2026-08-31 Summer bank holiday",
                "2026-12-25 Christmas Day",
                "2026-12-26 Boxing Day",
                "2026-12-28 Boxing Day (substitute day)",
            ]
        );
    }

    #[test]
    fn christmas_on_a_sunday_moves_past_boxing_day() {
        let holidays = days(HolidayCalendar::EnglandAndWales, 2022);
        assert!(holidays.contains(&"2022-12-26 Boxing Day".to_owned()));
        assert!(holidays.contains(&"2022-12-27 Christmas Day (substitute day)".to_owned()));
        let holidays = days(HolidayCalendar::EnglandAndWales, 2021);
        assert!(holidays.contains(&"2021-12-27 Christmas Day (substitute day)".to_owned()));
        assert!(holidays.contains(&"2021-12-28 Boxing Day (substitute day)".to_owned()));
    }

    #[test]
    fn american_holidays_are_observed_on_the_nearest_weekday() {
        let holidays = days(HolidayCalendar::UnitedStates, 2027);
        assert!(holidays.contains(&"2027-11-25 Thanksgiving Day".to_owned()));
        assert!(holidays.contains(&"2027-05-31 Memorial Day".to_owned()));
        // 4 July 2027 is a Sunday; Christmas 2027 a Saturday.
        assert!(holidays.contains(&"2027-07-05 Independence Day (observed)".to_owned()));
        assert!(holidays.contains(&"2027-12-24 Christmas Day (observed)".to_owned()));
    }

    #[test]
    fn every_calendar_closes_on_its_listed_days_in_order() {
        for calendar in HolidayCalendar::ALL {
            assert_eq!(HolidayCalendar::parse(calendar.key()), Some(calendar));
            for year in 2024..2040 {
                let holidays = calendar.holidays(year);
                assert!(holidays.windows(2).all(|w| w[0].day <= w[1].day));
                // Only a holiday observed on the last day of the year before leaves the year.
                assert!(holidays
                    .iter()
                    .all(|h| h.day >= date(year - 1, 12, 31) && h.day <= date(year, 12, 31)));
            }
        }
        assert_eq!(HolidayCalendar::parse("atlantis"), None);
        assert_eq!(days(HolidayCalendar::Spain, 2027).len(), 10);
    }
}
