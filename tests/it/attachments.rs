//! Attachments across workstations: a doctor's 20 MB scan goes up to the sync server
//! through a connection that breaks half way, resumes, and comes down to a second
//! workstation when someone opens it there, through a connection that breaks again. The
//! bytes on the server are the sealed ones, never the plaintext. The server's refusals
//! of forged chunk requests, role by role, are in `forged.rs`.

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::sync::Retries;
use clinic_core::{Code, NewUser, Role, Session};

use crate::harness::{Server, Station};

const MIB: usize = 1024 * 1024;
/// Plaintext bytes per chunk, and a whole sealed chunk.
const CHUNK: usize = clinic_protocol::attachments::CHUNK_BYTES as usize;
const SEALED: usize = CHUNK + 16;
const CHUNKS: i64 = (20 * MIB / CHUNK) as i64;
/// What HTTP adds to a transfer of 20 MB besides the chunks (headers, tokens, the
/// status): less than one chunk, so a chunk sent twice would show.
const HEADERS: u64 = 64 * 1024 + CHUNKS as u64 * 2048;
const STAFF_PASSWORD: &str = "scans travel sealed";
/// A run of text that appears nowhere but in the attachment's plaintext.
const MARKER: &[u8] = b"RADIOLOGY-PLAINTEXT-MARKER-41c2e8";

/// A PDF-headed file of `len` bytes: pseudo-random, with the marker every 4 KB.
fn scan(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut bytes: Vec<u8> = (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    bytes[..9].copy_from_slice(b"%PDF-1.7\n");
    for at in (64..len - MARKER.len()).step_by(4096) {
        bytes[at..at + MARKER.len()].copy_from_slice(MARKER);
    }
    bytes
}

/// Bytes one way through the proxy: how many have passed, and how many may still pass
/// before it cuts every connection (negative: no limit).
#[derive(Default)]
struct Direction {
    passed: AtomicU64,
    budget: AtomicI64,
}

/// A TCP proxy in front of the sync server that can cut the connection after a number
/// of bytes in one direction, as a flaky clinic network would; while cut, it drops
/// every connection, old and new, until it is mended.
struct Proxy {
    url: String,
    up: Arc<Direction>,
    down: Arc<Direction>,
    cut: Arc<AtomicBool>,
}

impl Proxy {
    fn start(server_url: &str) -> Proxy {
        let target = server_url
            .trim_start_matches("http://")
            .replace("localhost", "127.0.0.1");
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://localhost:{}", listener.local_addr().unwrap().port());
        let up = Arc::new(Direction::default());
        let down = Arc::new(Direction::default());
        up.budget.store(-1, Ordering::SeqCst);
        down.budget.store(-1, Ordering::SeqCst);
        let cut = Arc::new(AtomicBool::new(false));
        let (u, d, c) = (up.clone(), down.clone(), cut.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if c.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                let pump =
                    |from: TcpStream, to: TcpStream, dir: Arc<Direction>, cut: Arc<AtomicBool>| {
                        std::thread::spawn(move || forward(from, to, &dir, &cut));
                    };
                pump(
                    client.try_clone().unwrap(),
                    server.try_clone().unwrap(),
                    u.clone(),
                    c.clone(),
                );
                pump(server, client, d.clone(), c.clone());
            }
        });
        Proxy { url, up, down, cut }
    }

    /// Cuts every connection once `bytes` more have gone up (client to server).
    fn cut_up_after(&self, bytes: usize) {
        self.up.budget.store(bytes as i64, Ordering::SeqCst);
    }

    /// Cuts every connection once `bytes` more have come down (server to client).
    fn cut_down_after(&self, bytes: usize) {
        self.down.budget.store(bytes as i64, Ordering::SeqCst);
    }

    fn mend(&self) {
        self.up.budget.store(-1, Ordering::SeqCst);
        self.down.budget.store(-1, Ordering::SeqCst);
        self.cut.store(false, Ordering::SeqCst);
    }

    fn was_cut(&self) -> bool {
        self.cut.load(Ordering::SeqCst)
    }

    fn up_bytes(&self) -> u64 {
        self.up.passed.load(Ordering::SeqCst)
    }

    fn down_bytes(&self) -> u64 {
        self.down.passed.load(Ordering::SeqCst)
    }
}

fn forward(mut from: TcpStream, mut to: TcpStream, dir: &Direction, cut: &AtomicBool) {
    let mut buf = vec![0u8; 64 * 1024];
    let stop = |a: &TcpStream, b: &TcpStream| {
        let _ = a.shutdown(Shutdown::Both);
        let _ = b.shutdown(Shutdown::Both);
    };
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => {
                let _ = to.shutdown(Shutdown::Write);
                return;
            }
            Ok(n) => n,
        };
        if cut.load(Ordering::SeqCst) {
            return stop(&from, &to);
        }
        let budget = dir.budget.load(Ordering::SeqCst);
        let allowed = if budget < 0 {
            n
        } else {
            n.min(usize::try_from(budget).unwrap_or(0))
        };
        if budget >= 0 {
            dir.budget.fetch_sub(allowed as i64, Ordering::SeqCst);
        }
        if to.write_all(&buf[..allowed]).is_err() {
            return stop(&from, &to);
        }
        dir.passed.fetch_add(allowed as u64, Ordering::SeqCst);
        if allowed < n {
            cut.store(true, Ordering::SeqCst);
            return stop(&from, &to);
        }
    }
}

fn staff(station: &mut Station, name: &str, role: Role) -> Session {
    station
        .admin()
        .create_user(&NewUser::new(name, role, STAFF_PASSWORD))
        .unwrap();
    station.admin().sync_now().unwrap();
    station.workstation.unlock(name, STAFF_PASSWORD).unwrap()
}

fn chunks_on_server(server: &Server, id: &str) -> i64 {
    server.query(&format!(
        "SELECT count(*) FROM attachment_chunks WHERE attachment_id = '{id}'"
    ))[0]
        .get(0)
}

#[test]
fn a_20_mb_attachment_syncs_to_a_second_workstation_across_dropped_connections() {
    let server = Server::start();
    let proxy = Proxy::start(&server.url);
    let mut a = Station::enrolled_at(&server, "BR01", &proxy.url, &server.enrollment_code("BR01"));
    let mut desk = staff(&mut a, "desk.a", Role::Receptionist);
    let patient = desk
        .register_patient(
            &PatientInput {
                given_name: "Nia".into(),
                family_name: "Kariuki".into(),
                date_of_birth: "1979-11-30".into(),
                sex: "female".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    desk.sync_now().unwrap();
    let mut doctor = staff(&mut a, "dr.scan", Role::Doctor);
    let plain = scan(20 * MIB);
    let added = doctor
        .add_attachment(patient, None, "mri-report.pdf", Some("MRI knee"), &plain)
        .unwrap();
    let id = added.id.to_string();

    // The upload breaks half way: the record is on the server, part of the bytes too.
    proxy.cut_up_after(10 * MIB);
    let err = doctor.sync_with_retries(Retries::NONE).unwrap_err();
    assert!(proxy.was_cut(), "the proxy cut the upload: {err}");
    assert_eq!(err.code(), Code::Offline, "{err}");
    let sent = chunks_on_server(&server, &id);
    assert!(
        (CHUNKS / 4..CHUNKS).contains(&sent),
        "about half of the {CHUNKS} chunks went up before the break: {sent}"
    );
    assert_eq!(doctor.sync_status().unwrap().attachments_waiting, 1);

    // The next sync sends only what the server lacks.
    proxy.mend();
    let before = proxy.up_bytes();
    let report = doctor.sync_now().unwrap();
    assert_eq!(report.attachments_sent, 1);
    assert_eq!(chunks_on_server(&server, &id), CHUNKS);
    let resent = proxy.up_bytes() - before;
    let missing = (CHUNKS - sent) as u64 * CHUNK as u64;
    assert!(
        resent >= missing && resent < missing + HEADERS,
        "the resumed upload sent {resent} bytes for {missing} missing: only the chunks the server lacked"
    );
    assert_eq!(doctor.sync_status().unwrap().attachments_waiting, 0);

    // What the server holds is the sealed file as it is on the workstation: no
    // plaintext, no re-encryption.
    let stored: Vec<u8> = server
        .query(&format!(
            "SELECT bytes FROM attachment_chunks WHERE attachment_id = '{id}' ORDER BY chunk"
        ))
        .iter()
        .flat_map(|r| r.get::<_, Vec<u8>>(0))
        .collect();
    let sealed_here = std::fs::read(
        a.workstation
            .dir()
            .join("attachments")
            .join(format!("{id}.bin")),
    )
    .unwrap();
    assert!(
        stored == sealed_here,
        "the server stores the sealed bytes unchanged"
    );
    assert!(
        !stored.windows(MARKER.len()).any(|w| w == MARKER),
        "the server never holds the plaintext"
    );

    // A second workstation pulls the record at once; the bytes only when opened.
    let mut b = Station::enrolled_at(&server, "BR02", &proxy.url, &server.enrollment_code("BR02"));
    b.admin()
        .admit_user_here("dr.scan", STAFF_PASSWORD)
        .unwrap();
    let mut doctor_b = b.workstation.unlock("dr.scan", STAFF_PASSWORD).unwrap();
    doctor_b.sync_now().unwrap();
    let listed = doctor_b.attachments_of(patient).unwrap();
    assert_eq!(listed.len(), 1, "the record came with the sync");
    assert_eq!(listed[0].title.as_deref(), Some("MRI knee"));
    assert!(!listed[0].here, "the bytes wait until someone opens it");
    let folder_b = b.workstation.dir().join("attachments");
    assert!(
        !folder_b.join(format!("{id}.bin")).exists(),
        "nothing was fetched yet"
    );

    // The download breaks too: the error says what to do, the chunks received are kept.
    proxy.cut_down_after(7 * MIB);
    let err = doctor_b.attachment_bytes(added.id).unwrap_err();
    assert!(proxy.was_cut(), "the proxy cut the download: {err}");
    assert_eq!(err.code(), Code::Offline, "{err}");
    assert!(
        err.to_string()
            .contains("not on this workstation yet; connect to the sync server to fetch it"),
        "{err}"
    );
    let part = std::fs::metadata(folder_b.join(format!("{id}.part")))
        .unwrap()
        .len();
    let chunk = SEALED as u64;
    assert!(
        part >= 4 * MIB as u64 && part.is_multiple_of(chunk),
        "whole authenticated chunks are kept: {part} bytes"
    );

    proxy.mend();
    let before = proxy.down_bytes();
    let (mime, bytes) = doctor_b.attachment_bytes(added.id).unwrap();
    assert_eq!(mime, "application/pdf");
    assert!(bytes == plain, "the 20 MB come back bit for bit");
    let fetched = proxy.down_bytes() - before;
    let rest = wire_total(20 * MIB) - part;
    assert!(
        fetched >= rest && fetched < rest + HEADERS,
        "the resumed download fetched {fetched} bytes for the {rest} still missing"
    );
    assert!(doctor_b.attachment(added.id).unwrap().here);
    assert!(!folder_b.join(format!("{id}.part")).exists());

    // Opening it again reads the copy here, without the server.
    let before = proxy.down_bytes();
    assert!(doctor_b.attachment_bytes(added.id).unwrap().1 == plain);
    assert!(
        proxy.down_bytes() - before < 64 * 1024,
        "no bytes fetched twice"
    );

    // A copy here that was altered is set aside, and the next open fetches an intact one.
    let file_b = folder_b.join(format!("{id}.bin"));
    let mut altered = std::fs::read(&file_b).unwrap();
    altered[3 * MIB] ^= 0x01;
    std::fs::write(&file_b, &altered).unwrap();
    let err = doctor_b.attachment_bytes(added.id).unwrap_err();
    assert_eq!(err.code(), Code::AttachmentDamaged, "{err}");
    assert!(err.to_string().contains("set aside"), "{err}");
    assert!(folder_b.join(format!("{id}.damaged")).exists());
    assert!(doctor_b.attachment_bytes(added.id).unwrap().1 == plain);
}

fn wire_total(size: usize) -> u64 {
    clinic_protocol::attachments::sealed_total(size as u64).unwrap()
}
