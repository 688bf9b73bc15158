//! Demo clinic data: plausible, varied and deterministic patients for `clinic demo-seed`
//! and the benchmarks. Pure functions of a seed, with no database and no clock, so the
//! same seed gives the same people on every machine and in every year.
//!
//! Each patient is derived from `(seed, index)` alone, so a caller can generate a
//! million of them in chunks ([`patients_range`]) without holding them all in memory,
//! and chunk boundaries do not change the result.

use std::ops::Range;

use chrono::{Duration, NaiveDate};

use crate::frontdesk::patients::PatientInput;
use crate::validate::fold;

/// A small deterministic pseudo-random generator (SplitMix64). Not for secrets: it is
/// here so demo data and simulations can be reproduced from a seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: spreads nearby inputs over the whole range.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// An independent stream for item `index` of the data set seeded by `seed`.
    pub fn for_item(seed: u64, index: u64) -> Self {
        Self(mix(seed ^ mix(index.wrapping_add(GOLDEN))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// A number in `0..n` (0 when `n` is 0), without modulo bias worth speaking of.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u32, hi: u32) -> u32 {
        let span = u64::from(hi.saturating_sub(lo)) + 1;
        lo + u32::try_from(self.below(span)).unwrap_or(0)
    }

    /// True with the given probability in percent.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < u64::from(percent)
    }

    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        &items[i]
    }

    /// One item, chosen with the given relative weights.
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut roll = self.below(total);
        for (item, weight) in items {
            if roll < u64::from(*weight) {
                return item;
            }
            roll -= u64::from(*weight);
        }
        &items[items.len() - 1].0
    }
}

/// `count` demo patients for `seed`: the same list on every run.
pub fn patients(seed: u64, count: usize) -> Vec<PatientInput> {
    patients_range(seed, 0..count as u64)
}

/// Patients `range` of the demo data set for `seed`; `patients_range(s, 0..n)` equals
/// `patients(s, n)`, and any split into ranges gives the same people.
pub fn patients_range(seed: u64, range: Range<u64>) -> Vec<PatientInput> {
    range.map(|index| patient(seed, index)).collect()
}

/// Patient `index` of the demo data set for `seed`.
pub fn patient(seed: u64, index: u64) -> PatientInput {
    person(seed, index).0
}

/// The allergies patient `index` of the data set for `seed` reports (recorded in the
/// chart by a nurse, not on the registration form).
pub fn allergies(seed: u64, index: u64) -> Vec<String> {
    person(seed, index).1
}

fn person(seed: u64, index: u64) -> (PatientInput, Vec<String>) {
    let mut rng = Rng::for_item(seed, index);
    let female = rng.chance(51);
    let names = if female { FEMALE } else { MALE };
    let mut given_name = (*rng.pick(names)).to_owned();
    if rng.chance(15) {
        let middle = rng.pick(names);
        if *middle != given_name {
            given_name = format!("{given_name} {middle}");
        }
    }
    let family_name = (*rng.pick(FAMILY)).to_owned();
    let sex = match rng.below(1000) {
        0..=4 => "other",
        5..=9 => "unknown",
        _ if female => "female",
        _ => "male",
    };
    let date_of_birth = date_of_birth(&mut rng);
    let phone = rng.chance(88).then(|| phone_number(&mut rng));
    let email = rng
        .chance(30)
        .then(|| email_address(&given_name, &family_name, &mut rng));
    let address = rng.chance(70).then(|| {
        format!(
            "{} {}, {}",
            rng.between(1, 240),
            rng.pick(STREETS),
            rng.pick(TOWNS)
        )
    });
    let blood_group = rng
        .chance(55)
        .then(|| (*rng.weighted(BLOOD_GROUPS)).to_owned());
    let mut allergies = Vec::new();
    if rng.chance(18) {
        allergies.push((*rng.pick(ALLERGIES)).to_owned());
        let second = *rng.pick(ALLERGIES);
        if rng.chance(20) && !allergies.iter().any(|a| a == second) {
            allergies.push(second.to_owned());
        }
    }
    let (insurance_provider, insurance_number) = if rng.chance(45) {
        let provider = *rng.pick(INSURERS);
        let prefix: String = provider
            .chars()
            .filter(char::is_ascii_uppercase)
            .take(3)
            .collect();
        (
            Some(provider.to_owned()),
            Some(format!("{prefix}-{:08}", rng.below(100_000_000))),
        )
    } else {
        (None, None)
    };
    let (emergency_contact_name, emergency_contact_phone) = if rng.chance(50) {
        let their_names = if rng.chance(50) { FEMALE } else { MALE };
        let family = if rng.chance(70) {
            family_name.clone()
        } else {
            (*rng.pick(FAMILY)).to_owned()
        };
        (
            Some(format!("{} {family}", rng.pick(their_names))),
            Some(phone_number(&mut rng)),
        )
    } else {
        (None, None)
    };
    let input = PatientInput {
        given_name,
        family_name,
        date_of_birth,
        sex: sex.to_owned(),
        phone,
        email,
        address,
        blood_group,
        emergency_contact_name,
        emergency_contact_phone,
        insurance_provider,
        insurance_number,
    };
    (input, allergies)
}

/// Birth dates counted back from a fixed day (not today), so the data set does not
/// change with the calendar; every date is in the past from 2026 on.
fn date_of_birth(rng: &mut Rng) -> String {
    const AGES: &[((u32, u32), u32)] = &[
        ((0, 4), 8),
        ((5, 17), 14),
        ((18, 39), 33),
        ((40, 64), 30),
        ((65, 99), 15),
    ];
    let (young, old) = *rng.weighted(AGES);
    let age = rng.between(young, old);
    let reference = NaiveDate::from_ymd_opt(2025, 12, 31).expect("valid literal");
    let back = i64::from(age) * 365 + i64::from(age / 4) + i64::from(rng.between(0, 364));
    (reference - Duration::days(back))
        .format("%Y-%m-%d")
        .to_string()
}

fn phone_number(rng: &mut Rng) -> String {
    let n = rng.below(1_000_000_000);
    let (a, b, c) = (n / 1_000_000, n / 1000 % 1000, n % 1000);
    match rng.below(10) {
        0..=5 => format!("+254 7{:02} {b:03} {c:03}", a % 100),
        6 | 7 => format!("07{:02} {b:03} {c:03}", a % 100),
        8 => format!("+256 7{:02} {b:03}{c:03}", a % 100),
        _ => format!("+44 7{a:03} {b:03}{c:03}"),
    }
}

fn email_address(given: &str, family: &str, rng: &mut Rng) -> String {
    let ascii = |s: &str| -> String {
        fold(s)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    };
    let first = given.split(' ').next().unwrap_or(given);
    format!(
        "{}.{}{}@{}",
        ascii(first),
        ascii(family),
        rng.below(100),
        rng.pick(MAIL_DOMAINS)
    )
}

const FEMALE: &[&str] = &[
    "Amina",
    "Wanjiru",
    "Achieng",
    "Fatuma",
    "Njeri",
    "Akinyi",
    "Zoë",
    "María",
    "Sofía",
    "Lucía",
    "Chloé",
    "Anaïs",
    "Hélène",
    "Renée",
    "Inês",
    "Ingrid",
    "Siobhán",
    "Aoife",
    "Priya",
    "Ananya",
    "Mei",
    "Yuki",
    "Hana",
    "Olga",
    "Zofia",
    "Małgorzata",
    "Ayşe",
    "Elif",
    "Leila",
    "Nadia",
    "Grace",
    "Mary",
    "Sarah",
    "Emily",
    "Ngozi",
    "Chiamaka",
    "Nokuthula",
    "Thandiwe",
    "Esperanza",
    "Camille",
    "Dorota",
    "Joy",
    "Faith",
    "Mercy",
    "Halima",
];

const MALE: &[&str] = &[
    "José",
    "Ngũgĩ",
    "Kamau",
    "Otieno",
    "Kipchoge",
    "Mohamed",
    "Ahmed",
    "Juan",
    "Joaquín",
    "Andrés",
    "François",
    "Jérôme",
    "Søren",
    "Björn",
    "Łukasz",
    "Jiří",
    "Mehmet",
    "Rajesh",
    "Arjun",
    "Wei",
    "Hiroshi",
    "Kwame",
    "Chinedu",
    "Oluwaseun",
    "Thabo",
    "Sipho",
    "John",
    "David",
    "Peter",
    "James",
    "Michael",
    "Seán",
    "Liam",
    "Ibrahim",
    "Yusuf",
    "João",
    "Tomás",
    "Nikolai",
    "Omar",
    "Brian",
    "Kevin",
    "Dennis",
    "Emmanuel",
    "Samuel",
];

const FAMILY: &[&str] = &[
    "Álvarez",
    "García",
    "Rodríguez",
    "Muñoz",
    "Núñez",
    "Peña",
    "Ibáñez",
    "Müller",
    "Schröder",
    "Dubois",
    "Lefèvre",
    "O'Brien",
    "O'Connor",
    "Kowalski",
    "Wójcik",
    "Dvořák",
    "Novák",
    "Nguyen",
    "Tran",
    "Kim",
    "Park",
    "Tanaka",
    "Suzuki",
    "Wang",
    "Li",
    "Chen",
    "Patel",
    "Sharma",
    "Singh",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Boateng",
    "Mwangi",
    "Kamau",
    "Odhiambo",
    "Otieno",
    "Wanjiku",
    "Njoroge",
    "Kiprop",
    "Ngũgĩ",
    "Hassan",
    "Abdullah",
    "Haddad",
    "Yılmaz",
    "Öztürk",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Taylor",
    "Andersson",
    "Jørgensen",
    "van der Merwe",
    "Dlamini",
    "Nkosi",
    "Silva",
    "Gonçalves",
    "Pereira",
    "Rossi",
    "Esposito",
    "Papadopoulos",
    "Mutua",
    "Achieng",
    "Omondi",
];

const STREETS: &[&str] = &[
    "Moi Avenue",
    "Kenyatta Avenue",
    "Ngong Road",
    "Haile Selassie Avenue",
    "Tom Mboya Street",
    "Muindi Mbingu Street",
    "Argwings Kodhek Road",
    "Lenana Road",
    "Waiyaki Way",
    "Mombasa Road",
    "Oginga Odinga Street",
    "Jogoo Road",
];

const TOWNS: &[&str] = &[
    "Nairobi",
    "Westlands",
    "Kilimani",
    "Karen",
    "Thika",
    "Kiambu",
    "Machakos",
    "Ruiru",
    "Kitengela",
    "Rongai",
];

const MAIL_DOMAINS: &[&str] = &["example.org", "example.com", "example.net"];

const BLOOD_GROUPS: &[(&str, u32)] = &[
    ("O+", 38),
    ("A+", 27),
    ("B+", 20),
    ("AB+", 5),
    ("O-", 4),
    ("A-", 3),
    ("B-", 2),
    ("AB-", 1),
];

const ALLERGIES: &[&str] = &[
    "Penicillin",
    "Sulfonamides",
    "Aspirin",
    "Ibuprofen",
    "Codeine",
    "Peanuts",
    "Shellfish",
    "Eggs",
    "Latex",
    "Bee stings",
];

const INSURERS: &[&str] = &[
    "SHA National Cover",
    "AAR Insurance",
    "Jubilee Health",
    "Britam Health",
    "CIC Medical",
    "Madison Medical",
    "Old Mutual Health",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate;

    #[test]
    fn the_same_seed_gives_the_same_patients_whatever_the_chunking() {
        let whole = patients(42, 300);
        let mut chunked = patients_range(42, 0..120);
        chunked.extend(patients_range(42, 120..300));
        let names = |ps: &[PatientInput]| -> Vec<String> {
            ps.iter()
                .map(|p| format!("{} {} {}", p.given_name, p.family_name, p.date_of_birth))
                .collect()
        };
        assert_eq!(
            names(&whole),
            names(&chunked),
            "a patient depends only on (seed, index)"
        );
        assert_ne!(
            names(&whole),
            names(&patients(43, 300)),
            "another seed is another clinic"
        );
        assert_eq!(
            names(&patients(42, 3)),
            names(&whole[..3]),
            "a shorter list is a prefix of a longer one"
        );
    }

    #[test]
    fn every_generated_patient_passes_registration_validation() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        for p in patients(7, 20_000) {
            let check = || -> crate::Result<()> {
                validate::person_name("given_name", &p.given_name)?;
                validate::person_name("family_name", &p.family_name)?;
                validate::date_of_birth(&p.date_of_birth, today)?;
                validate::phone("phone", p.phone.as_deref())?;
                validate::phone(
                    "emergency_contact_phone",
                    p.emergency_contact_phone.as_deref(),
                )?;
                validate::email("email", p.email.as_deref())?;
                validate::blood_group(p.blood_group.as_deref())?;
                validate::optional_text("address", p.address.as_deref(), 300)?;
                Ok(())
            };
            assert!(check().is_ok(), "{p:?}: {:?}", check());
            assert!(["female", "male", "other", "unknown"].contains(&p.sex.as_str()));
        }
    }

    #[test]
    fn the_data_set_is_varied_and_includes_accented_names() {
        let ps = patients(42, 5_000);
        let distinct: std::collections::HashSet<_> =
            ps.iter().map(|p| (&p.given_name, &p.family_name)).collect();
        assert!(
            distinct.len() > 2_000,
            "only {} distinct names",
            distinct.len()
        );
        assert!(ps.iter().any(|p| p.family_name == "Álvarez"));
        assert!(ps.iter().any(|p| p.given_name.contains("Ngũgĩ")));
        assert!((0..5_000).any(|i| !allergies(42, i).is_empty()));
        assert!(
            ps.iter().any(|p| p.phone.is_none()),
            "not everyone gives a phone"
        );
        let children = ps
            .iter()
            .filter(|p| p.date_of_birth.as_str() > "2008")
            .count();
        assert!(
            (500..2_000).contains(&children),
            "about a fifth are children: {children}"
        );
    }

    #[test]
    fn rng_helpers_stay_in_range() {
        let mut rng = Rng::new(1);
        for _ in 0..10_000 {
            assert!(rng.below(7) < 7);
            assert!((3..=5).contains(&rng.between(3, 5)));
        }
        assert_eq!(rng.below(0), 0);
        let mut a = Rng::new(9);
        let mut b = Rng::new(9);
        assert_eq!(
            (0..5).map(|_| a.next_u64()).collect::<Vec<_>>(),
            (0..5).map(|_| b.next_u64()).collect::<Vec<_>>()
        );
    }
}
