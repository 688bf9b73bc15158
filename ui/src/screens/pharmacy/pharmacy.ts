// The pharmacy screens' pure helpers, tested in pharmacy.test.ts: which sections a role
// sees, money shown and typed in minor units, quantities in words, the stock list's
// filters, and the forms' fields turned into what the commands take (dispense lines with
// their default quantities, delivery lines, transfer and sale lines). Stock, first expiry
// first out, what is left to give, alerts and totals are the core's; these only show and
// shape.

import type { Capabilities } from '../../lib/api';
import { addDays, currencyDigits, decimalToMinor, formatBirthDate, formatMoney, minorToDecimal } from '../../lib/format';
import type {
  BatchChoice,
  DeliveryInput,
  DispenseLineInput,
  Dispensing,
  ItemDispensing,
  SaleLineInput,
  StockBatch,
  StockItemInput,
  StockLine,
  StockMovement,
  TransferLineInput,
} from './api';
import { pharmacyStrings as t } from './strings';

// ---- sections ----------------------------------------------------------------------------

export type PharmacyTab = 'queue' | 'stock' | 'receive' | 'transfers' | 'discrepancies' | 'reports' | 'otc';

const TAB_ORDER: readonly PharmacyTab[] = ['queue', 'stock', 'receive', 'transfers', 'discrepancies', 'reports', 'otc'];

/** The sections the signed-in role may open, in the order they are shown (the core's
 *  policy decides the capabilities; it still checks every call). */
export function pharmacyTabs(caps: Capabilities): PharmacyTab[] {
  const allowed: Record<PharmacyTab, boolean> = {
    queue: caps.dispense,
    stock: caps.read_stock,
    receive: caps.move_stock,
    transfers: caps.read_stock,
    discrepancies: caps.read_stock,
    reports: caps.read_stock,
    otc: caps.move_stock,
  };
  return TAB_ORDER.filter((tab) => allowed[tab]);
}

/** Whether the header shows the Pharmacy tab at all. */
export function showPharmacy(caps: Capabilities): boolean {
  return caps.read_stock || caps.dispense;
}

/** The tab a key press moves to in a tab list (arrows wrap, Home and End jump). */
export function tabForKey<T>(tabs: readonly T[], current: T, key: string): T | null {
  if (tabs.length === 0) return null;
  const i = Math.max(0, tabs.indexOf(current));
  switch (key) {
    case 'ArrowRight':
      return tabs[(i + 1) % tabs.length] ?? null;
    case 'ArrowLeft':
      return tabs[(i - 1 + tabs.length) % tabs.length] ?? null;
    case 'Home':
      return tabs[0] ?? null;
    case 'End':
      return tabs[tabs.length - 1] ?? null;
    default:
      return null;
  }
}

/** An alert's kind in words (`low_stock` → "Low stock"); an unknown kind as it came. */
export function alertWords(kind: string): string {
  return (t.alertKinds as Record<string, string>)[kind] ?? kind;
}

/** A movement's kind in words (`dispense` → "dispensed"); an unknown kind as it came. */
export function movementWords(kind: string): string {
  return (t.movementKinds as Record<string, string>)[kind] ?? kind;
}

// ---- money and numbers -------------------------------------------------------------------

/** `14 Mar 2027` for a batch's expiry day (`YYYY-MM-DD`, a calendar day). */
export function expiryText(day: string): string {
  return formatBirthDate(day);
}

/** `KES 1,500.00` for 150000 minor units. */
export function money(minor: number, currency: string): string {
  return formatMoney(minor, currency);
}

/** Minor units as a form shows them for editing (`150000` KES → `1500.00`). */
export function moneyField(minor: number, currency: string): string {
  return minorToDecimal(minor, currencyDigits(currency));
}

/** Minor units from an amount as typed (`15.50` KES → 1550); null when it is not one. */
export function parseMoney(text: string, currency: string): number | null {
  return decimalToMinor(text, currencyDigits(currency));
}

/** A whole number of units as typed: null when it is not one (0 included when `zero`). */
export function parseUnits(text: string, zero = false): number | null {
  const s = text.trim();
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  if (!Number.isSafeInteger(n) || (n === 0 && !zero)) return null;
  return n;
}

/** `1 tablet`, `28 tablets`, `5 mL`: a count with its unit, plural when it is a word. */
export function unitsWord(count: number, unit: string): string {
  const u = unit.trim();
  if (u === '') return String(count);
  if (Math.abs(count) === 1 || !/^[a-z]{3,}$/.test(u) || u.endsWith('s')) return `${count} ${u}`;
  return `${count} ${/(x|ch|sh)$/.test(u) ? `${u}es` : `${u}s`}`;
}

// ---- dispensing --------------------------------------------------------------------------

/** What is left of an item, in words: `7 tablets left of 28`, `given in full`. */
export function remainingWords(line: ItemDispensing, unit: string): string {
  if (!line.open) return t.givenInFull;
  if (line.remaining === null) return t.notCounted;
  if (line.prescribed !== null && line.dispensed > 0) return t.leftOf(unitsWord(line.remaining, unit), line.prescribed);
  return t.toGive(unitsWord(line.remaining, unit));
}

/** The unit an item is counted in: its stock's, else the prescribed form's. */
export function unitOf(line: ItemDispensing): string {
  return line.choices[0]?.item.unit ?? line.item.form ?? '';
}

/** Whether first expiry first out can give the item: there is unexpired stock of what
 *  was prescribed (not only substitutes). */
export function canUseFefo(line: ItemDispensing): boolean {
  return line.choices.some((c) => !c.substitute);
}

/** A batch in the select: number, expiry, balance; a substitute names itself. */
export function choiceLabel(choice: BatchChoice): string {
  const base = t.batchChoice(choice.batch.batch_number, expiryText(choice.batch.expiry_date), unitsWord(choice.batch.balance, choice.item.unit));
  return choice.substitute ? t.substituteChoice(choice.item.label, base) : base;
}

/** One item's form: the batch (`''`: first expiry first out) and how many to give. */
export interface GiveForm {
  choice: string;
  quantity: string;
}

/** The forms an opened prescription starts with, by item id: every open item at what is
 *  left to give, first expiry first out (or the first batch when only substitutes are in
 *  stock). */
export function defaultGiveForms(d: Dispensing): Record<string, GiveForm> {
  const forms: Record<string, GiveForm> = {};
  for (const line of d.items) {
    const id = line.item_id;
    const choice = canUseFefo(line) ? '' : (line.choices[0]?.batch.id ?? '');
    const quantity = line.open && line.remaining !== null && line.remaining > 0 ? String(line.remaining) : '';
    forms[id] = { choice, quantity };
  }
  return forms;
}

/**
 * The lines to dispense from the forms: each open item with a quantity, from the chosen
 * batch (its stock item named, for a substitute) or first expiry first out. Items left
 * empty or at 0 are not given now; a quantity that is not a whole number is an error
 * under its item (by item id).
 */
export function dispenseLines(d: Dispensing, forms: Readonly<Record<string, GiveForm>>): { lines: DispenseLineInput[]; errors: Record<string, string> } {
  const lines: DispenseLineInput[] = [];
  const errors: Record<string, string> = {};
  for (const line of d.items) {
    if (!line.open) continue;
    const id = line.item_id;
    const form = forms[id];
    if (!form || form.quantity.trim() === '') continue;
    const quantity = parseUnits(form.quantity, true);
    if (quantity === null) {
      errors[id] = t.wholeUnits;
      continue;
    }
    if (quantity === 0) continue;
    const chosen = form.choice === '' ? null : (line.choices.find((c) => c.batch.id === form.choice) ?? null);
    lines.push({
      item_id: id,
      batch_id: form.choice === '' ? null : form.choice,
      stock_item_id: chosen ? chosen.item.id : null,
      quantity,
    });
  }
  return { lines, errors };
}

/** A dispensing movement in words: batch, how many, who and when are shown beside it. */
export function givenQuantity(m: StockMovement, unit: string): string {
  return unitsWord(-m.quantity, unit);
}

// ---- the stock list ----------------------------------------------------------------------

export interface StockFilter {
  text: string;
  lowOnly: boolean;
  /** Only items with a batch expiring within this many days (null: any). */
  expiringDays: number | null;
  expiredOnly: boolean;
}

export function emptyFilter(): StockFilter {
  return { text: '', lowOnly: false, expiringDays: null, expiredOnly: false };
}

/** Expired on and after its expiry day, as the core counts it. */
export function batchExpired(batch: StockBatch, today: string): boolean {
  return batch.expiry_date <= today;
}

/** An item's batches with units that are not expired but will be within `days`. */
export function expiringBatches(line: StockLine, today: string, days: number): StockBatch[] {
  const horizon = addDays(today, days);
  return line.batches.filter((b) => b.balance > 0 && b.expiry_date > today && b.expiry_date <= horizon);
}

/** The items the filter keeps: name or batch number, low only, expiring soon, expired. */
export function filterStock(lines: readonly StockLine[], filter: StockFilter, today: string): StockLine[] {
  const needle = filter.text.trim().toLowerCase();
  return lines.filter((line) => {
    if (needle !== '') {
      const named = line.item.label.toLowerCase().includes(needle);
      const batch = line.batches.some((b) => b.batch_number.toLowerCase().startsWith(needle));
      if (!named && !batch) return false;
    }
    if (filter.lowOnly && !line.low) return false;
    if (filter.expiredOnly && line.expired <= 0) return false;
    if (filter.expiringDays !== null && expiringBatches(line, today, filter.expiringDays).length === 0) return false;
    return true;
  });
}

// ---- forms -------------------------------------------------------------------------------

export interface ItemForm {
  /** A catalogue drug's name, or the name of an item the catalogue does not hold. */
  name: string;
  fromCatalogue: boolean;
  strength: string;
  form: string;
  unit: string;
  reorderLevel: string;
  price: string;
  otc: boolean;
}

export function emptyItemForm(): ItemForm {
  return { name: '', fromCatalogue: true, strength: '', form: '', unit: '', reorderLevel: '0', price: '', otc: false };
}

const optional = (text: string): string | null => (text.trim() === '' ? null : text.trim());

/** The new item as the core takes it, or the fields that are not numbers. */
export function itemInput(form: ItemForm, currency: string): { input: StockItemInput } | { errors: Partial<Record<'reorder_level' | 'price_minor', string>> } {
  const level = parseUnits(form.reorderLevel, true);
  const price = form.price.trim() === '' ? 0 : parseMoney(form.price, currency);
  const errors: Partial<Record<'reorder_level' | 'price_minor', string>> = {};
  if (level === null) errors.reorder_level = t.wholeUnitsOrZero;
  if (price === null) errors.price_minor = t.notAnAmount;
  if (level === null || price === null) return { errors };
  return {
    input: {
      drug: form.fromCatalogue ? optional(form.name) : null,
      name: form.fromCatalogue ? null : optional(form.name),
      strength: optional(form.strength),
      form: optional(form.form),
      unit: form.unit.trim(),
      reorder_level: level,
      price_minor: price,
      otc: form.otc,
    },
  };
}

export interface ReceiveLineForm {
  itemId: string;
  batchNumber: string;
  expiry: string;
  quantity: string;
  cost: string;
  location: string;
}

export function emptyReceiveLine(itemId = ''): ReceiveLineForm {
  return { itemId, batchNumber: '', expiry: '', quantity: '', cost: '', location: '' };
}

/** The delivery as the core takes it, or an error per line (by index) for what is not a
 *  number or names no item; the rest (dates, text, expiry) the core checks. */
export function deliveryInput(
  supplier: string,
  reference: string,
  lines: readonly ReceiveLineForm[],
  currency: string,
): { input: DeliveryInput } | { errors: Record<number, string> } {
  const errors: Record<number, string> = {};
  const out: DeliveryInput['lines'] = [];
  lines.forEach((line, i) => {
    const quantity = parseUnits(line.quantity);
    const cost = line.cost.trim() === '' ? 0 : parseMoney(line.cost, currency);
    if (line.itemId === '') errors[i] = t.chooseItem;
    else if (quantity === null) errors[i] = t.wholeUnits;
    else if (cost === null) errors[i] = t.notAnAmount;
    else
      out.push({
        item_id: line.itemId,
        batch_number: line.batchNumber.trim(),
        expiry_date: line.expiry.trim(),
        quantity,
        cost_minor: cost,
        location: optional(line.location),
      });
  });
  if (Object.keys(errors).length > 0) return { errors };
  return { input: { supplier: supplier.trim(), reference: reference.trim(), lines: out } };
}

export interface BatchLineForm {
  /** A batch (transfers) or a stock item (sales). */
  id: string;
  quantity: string;
}

/** Lines of batch (or item) and quantity, or an error per line by index; lines without a
 *  choice and without a quantity are left out. */
function quantityLines(lines: readonly BatchLineForm[]): { picked: { id: string; quantity: number }[]; errors: Record<number, string> } {
  const picked: { id: string; quantity: number }[] = [];
  const errors: Record<number, string> = {};
  lines.forEach((line, i) => {
    if (line.id === '' && line.quantity.trim() === '') return;
    const quantity = parseUnits(line.quantity);
    if (line.id === '') errors[i] = t.chooseItem;
    else if (quantity === null) errors[i] = t.wholeUnits;
    else picked.push({ id: line.id, quantity });
  });
  return { picked, errors };
}

export function transferLines(lines: readonly BatchLineForm[]): { lines: TransferLineInput[]; errors: Record<number, string> } {
  const { picked, errors } = quantityLines(lines);
  return { lines: picked.map((p) => ({ batch_id: p.id, quantity: p.quantity })), errors };
}

/** Sale lines: each item first expiry first out (the core picks the batches). */
export function saleLines(lines: readonly BatchLineForm[]): { lines: SaleLineInput[]; errors: Record<number, string> } {
  const { picked, errors } = quantityLines(lines);
  return { lines: picked.map((p) => ({ stock_item_id: p.id, batch_id: null, quantity: p.quantity })), errors };
}
