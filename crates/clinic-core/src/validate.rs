//! Field validation shared by the front-desk services. Each check names the field, says
//! what was wrong and what is accepted, because the message is shown next to the field.

use chrono::NaiveDate;

use crate::error::{Error, Result};

/// A person's name part: letters (any script), spaces, apostrophes, hyphens and dots.
pub(crate) fn person_name(field: &'static str, value: &str) -> Result<String> {
    let value = collapse_spaces(value);
    if value.is_empty() {
        return Err(Error::validation(field, "is required"));
    }
    if value.chars().count() > 100 {
        return Err(Error::validation(field, "must be at most 100 characters"));
    }
    if !value
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '\'' | '’' | '-' | '.'))
    {
        return Err(Error::validation(
            field,
            "may contain only letters, spaces, apostrophes, hyphens and dots",
        ));
    }
    Ok(value)
}

/// Free text such as an address or a specialization.
pub(crate) fn text(field: &'static str, value: &str, max: usize) -> Result<String> {
    let value = collapse_spaces(value);
    if value.is_empty() {
        return Err(Error::validation(field, "is required"));
    }
    if value.chars().count() > max {
        return Err(Error::validation(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::validation(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value)
}

pub(crate) fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => text(field, v, max).map(Some),
        None => Ok(None),
    }
}

/// A phone number: digits with optional spaces, dashes, brackets and a leading +;
/// 7 to 15 digits (the international maximum).
pub(crate) fn phone(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let allowed = value.char_indices().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0)
    });
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if !allowed || !(7..=15).contains(&digits) {
        return Err(Error::validation(
            field,
            format!(
                "\"{value}\" is not a phone number; use 7 to 15 digits, optionally starting with + (e.g. +254 712 345678)"
            ),
        ));
    }
    Ok(Some(collapse_spaces(value)))
}

pub(crate) fn email(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let ok = value.len() <= 254
        && !value.contains(char::is_whitespace)
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if ok {
        Ok(Some(value.to_owned()))
    } else {
        Err(Error::validation(
            field,
            format!("\"{value}\" is not an e-mail address; use the form name@example.org"),
        ))
    }
}

/// A date of birth: an ISO date (YYYY-MM-DD), not after `today`, not more than 130
/// years before it.
pub(crate) fn date_of_birth(value: &str, today: NaiveDate) -> Result<NaiveDate> {
    let value = value.trim();
    let date = parse_date(value).ok_or_else(|| {
        Error::validation(
            "date_of_birth",
            format!("\"{value}\" is not a date; use YYYY-MM-DD, e.g. 1984-07-23"),
        )
    })?;
    if date > today {
        return Err(Error::validation(
            "date_of_birth",
            "is in the future; check the year",
        ));
    }
    if today.years_since(date).unwrap_or(0) > 130 {
        return Err(Error::validation(
            "date_of_birth",
            "is more than 130 years ago; check the year",
        ));
    }
    Ok(date)
}

/// Accepts YYYY-MM-DD, and DD/MM/YYYY or DD.MM.YYYY as typed at a front desk.
pub(crate) fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(value, "%d.%m.%Y"))
        .ok()
        .filter(|d| (1800..=9999).contains(&chrono::Datelike::year(d)))
}

pub(crate) fn blood_group(value: Option<&str>) -> Result<Option<String>> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let upper = value.to_ascii_uppercase().replace(' ', "");
    if ["A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"].contains(&upper.as_str()) {
        Ok(Some(upper))
    } else {
        Err(Error::validation(
            "blood_group",
            format!(
                "\"{value}\" is not a blood group; use one of A+, A-, B+, B-, AB+, AB-, O+, O-"
            ),
        ))
    }
}

fn collapse_spaces(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lower-cases and strips accents from Latin letters, so "José Álvarez" compares equal
/// to "jose alvarez" (the search index folds the same way). The table is the product's
/// one, in `clinic-icd10`, which searches diagnosis titles with it.
pub(crate) fn fold(text: &str) -> String {
    clinic_icd10::fold_text(text)
}

/// Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps), for
/// typo-tolerant matching of short words.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

pub(crate) fn validate_name(field: &'static str, value: &str) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::validation(field, "must not be empty"));
    }
    if trimmed.chars().count() > 200 {
        return Err(Error::validation(field, "must be at most 200 characters"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Error::validation(
            field,
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

pub(crate) fn validate_branch_code(code: &str) -> Result<String> {
    let code = code.trim().to_ascii_uppercase();
    let ok = (2..=8).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok {
        Ok(code)
    } else {
        Err(Error::validation(
            "branch_code",
            "use 2 to 8 letters and digits starting with a letter, such as BR01",
        ))
    }
}

pub(crate) fn validate_username(name: &str) -> Result<String> {
    let name = name.trim().to_ascii_lowercase();
    let ok = (3..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(name)
    } else {
        Err(Error::validation(
            "username",
            "use 3 to 32 letters, digits, dots, dashes or underscores, starting with a letter",
        ))
    }
}

/// The password policy: 10 to 1024 characters, not containing the user name, not one
/// of the passwords attackers try first.
pub(crate) fn check_new_password(username: &str, password: &str) -> Result<()> {
    let length = password.chars().count();
    if length < 10 {
        return Err(Error::validation(
            "password",
            "must be at least 10 characters long",
        ));
    }
    if length > 1024 {
        return Err(Error::validation(
            "password",
            "must be at most 1024 characters long",
        ));
    }
    let lower = password.to_lowercase();
    if lower.contains(&username.to_lowercase()) {
        return Err(Error::validation(
            "password",
            "must not contain the user name",
        ));
    }
    let squashed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    let one_char = squashed.chars().all(|c| squashed.starts_with(c));
    if one_char || COMMON_PASSWORDS.iter().any(|common| squashed == *common) {
        return Err(Error::validation(
            "password",
            "is one of the passwords attackers try first; choose a phrase of several words",
        ));
    }
    Ok(())
}

/// Passwords long enough to pass the length rule that attackers still try first
/// (compared after lower-casing and dropping punctuation).
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789012",
    "0123456789",
    "9876543210",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "qwertyuiop",
    "qwerty123456",
    "qwertyuiop123",
    "asdfghjkl1",
    "zxcvbnm123",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "p4ssw0rd123",
    "password2024",
    "password2025",
    "password2026",
    "iloveyou123",
    "iloveyou12",
    "letmein123",
    "welcome123",
    "welcome1234",
    "administrator",
    "admin12345",
    "admin123456",
    "changeme123",
    "trustno1234",
    "abc1234567",
    "abcdefghij",
    "abcdefghijk",
    "football123",
    "baseball123",
    "sunshine123",
    "princess123",
    "dragon12345",
    "monkey12345",
    "master12345",
    "superman123",
    "starwars123",
    "michael123",
    "jennifer123",
    "whatever123",
    "computer123",
    "internet123",
    "samsung123",
    "doctor12345",
    "hospital123",
    "clinic12345",
    "medical123",
    "nurse12345",
    "health1234",
    "qazwsxedcrfv",
    "1q2w3e4r5t6y",
    "aaaaaaaaaa1",
    "azertyuiop",
    "secret12345",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
    }

    #[test]
    fn date_of_birth_rules_each_say_what_is_accepted() {
        assert_eq!(
            date_of_birth("1984-07-23", today()).unwrap().to_string(),
            "1984-07-23"
        );
        assert_eq!(
            date_of_birth("23/07/1984", today()).unwrap().to_string(),
            "1984-07-23"
        );
        let future = date_of_birth("2026-01-06", today()).unwrap_err();
        assert!(future.to_string().contains("future"), "{future}");
        let ancient = date_of_birth("1890-01-01", today()).unwrap_err();
        assert!(ancient.to_string().contains("130 years"), "{ancient}");
        let garbage = date_of_birth("July 23", today()).unwrap_err();
        assert!(garbage.to_string().contains("YYYY-MM-DD"), "{garbage}");
        assert!(
            date_of_birth("1984-02-30", today()).is_err(),
            "no 30 February"
        );
    }

    #[test]
    fn phones_emails_names_and_blood_groups() {
        assert_eq!(
            phone("phone", Some(" +254 712-345678 ")).unwrap().unwrap(),
            "+254 712-345678"
        );
        assert!(
            phone("phone", Some("12345"))
                .unwrap_err()
                .to_string()
                .contains("7 to 15 digits")
        );
        assert!(phone("phone", Some("0712 abc 345")).is_err());
        assert!(
            phone("phone", Some("07+12345678")).is_err(),
            "+ only at the start"
        );
        assert_eq!(phone("phone", Some("  ")).unwrap(), None);
        assert!(email("email", Some("ana@clinic.org")).is_ok());
        for bad in ["ana", "ana@clinic", "a b@c.org", "@c.org", "ana@.org"] {
            assert!(email("email", Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(
            person_name("given_name", "  José  María ").unwrap(),
            "José María"
        );
        assert!(person_name("given_name", "R2D2").is_err());
        assert!(
            person_name("family_name", "")
                .unwrap_err()
                .to_string()
                .contains("required")
        );
        assert_eq!(blood_group(Some("ab +")).unwrap().unwrap(), "AB+");
        assert!(
            blood_group(Some("C+"))
                .unwrap_err()
                .to_string()
                .contains("AB-")
        );
    }

    #[test]
    fn folding_and_edit_distance_support_forgiving_search() {
        assert_eq!(fold("José ÁLVAREZ Øster"), "jose alvarez oster");
        assert_eq!(edit_distance("alvarez", "alvarez"), 0);
        assert_eq!(edit_distance("alvraez", "alvarez"), 1, "a swap is one edit");
        assert_eq!(edit_distance("alvarex", "alvarez"), 1);
        assert_eq!(edit_distance("smith", "smyth"), 1);
        assert_eq!(edit_distance("kim", "lee"), 3);
    }
}
