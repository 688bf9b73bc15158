//! Money as integer minor units of one currency. Never floating point: invoices must add
//! up to the cent on every workstation and on the server.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// An ISO 4217 currency code with its number of minor-unit digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Currency {
    code: [u8; 3],
    pub minor_digits: u8,
}

impl Currency {
    /// Accepts a three-letter code; currencies without minor units (JPY, KRW, …) and
    /// those with three (BHD, KWD, …) get the right number of digits.
    pub fn parse(code: &str) -> Result<Self> {
        let upper = code.trim().to_ascii_uppercase();
        let bytes: [u8; 3] = upper
            .as_bytes()
            .try_into()
            .ok()
            .filter(|b: &[u8; 3]| b.iter().all(u8::is_ascii_uppercase))
            .ok_or_else(|| {
                Error::validation(
                    "currency",
                    format!("\"{code}\" is not a currency code; use three letters such as EUR, USD or KES"),
                )
            })?;
        let minor_digits = match &bytes {
            b"JPY" | b"KRW" | b"VND" | b"CLP" | b"ISK" | b"UGX" | b"XAF" | b"XOF" | b"RWF" => 0,
            b"BHD" | b"KWD" | b"OMR" | b"JOD" | b"TND" | b"LYD" | b"IQD" => 3,
            _ => 2,
        };
        Ok(Self {
            code: bytes,
            minor_digits,
        })
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("???")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Self::new(0, currency)
    }

    pub fn checked_add(self, other: Money) -> Result<Money> {
        self.same_currency(&other)?;
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money::new(minor, self.currency))
            .ok_or_else(overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money> {
        self.same_currency(&other)?;
        self.minor
            .checked_sub(other.minor)
            .map(|minor| Money::new(minor, self.currency))
            .ok_or_else(overflow)
    }

    pub fn times(self, quantity: i64) -> Result<Money> {
        self.minor
            .checked_mul(quantity)
            .map(|minor| Money::new(minor, self.currency))
            .ok_or_else(overflow)
    }

    /// A rate in basis points (1 % = 100 bp) of this amount, rounded half away from zero,
    /// the way tax and discount lines are printed.
    pub fn percent_bp(self, basis_points: i64) -> Result<Money> {
        let product = i128::from(self.minor) * i128::from(basis_points);
        let rounded = if product >= 0 {
            (product + 5_000) / 10_000
        } else {
            (product - 5_000) / 10_000
        };
        i64::try_from(rounded)
            .map(|minor| Money::new(minor, self.currency))
            .map_err(|_| overflow())
    }

    fn same_currency(&self, other: &Money) -> Result<()> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(Error::validation(
                "currency",
                format!(
                    "cannot combine {} with {}; convert first",
                    self.currency.code(),
                    other.currency.code()
                ),
            ))
        }
    }
}

fn overflow() -> Error {
    Error::validation("amount", "the amount is too large")
}

impl fmt::Display for Money {
    /// `KES 1234.50`: the code and a plain decimal; locale formatting is the UI's job.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = u32::from(self.currency.minor_digits);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if digits == 0 {
            return write!(f, "{} {sign}{abs}", self.currency.code());
        }
        let scale = 10u64.pow(digits);
        write!(
            f,
            "{} {sign}{}.{:0width$}",
            self.currency.code(),
            abs / scale,
            abs % scale,
            width = digits as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("eur").unwrap()
    }

    #[test]
    fn amounts_print_with_the_currencys_minor_digits() {
        assert_eq!(Money::new(123_450, eur()).to_string(), "EUR 1234.50");
        assert_eq!(Money::new(-5, eur()).to_string(), "EUR -0.05");
        assert_eq!(
            Money::new(1500, Currency::parse("JPY").unwrap()).to_string(),
            "JPY 1500"
        );
        assert_eq!(
            Money::new(1_500, Currency::parse("KWD").unwrap()).to_string(),
            "KWD 1.500"
        );
    }

    #[test]
    fn tax_rounds_half_away_from_zero_in_minor_units() {
        // 16 % VAT on 10.03 is 1.6048 -> 1.60; on 10.05 it is 1.608 -> 1.61.
        assert_eq!(Money::new(1003, eur()).percent_bp(1600).unwrap().minor, 160);
        assert_eq!(Money::new(1005, eur()).percent_bp(1600).unwrap().minor, 161);
        assert_eq!(
            Money::new(-1005, eur()).percent_bp(1600).unwrap().minor,
            -161
        );
    }

    #[test]
    fn mixing_currencies_or_overflowing_is_an_error_not_a_wrong_total() {
        let usd = Currency::parse("USD").unwrap();
        let err = Money::new(1, eur())
            .checked_add(Money::new(1, usd))
            .unwrap_err();
        assert_eq!(err.field(), Some("currency"));
        assert!(
            Money::new(i64::MAX, eur())
                .checked_add(Money::new(1, eur()))
                .is_err()
        );
        assert!(Currency::parse("E1R").is_err(), "digits are not a currency");
    }
}
