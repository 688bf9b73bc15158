//! A tabular report: billing's daily cash-up and period summary, or any other list of
//! titled tables core wants on paper.
//!
//! The first page: letterhead, the title, the subtitle (the period and branch) and who
//! printed it when. Then each section: its heading, its column heads over a rule, one
//! row per entry and an optional bold total under a closing rule; a section without
//! rows prints its `empty` text instead of the table. The first column is text and
//! takes the width the others leave, wrapping when long; every other column is
//! right-aligned and as wide as its widest text (head, cells, total), with a minimum, so
//! amounts line up. When the right-hand columns would crowd the first one out, their
//! heads wrap at spaces first; only amounts too wide for the page wrap themselves.
//! Nothing overlaps and nothing is cut off.
//!
//! Rows that do not fit go on to further pages, each with the letterhead, the title
//! "(continued)" with the subtitle, the section's heading "(continued)" and its column
//! heads again. A row is never split across pages, a section's heading never stands
//! alone at the foot of a page (it moves with its column heads and first row), and the
//! total stays with the last row. Every page carries the common footer (QR code, the
//! report's reference in place of a number, verification code, "Page N of M"). Every
//! text arrives settled: nothing here formats, adds up or reads a clock.

use crate::error::Result;
use crate::fonts::Face;
use crate::layout::{MARGIN, Sheet, line_height};
use crate::view::{ReportSection, ReportView};

const SIZE: f32 = 9.0;
const HEADING_SIZE: f32 = 11.0;
const EMPTY_SIZE: f32 = 9.5;
/// A right-aligned column is never narrower than this, so a column of "0" still reads
/// as a column.
const MIN_COLUMN_W: f32 = 40.0;
/// The first (text) column keeps at least this much when the right-hand columns' heads
/// can wrap to make room …
const MIN_FIRST_W: f32 = 140.0;
/// … and at least this much when only squeezing it spares the amounts from wrapping.
const SQUEEZED_FIRST_W: f32 = 72.0;
/// Space between two columns.
const GUTTER: f32 = 12.0;
/// Space under each row of a table.
const ROW_GAP: f32 = 2.5;
/// Space above a section that does not open a page.
const SECTION_GAP: f32 = 14.0;

/// Lays out a report.
pub fn report(view: &ReportView) -> Result<Vec<u8>> {
    let title = if view.number.trim().is_empty() {
        view.title.clone()
    } else {
        format!("{} {}", view.title, view.number)
    };
    let mut page = Page {
        sheet: Sheet::new(&title, &view.letterhead)?,
        view,
        fresh: true,
    };
    page.sheet.letterhead(&view.letterhead);
    page.heading(&view.title);
    if !view.printed.trim().is_empty() {
        let width = page.sheet.content_width();
        page.sheet
            .paragraph(Face::Regular, SIZE, MARGIN, width, &view.printed);
    }
    page.sheet.y += 10.0;
    for section in &view.sections {
        page.section(section);
    }
    page.sheet.finish(&view.number, &view.verification_code)
}

/// The sheet being drawn and whether the current page holds anything yet beyond its
/// heading (a fresh page is never given up for a new one: that would loop, or leave a
/// page with nothing on it).
struct Page<'a> {
    sheet: Sheet,
    view: &'a ReportView,
    fresh: bool,
}

/// A table's geometry: the first column's width and, for each other column, its width
/// and the right edge its texts align on.
struct Table {
    first_w: f32,
    /// (width, right edge), left to right.
    right: Vec<(f32, f32)>,
}

/// One row's texts, wrapped to their columns: one list of lines per column.
struct Row {
    face: Face,
    cells: Vec<Vec<String>>,
}

impl Row {
    fn lines(&self) -> usize {
        self.cells.iter().map(Vec::len).max().unwrap_or(1).max(1)
    }

    fn height(&self) -> f32 {
        self.lines() as f32 * line_height(SIZE)
    }
}

impl Page<'_> {
    /// The report's title (and the subtitle under it), from the cursor.
    fn heading(&mut self, title: &str) {
        let width = self.sheet.content_width();
        self.sheet.paragraph(Face::Bold, 14.0, MARGIN, width, title);
        self.sheet.y += 2.0;
        if !self.view.subtitle.trim().is_empty() {
            self.sheet
                .paragraph(Face::Regular, 10.0, MARGIN, width, &self.view.subtitle);
        }
        self.sheet.y += 4.0;
    }

    /// A further page: the letterhead and the title "continued" with the subtitle, so a
    /// loose page still says which report and which period it belongs to.
    fn continue_page(&mut self) {
        self.sheet.new_page();
        self.sheet.letterhead(&self.view.letterhead);
        self.heading(&format!("{} (continued)", self.view.title));
        self.sheet.y += 6.0;
        self.fresh = true;
    }

    /// Moves to a new page unless `height` more fits on this one (or this one is fresh).
    /// Returns whether it moved.
    fn make_room(&mut self, height: f32) -> bool {
        if self.fresh || self.sheet.y + height <= self.sheet.bottom() {
            return false;
        }
        self.continue_page();
        true
    }

    fn section_heading(&mut self, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let width = self.sheet.content_width();
        self.sheet
            .paragraph(Face::Bold, HEADING_SIZE, MARGIN, width, text);
        self.sheet.y += 3.0;
    }

    fn heading_height(&self, text: &str) -> f32 {
        if text.trim().is_empty() {
            return 0.0;
        }
        let lines = self
            .sheet
            .wrap(Face::Bold, HEADING_SIZE, self.sheet.content_width(), text);
        lines.len() as f32 * line_height(HEADING_SIZE) + 3.0
    }

    fn section(&mut self, section: &ReportSection) {
        if !self.fresh {
            self.sheet.y += SECTION_GAP;
        }
        let heading_h = self.heading_height(&section.heading);

        if section.rows.is_empty() {
            let width = self.sheet.content_width();
            let empty = self
                .sheet
                .wrap(Face::Regular, EMPTY_SIZE, width, &section.empty);
            self.make_room(heading_h + empty.len() as f32 * line_height(EMPTY_SIZE));
            self.section_heading(&section.heading);
            self.sheet
                .paragraph(Face::Regular, EMPTY_SIZE, MARGIN, width, &section.empty);
            self.fresh = false;
            return;
        }

        let table = self.table(section);
        let head = self.row(&table, Face::Bold, &section.columns);
        let rows: Vec<Row> = section
            .rows
            .iter()
            .map(|cells| self.row(&table, Face::Regular, cells))
            .collect();
        let total =
            (!section.total.is_empty()).then(|| self.row(&table, Face::Bold, &section.total));
        let total_h = total.as_ref().map_or(0.0, |t| 8.0 + t.height());
        let head_h = head.height() + 6.0;
        let row_h = |i: usize, row: &Row| {
            row.height() + ROW_GAP + if i + 1 == rows.len() { total_h } else { 0.0 }
        };

        // The heading goes with the column heads and the first row (and the total when
        // that row is the last): never alone at the foot of a page.
        self.make_room(heading_h + head_h + row_h(0, &rows[0]));
        self.section_heading(&section.heading);
        self.draw_head(&table, &head);
        for (i, row) in rows.iter().enumerate() {
            if self.make_room(row_h(i, row)) {
                if !section.heading.trim().is_empty() {
                    self.section_heading(&format!("{} (continued)", section.heading));
                }
                self.draw_head(&table, &head);
            }
            self.draw_row(&table, row);
            self.sheet.y += ROW_GAP;
            self.fresh = false;
        }
        if let Some(total) = &total {
            let (y, right) = (self.sheet.y + 2.0, self.sheet.width - MARGIN);
            self.sheet.rule(MARGIN, right, y, 0.5);
            self.sheet.y = y + 6.0;
            self.draw_row(&table, total);
        }
        self.fresh = false;
    }

    /// Column widths for a section. Each right-aligned column wants the width of its
    /// widest text, head included (at least [`MIN_COLUMN_W`]); the first column takes
    /// what is left. When that would leave the first column less than [`MIN_FIRST_W`],
    /// the heads wrap at their spaces first (a column then needs only its widest cell
    /// or head word, and gets a fair part of the room beyond that); then the first
    /// column gives up room down to [`SQUEEZED_FIRST_W`]; only if the cells are still
    /// too wide do the columns share the room and their cells wrap too.
    fn table(&self, section: &ReportSection) -> Table {
        let count = std::iter::once(section.columns.len())
            .chain(std::iter::once(section.total.len()))
            .chain(section.rows.iter().map(Vec::len))
            .max()
            .unwrap_or(0)
            .max(1);
        let widest = |face: Face, text: &str| {
            text.split('\n')
                .map(|line| self.sheet.measure(face, line, SIZE))
                .fold(0.0_f32, f32::max)
        };
        let widest_word = |face: Face, text: &str| {
            text.split([' ', '\n'])
                .map(|word| self.sheet.measure(face, word, SIZE))
                .fold(0.0_f32, f32::max)
        };
        // (wanted, needed): with the head on one line, and with it wrapped at spaces.
        let (wanted, needed): (Vec<f32>, Vec<f32>) = (1..count)
            .map(|c| {
                let mut cells = widest(Face::Bold, cell(&section.total, c));
                for row in &section.rows {
                    cells = cells.max(widest(Face::Regular, cell(row, c)));
                }
                let head = cell(&section.columns, c);
                let wanted = cells.max(widest(Face::Bold, head)).max(MIN_COLUMN_W);
                let needed = cells.max(widest_word(Face::Bold, head)).max(MIN_COLUMN_W);
                (wanted, needed)
            })
            .unzip();

        let content = self.sheet.content_width();
        let gutters = GUTTER * wanted.len() as f32;
        let available = (content - MIN_FIRST_W - gutters).max(0.0);
        let squeezed = (content - SQUEEZED_FIRST_W - gutters).max(0.0);
        let (sum_wanted, sum_needed) = (wanted.iter().sum::<f32>(), needed.iter().sum::<f32>());
        let widths: Vec<f32> = if sum_wanted <= available {
            wanted
        } else if sum_needed <= available {
            // Every column gets what it needs, and the room left in proportion to how
            // much more its head would like.
            let spare = (available - sum_needed) / (sum_wanted - sum_needed);
            needed
                .iter()
                .zip(&wanted)
                .map(|(n, w)| n + (w - n) * spare)
                .collect()
        } else if sum_needed <= squeezed {
            needed
        } else {
            // Share what the squeezed first column leaves: the narrowest columns keep
            // what they need while it is under an equal part of what remains; the
            // others get that equal part.
            let mut widths = needed;
            let mut order: Vec<usize> = (0..widths.len()).collect();
            order.sort_by(|a, b| widths[*a].total_cmp(&widths[*b]));
            let mut remaining = squeezed;
            for (k, &i) in order.iter().enumerate() {
                let share = remaining / (order.len() - k) as f32;
                if widths[i] > share {
                    for &j in &order[k..] {
                        widths[j] = share.max(1.0);
                    }
                    break;
                }
                remaining -= widths[i];
            }
            widths
        };
        let first_w = content - gutters - widths.iter().sum::<f32>();

        let mut right = Vec::with_capacity(widths.len());
        let mut edge = self.sheet.width - MARGIN;
        for w in widths.iter().rev() {
            right.push((*w, edge));
            edge -= w + GUTTER;
        }
        right.reverse();
        Table { first_w, right }
    }

    /// Wraps one row's cells to their columns; a missing cell prints as empty.
    fn row(&self, table: &Table, face: Face, cells: &[String]) -> Row {
        let mut wrapped = vec![self.sheet.wrap(face, SIZE, table.first_w, cell(cells, 0))];
        for (i, (w, _)) in table.right.iter().enumerate() {
            wrapped.push(self.sheet.wrap(face, SIZE, *w, cell(cells, i + 1)));
        }
        Row {
            face,
            cells: wrapped,
        }
    }

    fn draw_row(&mut self, table: &Table, row: &Row) {
        let top = self.sheet.y;
        let lh = line_height(SIZE);
        for (n, line) in row.cells[0].iter().enumerate() {
            self.sheet
                .text_at(row.face, SIZE, MARGIN, top + n as f32 * lh, line);
        }
        for ((_, edge), lines) in table.right.iter().zip(&row.cells[1..]) {
            for (n, line) in lines.iter().enumerate() {
                self.sheet
                    .text_right(row.face, SIZE, *edge, top + n as f32 * lh, line);
            }
        }
        self.sheet.y = top + row.height();
    }

    /// The column heads over a rule.
    fn draw_head(&mut self, table: &Table, head: &Row) {
        self.draw_row(table, head);
        self.sheet.y += 2.0;
        let (y, right) = (self.sheet.y, self.sheet.width - MARGIN);
        self.sheet.rule(MARGIN, right, y, 0.5);
        self.sheet.y += 4.0;
    }
}

/// The text of column `c` of a row, or "" when the row is shorter.
fn cell(cells: &[String], c: usize) -> &str {
    cells.get(c).map_or("", String::as_str)
}
