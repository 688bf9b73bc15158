use clinic_pdf::{PageSize, PdfError, ReportSection, ReportView, report};

use crate::letterhead;
use crate::poppler::on_disk;

fn cells(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| (*t).to_string()).collect()
}

/// A daily cash-up as billing prints it: takings by method and by cashier.
fn cash_up() -> ReportView {
    ReportView {
        letterhead: letterhead(PageSize::A4),
        title: "Daily cash-up".into(),
        subtitle: "2 December 2026 · Kilimani branch".into(),
        number: "REPORT-CASHUP-2026-12-02-BR01".into(),
        verification_code: "C7Q2-XM4P".into(),
        printed: "Printed 2 December 2026 18:05 by Grace Wanjiru".into(),
        sections: vec![
            ReportSection {
                heading: "Takings by method".into(),
                columns: cells(&["Method", "Payments", "Amount (KES)"]),
                rows: vec![
                    cells(&["Cash", "12", "4,200.00"]),
                    cells(&["M-Pesa", "27", "7,650.50"]),
                    cells(&["Card", "3", "549.50"]),
                ],
                total: cells(&["Total", "42", "12,400.00"]),
                empty: "No payments on this day.".into(),
            },
            ReportSection {
                heading: "Takings by cashier".into(),
                columns: cells(&["Cashier", "Payments", "Refunds", "Net (KES)"]),
                rows: vec![
                    cells(&["Grace Wanjiru", "30", "1", "9,100.00"]),
                    cells(&["Zoë Ólafsdóttir", "12", "0", "3,300.00"]),
                ],
                total: Vec::new(),
                empty: "No payments on this day.".into(),
            },
        ],
    }
}

fn payment(n: usize) -> Vec<String> {
    vec![
        format!("Payment {n:03} · José Álvarez"),
        "M-Pesa".into(),
        format!("{n},000.00"),
    ]
}

fn long_report(rows: usize) -> ReportView {
    ReportView {
        title: "Summary".into(),
        subtitle: "1 December 2026 – 31 December 2026 · all branches".into(),
        number: "REPORT-SUMMARY-2026-12-ALL".into(),
        sections: vec![ReportSection {
            heading: "Payments".into(),
            columns: cells(&["Receipt and patient", "Method", "Amount (KES)"]),
            rows: (1..=rows).map(payment).collect(),
            total: cells(&["Total", "", "45,150,000.00"]),
            empty: "No payments in this period.".into(),
        }],
        ..cash_up()
    }
}

#[test]
fn a_cash_up_prints_its_title_period_every_cell_the_total_and_its_reference() {
    let doc = on_disk(&report(&cash_up()).expect("report renders"));
    let pages = doc.pages_text();
    assert_eq!(pages.len(), 1, "two short tables fit one page");
    let text = &pages[0];
    let view = cash_up();
    let mut expected = vec![
        "Kilimani Family Clinic",
        "Daily cash-up",
        "2 December 2026 · Kilimani branch",
        "Printed 2 December 2026 18:05 by Grace Wanjiru",
        "No. REPORT-CASHUP-2026-12-02-BR01",
        "Verification code C7Q2-XM4P",
        "Page 1 of 1",
    ];
    for section in &view.sections {
        expected.push(&section.heading);
        expected.extend(section.columns.iter().map(String::as_str));
        for row in &section.rows {
            expected.extend(row.iter().map(String::as_str));
        }
        expected.extend(section.total.iter().map(String::as_str));
    }
    for expected in expected.iter().filter(|e| !e.is_empty()) {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    let total = text
        .lines()
        .find(|l| l.contains("Total"))
        .expect("a total line");
    assert!(
        total.contains("42") && total.contains("12,400.00"),
        "the total's cells print on one line: {total:?}"
    );
    assert!(
        !text.contains("No payments on this day."),
        "a section with rows prints its table, not its empty text"
    );
    assert!(
        doc.info()
            .contains("Daily cash-up REPORT-CASHUP-2026-12-02-BR01")
    );
}

#[test]
fn a_report_of_300_rows_runs_to_several_pages_each_with_its_column_heads_and_loses_no_row() {
    let doc = on_disk(&report(&long_report(300)).expect("report renders"));
    let pages = doc.pages_text();
    let total = pages.len();
    assert!(total >= 5, "300 rows take several pages, got {total}");
    for (i, page) in pages.iter().enumerate() {
        let n = i + 1;
        assert!(
            page.contains(&format!("Page {n} of {total}")),
            "page {n} is numbered"
        );
        assert!(
            page.contains("Receipt and patient") && page.contains("Amount (KES)"),
            "page {n} repeats the column heads: {page}"
        );
        assert!(page.contains("No. REPORT-SUMMARY-2026-12-ALL"), "page {n}");
        if n > 1 {
            assert!(
                page.contains("Summary (continued)")
                    && page.contains("Payments (continued)")
                    && page.contains("1 December 2026 – 31 December 2026"),
                "a loose page {n} says which report, period and table it continues: {page}"
            );
        }
    }
    let all = pages.join("\n");
    for n in 1..=300 {
        let printed: Vec<&str> = all
            .lines()
            .filter(|l| l.contains(&format!("Payment {n:03} ")))
            .collect();
        assert_eq!(
            printed.len(),
            1,
            "row {n} is printed once, never split or repeated"
        );
        assert!(
            printed[0].contains(&format!("{n},000.00")),
            "row {n}'s amount is on its line: {:?}",
            printed[0]
        );
    }
    assert!(
        pages[total - 1].contains("45,150,000.00"),
        "the total follows the last row"
    );
}

#[test]
fn a_section_heading_never_stands_alone_at_the_foot_of_a_page() {
    // Push the second section's heading down the first page one row at a time, past
    // its foot: wherever the heading lands, its column heads and first row are with it.
    let mut moved = false;
    for rows in 25..=45 {
        let mut view = long_report(rows);
        view.sections.push(ReportSection {
            heading: "Refunds by cashier".into(),
            columns: cells(&["Refunded by", "Refunds", "Refunded (KES)"]),
            rows: vec![cells(&["Achieng Otieno", "1", "250.00"])],
            total: Vec::new(),
            empty: String::new(),
        });
        let pages = on_disk(&report(&view).expect("report renders")).pages_text();
        let (n, page) = pages
            .iter()
            .enumerate()
            .find(|(_, p)| {
                p.lines()
                    .any(|l| l.contains("Refunds by cashier") && !l.contains("(continued)"))
            })
            .expect("the heading is printed");
        assert!(
            page.contains("Refunded by") && page.contains("Achieng Otieno"),
            "with {rows} rows before it the heading is parted from its table: {page}"
        );
        assert!(
            !pages
                .iter()
                .any(|p| p.contains("Refunds by cashier (continued)")),
            "with {rows} rows before it a one-row table is continued"
        );
        moved |= n > 0;
    }
    assert!(
        moved,
        "the range of rows is meant to push the heading past the first page's foot"
    );
}

#[test]
fn a_section_without_rows_prints_its_empty_text_in_place_of_the_table() {
    let mut view = cash_up();
    view.sections.push(ReportSection {
        heading: "Refunds".into(),
        columns: cells(&["Refund reason", "Count", "Refunded (KES)"]),
        rows: Vec::new(),
        total: cells(&["Total", "0", "0.00"]),
        empty: "No refunds on this day.".into(),
    });
    let text = on_disk(&report(&view).expect("report renders")).pages_text()[0].clone();
    assert!(text.contains("Refunds"), "{text}");
    assert!(text.contains("No refunds on this day."), "{text}");
    assert!(
        !text.contains("Refund reason") && !text.contains("Refunded (KES)"),
        "no column heads over an empty table: {text}"
    );
}

#[test]
fn six_columns_of_large_amounts_print_each_amount_whole_beside_a_wrapped_first_column() {
    let mut view = cash_up();
    view.sections = vec![ReportSection {
        heading: "Takings by service".into(),
        columns: cells(&[
            "Service",
            "Invoices issued",
            "Gross amount (KES)",
            "Discounts given (KES)",
            "Tax collected (KES)",
            "Net after discounts and tax (KES)",
        ]),
        rows: vec![cells(&[
            "Consultation, general practitioner, follow-up visit within two weeks",
            "1,204",
            "12,345,678.00",
            "1,234,567.00",
            "2,345,678.00",
            "13,456,789.00",
        ])],
        total: cells(&[
            "Total",
            "1,204",
            "12,345,678.00",
            "1,234,567.00",
            "2,345,678.00",
            "13,456,789.00",
        ]),
        empty: String::new(),
    }];
    let text = on_disk(&report(&view).expect("report renders")).pages_text()[0].clone();
    let row = text
        .lines()
        .find(|l| l.contains("Consultation"))
        .expect("the row is printed");
    for amount in [
        "1,204",
        "12,345,678.00",
        "1,234,567.00",
        "2,345,678.00",
        "13,456,789.00",
    ] {
        assert!(
            row.contains(amount),
            "{amount:?} is printed whole on the row's first line: {row:?}"
        );
    }
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("Consultation, general")
            && words.contains("follow-up")
            && words.contains("within two weeks"),
        "the long first column wraps without losing words: {text}"
    );
}

#[test]
fn a_character_the_font_lacks_refuses_the_report_rather_than_printing_a_substitute() {
    let mut view = long_report(120);
    // In a cell on a later page, and in the subtitle: every text is checked.
    view.sections[0].rows[100][0] = "Payment 101 · 王小明 🙂".into();
    view.subtitle = "December 2026 · 王".into();
    match report(&view) {
        Err(PdfError::MissingCharacters { chars }) => {
            assert!(chars.contains(&'王'), "{chars:?}");
            assert!(chars.contains(&'🙂'), "{chars:?}");
        }
        other => panic!("expected MissingCharacters, got {other:?}"),
    }
}
