//! An invoice's arithmetic, exact: integer minor units, basis points, one rounding rule.
//!
//! The rule: each line is quantity × unit price (its gross); its discount is the gross
//! times the discount's basis points, rounded half away from zero to the minor unit; its
//! tax is (gross − discount) times the tax's basis points, rounded the same way. The
//! line's total is gross − discount + tax. The invoice's subtotal, discount, tax and
//! total are the sums of its lines' (so the lines always add up to the total, to the
//! minor unit, in any currency), and tax is also reported per rate. Nothing here uses
//! floating point; an amount too large for 64 bits is an error, never a wrap.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, Result};

/// What a line's arithmetic needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineAmounts {
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub tax_bp: i64,
    pub discount_bp: i64,
}

/// A line's figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LineTotals {
    pub gross_minor: i64,
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
}

/// An invoice's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    /// Tax by rate (basis points → tax), for the invoice's tax summary.
    pub tax_by_rate: BTreeMap<i64, i64>,
}

fn too_large() -> Error {
    Error::validation("amount", "the amount is too large to bill")
}

/// `amount × bp / 10000`, rounded half away from zero.
pub fn of_bp(amount: i64, bp: i64) -> Result<i64> {
    let product = i128::from(amount) * i128::from(bp);
    let rounded = if product >= 0 {
        (product + 5_000) / 10_000
    } else {
        (product - 5_000) / 10_000
    };
    i64::try_from(rounded).map_err(|_| too_large())
}

/// One line's figures by the rule above.
pub fn line(amounts: LineAmounts) -> Result<LineTotals> {
    let gross = amounts
        .quantity
        .checked_mul(amounts.unit_price_minor)
        .ok_or_else(too_large)?;
    let discount = of_bp(gross, amounts.discount_bp)?;
    let net = gross.checked_sub(discount).ok_or_else(too_large)?;
    let tax = of_bp(net, amounts.tax_bp)?;
    Ok(LineTotals {
        gross_minor: gross,
        discount_minor: discount,
        tax_minor: tax,
        total_minor: net.checked_add(tax).ok_or_else(too_large)?,
    })
}

/// The invoice's figures: the sums of its lines'.
pub fn invoice(lines: &[LineAmounts]) -> Result<Totals> {
    let mut t = Totals::default();
    for amounts in lines {
        let l = line(*amounts)?;
        let add = |a: i64, b: i64| a.checked_add(b).ok_or_else(too_large);
        t.subtotal_minor = add(t.subtotal_minor, l.gross_minor)?;
        t.discount_minor = add(t.discount_minor, l.discount_minor)?;
        t.tax_minor = add(t.tax_minor, l.tax_minor)?;
        t.total_minor = add(t.total_minor, l.total_minor)?;
        let by_rate = t.tax_by_rate.entry(amounts.tax_bp).or_default();
        *by_rate = add(*by_rate, l.tax_minor)?;
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(quantity: i64, unit_price_minor: i64, tax_bp: i64, discount_bp: i64) -> LineAmounts {
        LineAmounts {
            quantity,
            unit_price_minor,
            tax_bp,
            discount_bp,
        }
    }

    #[test]
    fn a_line_is_rounded_half_away_from_zero_once_for_discount_and_once_for_tax() {
        // 3 × 3.33 = 9.99; 10 % off = 0.999 → 1.00; 16 % of 8.99 = 1.4384 → 1.44.
        assert_eq!(
            line(l(3, 333, 1600, 1000)).unwrap(),
            LineTotals {
                gross_minor: 999,
                discount_minor: 100,
                tax_minor: 144,
                total_minor: 1043
            }
        );
        // A credit note's negative line rounds symmetrically.
        assert_eq!(line(l(1, -5, 1000, 0)).unwrap().tax_minor, -1);
        assert_eq!(of_bp(5, 1000).unwrap(), 1, "0.5 rounds away from zero");
        assert!(line(l(1_000_000, i64::MAX / 10, 0, 0)).is_err(), "no wrap");
    }

    /// A small deterministic generator (no dependency): xorshift64*.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> i64 {
            i64::try_from(self.next() % n).unwrap()
        }
    }

    #[test]
    fn property_the_lines_always_add_up_to_the_total_with_no_drift() {
        let mut rng = Rng(0x5EED_2026);
        for _ in 0..5_000 {
            // Prices as a currency with 0, 2 or 3 minor digits would write them.
            let scale = [1, 100, 1000][usize::try_from(rng.below(3)).unwrap()];
            let lines: Vec<LineAmounts> = (0..1 + rng.below(12))
                .map(|_| {
                    l(
                        1 + rng.below(50),
                        rng.below(10_000) * scale / 100,
                        [0, 500, 800, 1600, 2000][usize::try_from(rng.below(5)).unwrap()],
                        if rng.below(4) == 0 {
                            rng.below(10_001)
                        } else {
                            0
                        },
                    )
                })
                .collect();
            let t = invoice(&lines).unwrap();
            let each: Vec<LineTotals> = lines.iter().map(|a| line(*a).unwrap()).collect();
            assert_eq!(
                t.total_minor,
                each.iter().map(|x| x.total_minor).sum::<i64>()
            );
            assert_eq!(
                t.total_minor,
                t.subtotal_minor - t.discount_minor + t.tax_minor,
                "{lines:?}"
            );
            assert_eq!(t.tax_minor, t.tax_by_rate.values().sum::<i64>());
            for (a, x) in lines.iter().zip(&each) {
                assert!(x.discount_minor <= x.gross_minor && x.discount_minor >= 0);
                // Tax is within half a minor unit of the exact rational value.
                let exact = i128::from(x.gross_minor - x.discount_minor) * i128::from(a.tax_bp);
                assert!((i128::from(x.tax_minor) * 10_000 - exact).abs() <= 5_000);
            }
        }
    }
}
