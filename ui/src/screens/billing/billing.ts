// Billing's pure helpers, tested in billing.test.ts: which sections a role sees, money
// shown and typed in minor units of the clinic's currency (its digits as the core counts
// them), basis points as percentages, state and method words, the change a cash payment
// will give, the price list's search, and the forms' fields turned into what the
// commands take. Every figure on an invoice is the core's; these only show and shape.

import type { Capabilities } from '../../lib/api';
import type { InvoiceLineInput, PaymentInput, PolicyInput, PriceItem, PriceItemInput } from './api';
import { billingStrings as t } from './strings';

// ---- sections ----------------------------------------------------------------------------

export type BillingTab = 'invoices' | 'dashboard' | 'claims' | 'reports' | 'prices';

/** The sections the signed-in role may open, in order (the core still checks each call). */
export function billingTabs(caps: Capabilities): BillingTab[] {
  const tabs: BillingTab[] = [];
  if (caps.read_billing) tabs.push('invoices', 'dashboard', 'claims', 'reports');
  if (caps.manage_prices) tabs.push('prices');
  return tabs;
}

/** Whether the header shows the Billing tab at all. */
export function showBilling(caps: Capabilities): boolean {
  return billingTabs(caps).length > 0;
}

// ---- money -------------------------------------------------------------------------------

const NO_MINOR = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF', 'RWF']);
const THREE_MINOR = new Set(['BHD', 'KWD', 'OMR', 'JOD', 'TND', 'LYD', 'IQD']);

/** A currency's minor-unit digits as the core counts them (clinic-core `money.rs`): the
 *  amounts are stored in those units, whatever a browser's tables say. */
export function currencyDigits(currency: string): number {
  const code = currency.trim().toUpperCase();
  if (NO_MINOR.has(code)) return 0;
  if (THREE_MINOR.has(code)) return 3;
  return 2;
}

/** The exact decimal text of `minor` units (`150000`, KES → `1500.00`), from integers. */
export function amountField(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const text = Math.abs(Math.trunc(minor)).toString().padStart(digits + 1, '0');
  if (digits === 0) return `${sign}${text}`;
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** `KES 1,500.00` for 150000 minor units of KES; `-KES 50.00` for a credit. */
export function money(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const whole = amountField(Math.abs(minor), currency);
  const [int = '0', fraction] = whole.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const amount = fraction !== undefined && digits > 0 ? `${grouped}.${fraction}` : grouped;
  return `${minor < 0 ? '-' : ''}${currency.toUpperCase()} ${amount}`;
}

/** Minor units from an amount as typed (`2,500.50` KES → 250050), without floating
 *  point; null when it is not a plain non-negative amount with at most the currency's
 *  digits. */
export function parseAmount(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const plain = text.trim().replace(/[,\s]/g, '');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(plain);
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  const minor = Number((match[1] ?? '0') + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

// ---- basis points ------------------------------------------------------------------------

/** `16` for 1600 basis points, `7.5` for 750, `0.25` for 25. */
export function bpToPercent(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const rest = Math.abs(bp % 100);
  if (rest === 0) return String(whole);
  return `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

/** Basis points from a percentage as typed (`16` → 1600, `7.5` → 750, `12.25 %` →
 *  1225); null unless 0 to 100 with at most two decimals. */
export function percentToBp(text: string): number | null {
  const plain = text.trim().replace(/\s*%$/, '');
  const match = /^(\d{1,3})(?:\.(\d{0,2}))?$/.exec(plain);
  if (!match) return null;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}

// ---- words -------------------------------------------------------------------------------

export function stateWords(state: string): string {
  return t.states[state] ?? state;
}

export function methodWords(method: string): string {
  return t.methods[method] ?? method;
}

export function categoryWords(category: string): string {
  return t.categories[category] ?? category;
}

/** The methods a payment is taken by, as the core names them. */
export const METHODS = ['cash', 'card', 'mobile_money', 'bank_transfer', 'insurance'] as const;

/** The categories of a line or price, as the core names them. */
export const CATEGORIES = ['consultation', 'service', 'procedure', 'lab', 'pharmacy', 'other'] as const;

/** The change a cash payment will give, shown before it is taken (the core works it out
 *  again and records it): null until both amounts are known and the cash covers it. */
export function changeDue(amountMinor: number | null, tenderedMinor: number | null): number | null {
  if (amountMinor === null || tenderedMinor === null || tenderedMinor < amountMinor) return null;
  return tenderedMinor - amountMinor;
}

// ---- the price list ----------------------------------------------------------------------

/** Active prices whose code or name contains every word of `text`, code matches first. */
export function searchPrices(items: readonly PriceItem[], text: string): PriceItem[] {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const active = items.filter((p) => p.active);
  const found = active.filter((p) => words.every((w) => p.code.toLowerCase().includes(w) || p.name.toLowerCase().includes(w)));
  const q = words.join(' ');
  const rank = (p: PriceItem): number => (q && p.code.toLowerCase().startsWith(q) ? 0 : 1);
  return [...found].sort((a, b) => rank(a) - rank(b) || a.code.localeCompare(b.code));
}

// ---- forms -------------------------------------------------------------------------------

export interface FreeLineForm {
  description: string;
  category: string;
  unitPrice: string;
  taxPercent: string;
  quantity: string;
}

export function emptyFreeLine(): FreeLineForm {
  return { description: '', category: 'other', unitPrice: '', taxPercent: '0', quantity: '1' };
}

function wholeQuantity(text: string): number | null {
  const s = text.trim();
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) && n >= 1 ? n : null;
}

export type LineErrors = Partial<Record<'code' | 'description' | 'unit_price_minor' | 'tax_bp' | 'quantity', string>>;

/** A price-list line (by code) as the command takes it. */
export function priceLine(code: string, quantity: string): { input: InvoiceLineInput } | { errors: LineErrors } {
  const errors: LineErrors = {};
  const q = wholeQuantity(quantity);
  if (!code.trim()) errors.code = t.chooseItem;
  if (q === null) errors.quantity = t.wholeQuantity;
  if (Object.keys(errors).length > 0 || q === null) return { errors };
  return { input: { code: code.trim(), category: null, description: null, unit_price_minor: null, tax_bp: null, quantity: q } };
}

/** A written-out line as the command takes it. */
export function freeLine(form: FreeLineForm, currency: string): { input: InvoiceLineInput } | { errors: LineErrors } {
  const errors: LineErrors = {};
  const price = parseAmount(form.unitPrice, currency);
  const tax = percentToBp(form.taxPercent);
  const q = wholeQuantity(form.quantity);
  if (!form.description.trim()) errors.description = t.descriptionNeeded;
  if (price === null) errors.unit_price_minor = t.notAnAmount;
  if (tax === null) errors.tax_bp = t.notAPercent;
  if (q === null) errors.quantity = t.wholeQuantity;
  if (price === null || tax === null || q === null || errors.description) return { errors };
  return {
    input: { code: null, category: form.category, description: form.description.trim(), unit_price_minor: price, tax_bp: tax, quantity: q },
  };
}

export interface PaymentForm {
  method: string;
  amount: string;
  tendered: string;
  reference: string;
}

/** A payment form starting at the balance, in cash. */
export function paymentForm(balanceMinor: number, currency: string): PaymentForm {
  return { method: 'cash', amount: amountField(Math.max(0, balanceMinor), currency), tendered: '', reference: '' };
}

export type PaymentErrors = Partial<Record<'amount_minor' | 'tendered_minor' | 'reason', string>>;

/** A payment as the command takes it (the tendered cash only for cash). */
export function paymentInput(form: PaymentForm, currency: string): { input: PaymentInput } | { errors: PaymentErrors } {
  const errors: PaymentErrors = {};
  const amount = parseAmount(form.amount, currency);
  const cash = form.method === 'cash';
  const tendered = cash && form.tendered.trim() ? parseAmount(form.tendered, currency) : null;
  if (amount === null || amount === 0) errors.amount_minor = t.notAnAmount;
  if (cash && form.tendered.trim() && tendered === null) errors.tendered_minor = t.notAnAmount;
  else if (amount !== null && tendered !== null && tendered < amount) errors.tendered_minor = t.tenderedShort;
  if (amount === null || amount === 0 || Object.keys(errors).length > 0) return { errors };
  const reference = form.reference.trim();
  return { input: { method: form.method, amount_minor: amount, tendered_minor: tendered, reference: reference || null, reason: null } };
}

/** A refund (a negative payment with its reason) as the command takes it. */
export function refundInput(method: string, amount: string, reason: string, currency: string): { input: PaymentInput } | { errors: PaymentErrors } {
  const errors: PaymentErrors = {};
  const minor = parseAmount(amount, currency);
  if (minor === null || minor === 0) errors.amount_minor = t.notAnAmount;
  if (!reason.trim()) errors.reason = t.reasonNeeded;
  if (minor === null || minor === 0 || errors.reason) return { errors };
  return { input: { method, amount_minor: -minor, tendered_minor: null, reference: null, reason: reason.trim() } };
}

export interface PriceForm {
  code: string;
  name: string;
  category: string;
  price: string;
  taxPercent: string;
  active: boolean;
}

export function emptyPriceForm(): PriceForm {
  return { code: '', name: '', category: 'service', price: '', taxPercent: '0', active: true };
}

export function priceFormOf(item: PriceItem, currency: string): PriceForm {
  return {
    code: item.code,
    name: item.name,
    category: item.category,
    price: amountField(item.price_minor, currency),
    taxPercent: bpToPercent(item.tax_bp),
    active: item.active,
  };
}

export type PriceErrors = Partial<Record<'code' | 'name' | 'price_minor' | 'tax_bp', string>>;

export function priceInput(form: PriceForm, currency: string): { input: PriceItemInput } | { errors: PriceErrors } {
  const errors: PriceErrors = {};
  const price = parseAmount(form.price, currency);
  const tax = percentToBp(form.taxPercent);
  if (!form.code.trim()) errors.code = t.codeNeeded;
  if (!form.name.trim()) errors.name = t.nameNeeded;
  if (price === null) errors.price_minor = t.notAnAmount;
  if (tax === null) errors.tax_bp = t.notAPercent;
  if (price === null || tax === null || Object.keys(errors).length > 0) return { errors };
  return {
    input: { code: form.code.trim(), name: form.name.trim(), category: form.category, price_minor: price, tax_bp: tax, active: form.active },
  };
}

// ---- reports -----------------------------------------------------------------------------

/** The first and last days of the month a day `2026-03-14` falls in: `2026-03-01`, `2026-03-31`. */
export function monthBounds(day: string): [string, string] {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const prefix = day.slice(0, 7);
  return [`${prefix}-01`, `${prefix}-${String(last).padStart(2, '0')}`];
}

/** A report's period as the shell takes it: the day itself when `to` is empty or the same
 *  day, otherwise the range `from..to` (the shell checks the dates and their order). */
export function periodOf(from: string, to: string): string {
  const a = from.trim();
  const b = to.trim();
  return b === '' || b === a ? a : `${a}..${b}`;
}

/** The file name a report is offered under: `cash-up-2026-03-14`, `summary-2026-03-BR01`,
 *  `summary-2026-03-01--2026-03-15`. */
export function reportFileName(kind: 'cash_up' | 'summary', period: string, branch: string): string {
  const b = branch.trim().toUpperCase();
  return `${kind === 'cash_up' ? 'cash-up' : 'summary'}-${period.replace('..', '--')}${b ? `-${b}` : ''}`;
}

// ---- insurance ---------------------------------------------------------------------------

export function claimWords(status: string): string {
  return t.claimStates[status] ?? status;
}

/** The claim statuses the claims list filters by, in the order a claim moves. */
export const CLAIM_STATES = ['draft', 'submitted', 'approved', 'partly_approved', 'denied', 'paid'] as const;

export interface PolicyForm {
  payer: string;
  policyNumber: string;
  coveragePercent: string;
  validUntil: string;
}

export function emptyPolicyForm(): PolicyForm {
  return { payer: '', policyNumber: '', coveragePercent: '100', validUntil: '' };
}

export type PolicyErrors = Partial<Record<'payer' | 'policy_number' | 'coverage_bp' | 'valid_until', string>>;

export function policyInput(form: PolicyForm): { input: PolicyInput } | { errors: PolicyErrors } {
  const errors: PolicyErrors = {};
  const coverage = percentToBp(form.coveragePercent);
  const until = form.validUntil.trim();
  if (!form.payer) errors.payer = t.choosePayer;
  if (!form.policyNumber.trim()) errors.policy_number = t.policyNumberNeeded;
  if (coverage === null || coverage === 0) errors.coverage_bp = t.notAPercent;
  if (until && !/^\d{4}-\d{2}-\d{2}$/.test(until)) errors.valid_until = t.notADay;
  if (coverage === null || Object.keys(errors).length > 0) return { errors };
  return { input: { payer: form.payer, policy_number: form.policyNumber.trim(), coverage_bp: coverage, valid_until: until || null } };
}

// ---- the dashboard -----------------------------------------------------------------------

/** Each value's bar height out of `height` (the largest fills it; none below zero; an
 *  all-zero series stays flat). */
export function barHeights(values: readonly number[], height: number): number[] {
  const top = Math.max(0, ...values);
  if (top === 0) return values.map(() => 0);
  return values.map((v) => (Math.max(0, v) / top) * height);
}
