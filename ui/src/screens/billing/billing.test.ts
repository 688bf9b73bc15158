import { describe, expect, it } from 'vitest';

import type { Capabilities } from '../../lib/api';
import type { PriceItem } from './api';
import {
  amountField,
  barHeights,
  billingTabs,
  bpToPercent,
  changeDue,
  currencyDigits,
  freeLine,
  money,
  monthBounds,
  parseAmount,
  paymentForm,
  paymentInput,
  percentToBp,
  periodOf,
  policyInput,
  priceFormOf,
  priceInput,
  priceLine,
  refundInput,
  reportFileName,
  searchPrices,
  showBilling,
  stateWords,
} from './billing';
import { billingStrings as t } from './strings';

const caps = (over: Partial<Capabilities>): Capabilities =>
  ({ read_billing: false, write_billing: false, take_payments: false, give_discounts: false, manage_prices: false, ...over }) as Capabilities;

describe('billing’s sections', () => {
  it('show invoices to billing staff and the price list to administrators', () => {
    expect(billingTabs(caps({ read_billing: true, write_billing: true }))).toEqual(['invoices', 'dashboard', 'claims', 'reports']);
    expect(billingTabs(caps({ read_billing: true, manage_prices: true }))).toEqual(['invoices', 'dashboard', 'claims', 'reports', 'prices']);
    expect(billingTabs(caps({ manage_prices: true }))).toEqual(['prices']);
    expect(showBilling(caps({}))).toBe(false);
    expect(showBilling(caps({ manage_prices: true }))).toBe(true);
  });
});

describe('money in minor units', () => {
  it('counts digits as the core does, not as a browser might', () => {
    expect(currencyDigits('KES')).toBe(2);
    expect(currencyDigits('jpy')).toBe(0);
    expect(currencyDigits('UGX')).toBe(0);
    expect(currencyDigits('BHD')).toBe(3);
    // ICU gives IQD no minor digits; the core stores it in fils.
    expect(currencyDigits('IQD')).toBe(3);
  });

  it('shows exact amounts, grouped, with a sign for credits', () => {
    expect(money(150000, 'KES')).toBe('KES 1,500.00');
    expect(money(5, 'KES')).toBe('KES 0.05');
    expect(money(-120000, 'KES')).toBe('-KES 1,200.00');
    expect(money(1234567, 'JPY')).toBe('JPY 1,234,567');
    expect(money(1500, 'BHD')).toBe('BHD 1.500');
    expect(money(123456789012345, 'KES')).toBe('KES 1,234,567,890,123.45');
  });

  it('edits and reads amounts back without floating point', () => {
    expect(amountField(150000, 'KES')).toBe('1500.00');
    expect(amountField(7, 'BHD')).toBe('0.007');
    expect(parseAmount('1,500.5', 'KES')).toBe(150050);
    expect(parseAmount('0.1', 'KES')).toBe(10);
    expect(parseAmount('19.99', 'KES')).toBe(1999);
    expect(parseAmount('12', 'JPY')).toBe(12);
    expect(parseAmount('12.5', 'JPY')).toBeNull();
    expect(parseAmount('1.2345', 'BHD')).toBeNull();
    expect(parseAmount('-5', 'KES')).toBeNull();
    expect(parseAmount('abc', 'KES')).toBeNull();
    expect(parseAmount(amountField(123456, 'KES'), 'KES')).toBe(123456);
  });
});

describe('basis points', () => {
  it('read as percentages both ways', () => {
    expect(bpToPercent(1600)).toBe('16');
    expect(bpToPercent(750)).toBe('7.5');
    expect(bpToPercent(25)).toBe('0.25');
    expect(bpToPercent(0)).toBe('0');
    expect(percentToBp('16')).toBe(1600);
    expect(percentToBp('7.5')).toBe(750);
    expect(percentToBp('12.25 %')).toBe(1225);
    expect(percentToBp('100')).toBe(10000);
    expect(percentToBp('100.01')).toBeNull();
    expect(percentToBp('1.234')).toBeNull();
    expect(percentToBp('')).toBeNull();
    expect(percentToBp(bpToPercent(1234))).toBe(1234);
  });
});

describe('words and change', () => {
  it('name every state the core answers', () => {
    for (const s of ['draft', 'issued', 'partially_paid', 'paid', 'overpaid', 'void']) expect(stateWords(s)).toBe(t.states[s]);
    expect(stateWords('new_state')).toBe('new_state');
  });

  it('show change only when the cash covers the amount', () => {
    expect(changeDue(100000, 150000)).toBe(50000);
    expect(changeDue(100000, 100000)).toBe(0);
    expect(changeDue(100000, 90000)).toBeNull();
    expect(changeDue(null, 90000)).toBeNull();
  });
});

const item = (code: string, name: string, active = true): PriceItem => ({
  id: code,
  code,
  name,
  category: 'service',
  price_minor: 1000,
  tax_bp: 0,
  active,
});

describe('the price list', () => {
  it('is searched by code or name among active prices, codes first', () => {
    const items = [item('XRAY', 'Chest x-ray'), item('ECG', 'Electrocardiogram'), item('OLD', 'Old ECG', false), item('DRS', 'ECG dressing')];
    expect(searchPrices(items, 'ecg').map((p) => p.code)).toEqual(['ECG', 'DRS']);
    expect(searchPrices(items, 'chest x').map((p) => p.code)).toEqual(['XRAY']);
    expect(searchPrices(items, '').map((p) => p.code)).toEqual(['DRS', 'ECG', 'XRAY']);
  });

  it('edits a price as typed and back', () => {
    const form = priceFormOf({ ...item('ECG', 'Electrocardiogram'), price_minor: 200000, tax_bp: 1600 }, 'KES');
    expect(form.price).toBe('2000.00');
    expect(form.taxPercent).toBe('16');
    expect(priceInput(form, 'KES')).toEqual({
      input: { code: 'ECG', name: 'Electrocardiogram', category: 'service', price_minor: 200000, tax_bp: 1600, active: true },
    });
    expect(priceInput({ ...form, code: ' ', price: 'x', taxPercent: '200' }, 'KES')).toEqual({
      errors: { code: t.codeNeeded, price_minor: t.notAnAmount, tax_bp: t.notAPercent },
    });
  });
});

describe('lines and payments as the commands take them', () => {
  it('a price-list line needs a code and a whole quantity', () => {
    expect(priceLine('ECG', '2')).toEqual({
      input: { code: 'ECG', category: null, description: null, unit_price_minor: null, tax_bp: null, quantity: 2 },
    });
    expect(priceLine('', '0')).toEqual({ errors: { code: t.chooseItem, quantity: t.wholeQuantity } });
  });

  it('a written-out line carries its price and tax', () => {
    expect(freeLine({ description: ' Dressing ', category: 'procedure', unitPrice: '500', taxPercent: '16', quantity: '1' }, 'KES')).toEqual({
      input: { code: null, category: 'procedure', description: 'Dressing', unit_price_minor: 50000, tax_bp: 1600, quantity: 1 },
    });
    expect(freeLine({ description: '', category: 'other', unitPrice: '', taxPercent: '', quantity: 'x' }, 'KES')).toEqual({
      errors: { description: t.descriptionNeeded, unit_price_minor: t.notAnAmount, tax_bp: t.notAPercent, quantity: t.wholeQuantity },
    });
  });

  it('a payment starts at the balance in cash, and carries tendered cash only for cash', () => {
    const form = paymentForm(174000, 'KES');
    expect(form).toEqual({ method: 'cash', amount: '1740.00', tendered: '', reference: '' });
    expect(paymentInput({ ...form, amount: '1000', tendered: '1500' }, 'KES')).toEqual({
      input: { method: 'cash', amount_minor: 100000, tendered_minor: 150000, reference: null, reason: null },
    });
    expect(paymentInput({ ...form, amount: '1000', tendered: '900' }, 'KES')).toEqual({ errors: { tendered_minor: t.tenderedShort } });
    expect(paymentInput({ ...form, method: 'card', tendered: '5000', reference: ' SLIP-1 ' }, 'KES')).toEqual({
      input: { method: 'card', amount_minor: 174000, tendered_minor: null, reference: 'SLIP-1', reason: null },
    });
    expect(paymentInput({ ...form, amount: '0' }, 'KES')).toEqual({ errors: { amount_minor: t.notAnAmount } });
    expect(paymentForm(-500, 'KES').amount).toBe('0.00');
  });

  it('a refund is negative and keeps its reason', () => {
    expect(refundInput('cash', '50', ' overcharged ', 'KES')).toEqual({
      input: { method: 'cash', amount_minor: -5000, tendered_minor: null, reference: null, reason: 'overcharged' },
    });
    expect(refundInput('cash', '50', '', 'KES')).toEqual({ errors: { reason: t.reasonNeeded } });
  });
});

describe('reports', () => {
  it('cover a day, a month or a range, and name their file', () => {
    expect(monthBounds('2026-03-14')).toEqual(['2026-03-01', '2026-03-31']);
    expect(monthBounds('2028-02-10')).toEqual(['2028-02-01', '2028-02-29']);
    expect(monthBounds('2026-12-31')).toEqual(['2026-12-01', '2026-12-31']);
    expect(periodOf('2026-03-14', '')).toBe('2026-03-14');
    expect(periodOf('2026-03-14', '2026-03-14')).toBe('2026-03-14');
    expect(periodOf(' 2026-03-01', '2026-03-15 ')).toBe('2026-03-01..2026-03-15');
    expect(reportFileName('cash_up', '2026-03-14', '')).toBe('cash-up-2026-03-14');
    expect(reportFileName('summary', '2026-03', 'br01')).toBe('summary-2026-03-BR01');
    expect(reportFileName('summary', '2026-03-01..2026-03-15', '')).toBe('summary-2026-03-01--2026-03-15');
  });
});

describe('insurance', () => {
  it('a policy as the command takes it', () => {
    expect(policyInput({ payer: 'NHIF', policyNumber: ' N-42 ', coveragePercent: '80', validUntil: '' })).toEqual({
      input: { payer: 'NHIF', policy_number: 'N-42', coverage_bp: 8000, valid_until: null },
    });
    expect(policyInput({ payer: '', policyNumber: '', coveragePercent: '0', validUntil: '31/12/2027' })).toEqual({
      errors: { payer: t.choosePayer, policy_number: t.policyNumberNeeded, coverage_bp: t.notAPercent, valid_until: t.notADay },
    });
  });
});

describe('the dashboard’s bars', () => {
  it('scale to the largest, never below zero, flat when nothing happened', () => {
    expect(barHeights([0, 5, 10], 100)).toEqual([0, 50, 100]);
    expect(barHeights([-20, 10], 50)).toEqual([0, 50]);
    expect(barHeights([0, 0], 100)).toEqual([0, 0]);
    expect(barHeights([], 100)).toEqual([]);
  });
});
