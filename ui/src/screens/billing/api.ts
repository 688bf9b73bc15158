// Billing's commands (src-tauri/src/billing.rs): the price list, the branch's open
// invoices, a patient's invoices, drafts and their lines (from the price list, written
// out, or what the pharmacy gave), discounts, issuing, voids, credit notes, payments and
// refunds; the daily cash-up, the monthly summary (shown and saved as CSV) and the
// dashboard; insurance
// payers, patients' policies and claims. Every rule (who may, the figures, the numbers,
// the states) is the core's.

import { call, callAction } from '../../lib/api';
import type { CashUp } from '../../lib/generated/CashUp';
import type { CashUpRow } from '../../lib/generated/CashUpRow';
import type { ClaimCount } from '../../lib/generated/ClaimCount';
import type { Dashboard } from '../../lib/generated/Dashboard';
import type { DayCount } from '../../lib/generated/DayCount';
import type { DiagnosisCount } from '../../lib/generated/DiagnosisCount';
import type { InsuranceClaim } from '../../lib/generated/InsuranceClaim';
import type { InsurancePolicy } from '../../lib/generated/InsurancePolicy';
import type { Invoice } from '../../lib/generated/Invoice';
import type { InvoiceLine } from '../../lib/generated/InvoiceLine';
import type { InvoiceLineInput } from '../../lib/generated/InvoiceLineInput';
import type { InvoicePayment } from '../../lib/generated/InvoicePayment';
import type { InvoiceTaxRate } from '../../lib/generated/InvoiceTaxRate';
import type { InvoiceShares } from '../../lib/generated/InvoiceShares';
import type { InvoiceTotals } from '../../lib/generated/InvoiceTotals';
import type { BillingSummary } from '../../lib/generated/BillingSummary';
import type { NamedAmount } from '../../lib/generated/NamedAmount';
import type { Outstanding } from '../../lib/generated/Outstanding';
import type { Payer } from '../../lib/generated/Payer';
import type { PaymentInput } from '../../lib/generated/PaymentInput';
import type { PaymentRecorded } from '../../lib/generated/PaymentRecorded';
import type { PriceItem } from '../../lib/generated/PriceItem';
import type { PolicyInput } from '../../lib/generated/PolicyInput';
import type { PriceItemInput } from '../../lib/generated/PriceItemInput';
import type { RemovedInvoiceLine } from '../../lib/generated/RemovedInvoiceLine';
import type { ReportRef } from '../../lib/generated/ReportRef';
import type { SavedReport } from '../../lib/generated/SavedReport';
import type { WeekAmount } from '../../lib/generated/WeekAmount';

export type {
  CashUp,
  CashUpRow,
  ClaimCount,
  Dashboard,
  DayCount,
  DiagnosisCount,
  InsuranceClaim,
  InsurancePolicy,
  Invoice,
  InvoiceLine,
  InvoiceLineInput,
  InvoicePayment,
  InvoiceShares,
  InvoiceTaxRate,
  InvoiceTotals,
  BillingSummary,
  NamedAmount,
  Outstanding,
  Payer,
  PaymentInput,
  PaymentRecorded,
  PolicyInput,
  PriceItem,
  PriceItemInput,
  RemovedInvoiceLine,
  ReportRef,
  SavedReport,
  WeekAmount,
};

// ---- the price list ----------------------------------------------------------------------

export function priceList(): Promise<PriceItem[]> {
  return call<PriceItem[]>('price_list', {});
}

/** Adds or changes a price by its code (administrators). */
export function setPrice(input: PriceItemInput): Promise<PriceItem> {
  return callAction<PriceItem>('set_price', { input });
}

// ---- invoices ----------------------------------------------------------------------------

/** An invoice by its id or its number. */
export function invoice(id: string): Promise<Invoice> {
  return call<Invoice>('invoice', { id });
}

/** A patient's invoices, newest first. */
export function patientInvoices(patientId: string): Promise<Invoice[]> {
  return call<Invoice[]>('patient_invoices', { patient_id: patientId });
}

/** This branch's drafts and issued invoices, oldest first. */
export function openInvoices(): Promise<Invoice[]> {
  return call<Invoice[]>('open_invoices', {});
}

/** A walk-in draft, for a patient or none. */
export function newInvoice(patientId: string | null): Promise<Invoice> {
  return callAction<Invoice>('new_invoice', { patient_id: patientId });
}

export function addInvoiceLine(invoiceId: string, line: InvoiceLineInput): Promise<Invoice> {
  return callAction<Invoice>('add_invoice_line', { invoice_id: invoiceId, line });
}

/** Adds what the pharmacy gave the draft's patient (or one over-the-counter sale by its
 *  number) and has not been billed yet. */
export function addDispensedLines(invoiceId: string, sale: string | null): Promise<Invoice> {
  return callAction<Invoice>('add_dispensed_lines', { invoice_id: invoiceId, sale });
}

export function removeInvoiceLine(lineId: string): Promise<Invoice> {
  return callAction<Invoice>('remove_invoice_line', { line_id: lineId });
}

/** A discount on a draft's line in basis points, with its reason (accountants). */
export function discountLine(lineId: string, discountBp: number, reason: string): Promise<Invoice> {
  return callAction<Invoice>('discount_line', { line_id: lineId, discount_bp: discountBp, reason });
}

/** Numbers a draft and freezes it. */
export function issueInvoice(id: string): Promise<Invoice> {
  return callAction<Invoice>('issue_invoice', { id });
}

export function voidInvoice(id: string, reason: string): Promise<Invoice> {
  return callAction<Invoice>('void_invoice', { id, reason });
}

/** Credits an issued invoice in full; answers the credit note. */
export function creditInvoice(id: string, reason: string): Promise<Invoice> {
  return callAction<Invoice>('credit_invoice', { id, reason });
}

/** A payment (positive) or a refund (negative, with its reason). */
export function recordPayment(invoiceId: string, payment: PaymentInput): Promise<PaymentRecorded> {
  return callAction<PaymentRecorded>('record_payment', { invoice_id: invoiceId, payment });
}

// ---- reports -----------------------------------------------------------------------------

/** What each cashier took over `period` (a day `YYYY-MM-DD`, a month `YYYY-MM` or a range
 *  `YYYY-MM-DD..YYYY-MM-DD` of clinic days), at every branch or one. */
export function cashUp(period: string, branch: string | null): Promise<CashUp> {
  return call<CashUp>('cash_up', { period, branch });
}

/** A period (a month, a day or a range) at a glance, at every branch or one. */
export function billingSummary(period: string, branch: string | null): Promise<BillingSummary> {
  return call<BillingSummary>('billing_summary', { period, branch });
}

/** Saves a report as CSV into `folder` (empty: the user's Documents folder); an existing
 *  file is replaced only when asked. */
export function saveBillingReport(report: ReportRef, folder: string, fileName: string, replace: boolean): Promise<SavedReport> {
  return callAction<SavedReport>('save_billing_report', { report, folder, file_name: fileName, replace });
}

// ---- insurance ---------------------------------------------------------------------------

export function payers(): Promise<Payer[]> {
  return call<Payer[]>('payers', {});
}

/** Adds or changes a payer by its code (billing staff). */
export function setPayer(code: string, name: string, active: boolean): Promise<Payer> {
  return callAction<Payer>('set_payer', { code, name, active });
}

export function patientPolicies(patientId: string): Promise<InsurancePolicy[]> {
  return call<InsurancePolicy[]>('patient_policies', { patient_id: patientId });
}

export function addPolicy(patientId: string, input: PolicyInput): Promise<InsurancePolicy> {
  return callAction<InsurancePolicy>('add_policy', { patient_id: patientId, input });
}

/** A claim on an issued invoice for the policy's share. */
export function createClaim(invoiceId: string, policyId: string): Promise<InsuranceClaim> {
  return callAction<InsuranceClaim>('create_claim', { invoice_id: invoiceId, policy_id: policyId });
}

export function submitClaim(id: string): Promise<InsuranceClaim> {
  return callAction<InsuranceClaim>('submit_claim', { id });
}

/** The payer's decision: what it approved (0 denies), with its note. */
export function decideClaim(id: string, approvedMinor: number, note: string | null): Promise<InsuranceClaim> {
  return callAction<InsuranceClaim>('decide_claim', { id, approved_minor: approvedMinor, note });
}

/** The payer paid what it approved: an insurance payment on the invoice. */
export function claimPaid(id: string, reference: string | null): Promise<InsuranceClaim> {
  return callAction<InsuranceClaim>('claim_paid', { id, reference });
}

/** An invoice's split between its payer (the standing claim) and its patient. */
export function invoiceShares(invoiceId: string): Promise<InvoiceShares> {
  return call<InvoiceShares>('invoice_shares', { invoice_id: invoiceId });
}

/** Claims, all or with one status. */
export function claims(status: string | null): Promise<InsuranceClaim[]> {
  return call<InsuranceClaim[]>('claims', { status });
}

// ---- the dashboard -----------------------------------------------------------------------

/** The last `weeks` weeks at a glance (every day and week present, for a chart). */
export function billingDashboard(weeks: number): Promise<Dashboard> {
  return call<Dashboard>('billing_dashboard', { weeks });
}
