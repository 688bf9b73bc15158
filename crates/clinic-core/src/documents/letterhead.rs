//! The clinic's letterhead: what heads every printed document. It lives on the
//! organisation row (migration V16) and syncs with it; administrators change it.
//!
//! Invariants: each line is plain text within its limit; the paper size is A4 or Letter;
//! a logo is a PNG of at most [`MAX_LOGO_BYTES`] that the PDF engine decodes (checked
//! when it is uploaded, so a document never fails later on the logo).

use base64::Engine as _;
use clinic_protocol::tables;
use rusqlite::{OptionalExtension as _, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};
use crate::store::changes::{self, ChangeKind, WriteContext};
use crate::validate;

/// The largest logo accepted (its base64 must fit one field of a synced change).
pub use clinic_protocol::tables::MAX_LOGO_BYTES;

/// Most printed lines of an address or of registration numbers.
const MAX_LINES: usize = 4;

/// Paper the clinic prints on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PaperSize {
    #[default]
    A4,
    Letter,
}

impl PaperSize {
    pub fn as_str(self) -> &'static str {
        match self {
            PaperSize::A4 => "A4",
            PaperSize::Letter => "Letter",
        }
    }

    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "a4" => Ok(PaperSize::A4),
            "letter" => Ok(PaperSize::Letter),
            other => Err(Error::validation(
                "page_size",
                format!("\"{other}\" is not a paper size; choose A4 or Letter"),
            )),
        }
    }

    pub(crate) fn pdf(self) -> clinic_pdf::PageSize {
        match self {
            PaperSize::A4 => clinic_pdf::PageSize::A4,
            PaperSize::Letter => clinic_pdf::PageSize::Letter,
        }
    }
}

/// The letterhead as an administrator edits it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LetterheadInput {
    /// Up to four printed lines.
    pub address: String,
    pub phone: String,
    /// Up to four printed lines, e.g. "Facility reg. no. KMPDC/123".
    pub registration: String,
    pub page_size: PaperSize,
}

/// The letterhead as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letterhead {
    /// The organisation's name (set when the clinic was set up).
    pub name: String,
    pub address: String,
    pub phone: String,
    pub registration: String,
    pub page_size: PaperSize,
    /// Whether a logo is set (its bytes are read with [`Session::letterhead_logo`]).
    pub has_logo: bool,
}

fn lines(field: &'static str, text: &str) -> Result<String> {
    let kept: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if kept.len() > MAX_LINES {
        return Err(Error::validation(
            field,
            format!(
                "has {} lines; a letterhead prints at most {MAX_LINES}",
                kept.len()
            ),
        ));
    }
    for line in &kept {
        validate::text(field, line, 120)?;
    }
    Ok(kept.join("\n"))
}

/// Checks an uploaded logo: a PNG within the size limit that the PDF engine can draw.
pub fn check_logo(png: &[u8]) -> Result<()> {
    if png.len() > MAX_LOGO_BYTES {
        return Err(Error::validation(
            "logo",
            format!(
                "is {} KB; a logo may be at most {} KB: save it smaller (a few hundred pixels wide is plenty)",
                png.len() / 1024,
                MAX_LOGO_BYTES / 1024
            ),
        ));
    }
    if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(Error::validation(
            "logo",
            "is not a PNG file (its content says so, whatever its name); save the logo as PNG",
        ));
    }
    let probe = clinic_pdf::CertificateView {
        letterhead: clinic_pdf::Letterhead {
            name: "logo check".into(),
            logo_png: Some(png.to_vec()),
            ..Default::default()
        },
        ..Default::default()
    };
    clinic_pdf::certificate(&probe)
        .map(|_| ())
        .map_err(|e| Error::validation("logo", e.to_string()))
}

pub(crate) fn get(conn: &rusqlite::Connection) -> Result<(Letterhead, Option<Vec<u8>>)> {
    let row = conn
        .query_row(
            "SELECT name, letterhead_address, letterhead_phone, letterhead_registration,
                    page_size, logo_png
             FROM organisation LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            },
        )
        .optional()
        .map_err(Error::from_sqlite)?
        .ok_or_else(|| Error::Internal("the workstation has no organisation".into()))?;
    let (name, address, phone, registration, page_size, logo) = row;
    // A value pulled from another workstation is shown as the default rather than
    // failing every document; the administrator's screen shows what is set.
    let page_size = PaperSize::parse(&page_size).unwrap_or_default();
    let logo = logo
        .filter(|l| !l.is_empty())
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok());
    Ok((
        Letterhead {
            name,
            address,
            phone,
            registration,
            page_size,
            has_logo: logo.is_some(),
        },
        logo,
    ))
}

fn write(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    organisation: &str,
    fields: serde_json::Map<String, serde_json::Value>,
) -> Result<()> {
    for (column, value) in &fields {
        // Column names come from this file only.
        tx.execute(
            &format!("UPDATE organisation SET {column} = ?2, updated_at = ?3 WHERE id = ?1"),
            params![
                organisation,
                value.as_str().map(str::to_owned),
                to_db_time(ctx.now)
            ],
        )
        .map_err(Error::from_sqlite)?;
    }
    changes::record(
        tx,
        ctx,
        &tables::ORGANISATION,
        organisation,
        ChangeKind::Upsert,
        &serde_json::Value::Object(fields),
    )?;
    Ok(())
}

impl Session {
    /// The letterhead every document prints (anyone signed in: it is on every paper).
    pub fn letterhead(&mut self) -> Result<Letterhead> {
        Ok(get(self.live()?.store.conn())?.0)
    }

    /// The logo's PNG bytes, if one is set.
    pub fn letterhead_logo(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(get(self.live()?.store.conn())?.1)
    }

    /// Changes the letterhead's lines and paper size (administrators).
    pub fn set_letterhead(&mut self, input: &LetterheadInput) -> Result<Letterhead> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let address = lines("address", &input.address)?;
        let registration = lines("registration", &input.registration)?;
        let phone = match input.phone.trim() {
            "" => String::new(),
            p => validate::phone("phone", Some(p))?.unwrap_or_default(),
        };
        let organisation = self.clinic().organisation_id.to_string();
        let mut fields = serde_json::Map::new();
        fields.insert("letterhead_address".into(), address.into());
        fields.insert("letterhead_phone".into(), phone.into());
        fields.insert("letterhead_registration".into(), registration.into());
        fields.insert("page_size".into(), input.page_size.as_str().into());
        self.transact(|tx, ctx, actor| {
            write(tx, ctx, &organisation, fields.clone())?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("settings.letterhead", Outcome::Success)
                    .details(serde_json::Value::Object(fields.clone())),
            )
            .map(|_| ())
        })?;
        self.letterhead()
    }

    /// Sets the logo (a PNG, checked) or removes it (`None`); administrators.
    pub fn set_letterhead_logo(&mut self, png: Option<&[u8]>) -> Result<Letterhead> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        if let Some(png) = png {
            check_logo(png)?;
        }
        let organisation = self.clinic().organisation_id.to_string();
        let encoded = png.map(|p| base64::engine::general_purpose::STANDARD.encode(p));
        let mut fields = serde_json::Map::new();
        fields.insert(
            "logo_png".into(),
            encoded.map_or(serde_json::Value::Null, serde_json::Value::from),
        );
        let details = serde_json::json!({ "logo_bytes": png.map(<[u8]>::len) });
        self.transact(|tx, ctx, actor| {
            write(tx, ctx, &organisation, fields.clone())?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("settings.logo", Outcome::Success).details(details.clone()),
            )
            .map(|_| ())
        })?;
        self.letterhead()
    }
}

/// The letterhead as the PDF engine draws it.
pub(crate) fn for_print(letterhead: &Letterhead, logo: Option<Vec<u8>>) -> clinic_pdf::Letterhead {
    let split = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect()
    };
    clinic_pdf::Letterhead {
        name: letterhead.name.clone(),
        address_lines: split(&letterhead.address),
        phone: letterhead.phone.clone(),
        registration_numbers: split(&letterhead.registration),
        logo_png: logo,
        page_size: letterhead.page_size.pdf(),
    }
}
