// The printed documents' commands (src-tauri/src/documents.rs): a document's pages for the
// preview, printing through the workstation's printers, "Save as PDF…" to a folder,
// certificates from a visit, and the letterhead. The window only names a document (an
// issued prescription or a PDF attachment); the core lays it out, checks who may have it
// and audits every view, print and export.

import { call, callAction } from '../../lib/api';
import type { CertificateInput } from '../../lib/generated/CertificateInput';
import type { DocumentPage } from '../../lib/generated/DocumentPage';
import type { DocumentRef } from '../../lib/generated/DocumentRef';
import type { IssuedCertificate } from '../../lib/generated/IssuedCertificate';
import type { Letterhead } from '../../lib/generated/Letterhead';
import type { LetterheadInput } from '../../lib/generated/LetterheadInput';
import type { PrintedDocument } from '../../lib/generated/PrintedDocument';
import type { PrinterList } from '../../lib/generated/PrinterList';
import type { SavedDocument } from '../../lib/generated/SavedDocument';

export type { CertificateInput, DocumentPage, DocumentRef, IssuedCertificate, Letterhead, LetterheadInput, PrintedDocument, PrinterList, SavedDocument };

/** Page `page` (from 1) of a document as a PNG, with its title, page count and the names "Save as PDF…" offers. */
export function documentPage(document: DocumentRef, page: number): Promise<DocumentPage> {
  return call<DocumentPage>('document_page', { document, page });
}

/** The workstation's printers and the one to offer first; fails with a message when printing is not set up. */
export function printers(): Promise<PrinterList> {
  return call<PrinterList>('printers');
}

/** Prints a document (the shell remembers the printer for next time). */
export function printDocument(document: DocumentRef, printer: string, copies: number): Promise<PrintedDocument> {
  return call<PrintedDocument>('print_document', { document, printer, copies });
}

/** Writes the document as `folder/file_name`; an existing file is replaced only with `replace`. */
export function saveDocument(document: DocumentRef, folder: string, fileName: string, replace: boolean): Promise<SavedDocument> {
  return call<SavedDocument>('save_document', { document, folder, file_name: fileName, replace });
}

/** Issues a sick note or fitness-to-work certificate from a visit, filed in the patient's attachments. */
export function issueCertificate(encounterId: string, input: CertificateInput): Promise<IssuedCertificate> {
  return callAction<IssuedCertificate>('issue_certificate', { encounter_id: encounterId, input });
}

export function letterhead(): Promise<Letterhead> {
  return call<Letterhead>('letterhead');
}

export function setLetterhead(input: LetterheadInput): Promise<Letterhead> {
  return callAction<Letterhead>('set_letterhead', { input });
}

/** Sets the logo (a PNG as base64) or removes it (null). */
export function setLetterheadLogo(png: string | null): Promise<Letterhead> {
  return callAction<Letterhead>('set_letterhead_logo', { png });
}
