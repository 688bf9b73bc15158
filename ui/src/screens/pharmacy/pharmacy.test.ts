import { describe, expect, it } from 'vitest';

import type { Capabilities } from '../../lib/api';
import type { BatchChoice, Dispensing, ItemDispensing, PrescriptionItem, StockBatch, StockItem, StockLine } from './api';
import {
  alertWords,
  batchExpired,
  canUseFefo,
  choiceLabel,
  defaultGiveForms,
  deliveryInput,
  dispenseLines,
  emptyFilter,
  emptyItemForm,
  emptyReceiveLine,
  expiringBatches,
  filterStock,
  itemInput,
  money,
  moneyField,
  movementWords,
  parseMoney,
  parseUnits,
  pharmacyTabs,
  remainingWords,
  saleLines,
  showPharmacy,
  tabForKey,
  transferLines,
  unitsWord,
} from './pharmacy';
import { pharmacyStrings as t } from './strings';

const RX = '0190a000-0000-7000-8000-000000000001';

function stockItem(over: Partial<StockItem> = {}): StockItem {
  return {
    id: 'si-aml',
    drug_id: 'amlodipine',
    name: 'amlodipine',
    strength: '10 mg',
    form: 'tablet',
    label: 'amlodipine 10 mg tablet',
    unit: 'tablet',
    reorder_level: 100,
    price_minor: 1000,
    otc: false,
    ...over,
  };
}

function batch(number: string, expiry: string, balance: number, over: Partial<StockBatch> = {}): StockBatch {
  return {
    id: `b-${number}`,
    item_id: 'si-aml',
    batch_number: number,
    expiry_date: expiry,
    cost_minor: 600,
    supplier: 'Riverside',
    location: 'Shelf A',
    received_at: '2026-01-02T08:00:00Z',
    balance,
    ...over,
  };
}

function choice(b: StockBatch, over: Partial<BatchChoice> = {}): BatchChoice {
  return { item: stockItem(), batch: b, substitute: false, first: false, ...over };
}

function rxItem(position: number, over: Partial<PrescriptionItem> = {}): PrescriptionItem {
  return {
    position,
    drug_name: 'amlodipine',
    free_text: false,
    strength: '10 mg',
    form: 'tablet',
    dose: '1 tablet',
    route: null,
    frequency: 'od',
    duration_days: 28,
    quantity: '28 tablets',
    refills: 0,
    substitution_allowed: true,
    instructions: null,
    ...over,
  };
}

function line(position: number, over: Partial<ItemDispensing> = {}): ItemDispensing {
  return {
    item_id: `${RX}-${position}`,
    item: rxItem(position),
    prescribed: 28,
    dispensed: 0,
    remaining: 28,
    open: true,
    given: [],
    choices: [choice(batch('AML-2407', '2027-06-30', 120), { first: true }), choice(batch('AML-2501', '2028-01-31', 50))],
    ...over,
  };
}

function dispensingOf(items: ItemDispensing[]): Dispensing {
  return {
    patient_name: 'Amani Njoroge',
    mrn: 'BR01-X-000001',
    prescription: {
      id: RX,
      number: 'RX-BR01-7KQ3M-000004',
      patient_id: 'p1',
      encounter_id: null,
      prescriber_name: 'Dr Amina Wanjiru',
      status: 'issued',
      diagnosis_code: 'I10',
      diagnosis_title: 'Essential (primary) hypertension',
      follow_up: null,
      warnings: [],
      override_reason: null,
      repeat_of: null,
      created_at: '2026-01-02T06:00:00Z',
      issued_at: '2026-01-02T06:08:00Z',
      cancelled_at: null,
      cancel_reason: null,
      items: items.map((i) => i.item),
    },
    items,
    complete: items.every((i) => !i.open),
  };
}

function stockLine(item: Partial<StockItem>, batches: StockBatch[], over: Partial<StockLine> = {}): StockLine {
  return { item: stockItem(item), batches, usable: batches.reduce((s, b) => s + b.balance, 0), expired: 0, low: false, value_minor: 0, ...over };
}

const caps = (over: Partial<Capabilities>): Capabilities =>
  ({ read_stock: false, move_stock: false, adjust_stock: false, dispense: false, ...over }) as Capabilities;

describe('the pharmacy’s sections', () => {
  it('show a pharmacist everything, an administrator the stock without dispensing or selling', () => {
    const pharmacist = caps({ read_stock: true, move_stock: true, adjust_stock: true, dispense: true });
    expect(pharmacyTabs(pharmacist)).toEqual(['queue', 'stock', 'receive', 'transfers', 'discrepancies', 'reports', 'otc']);
    const admin = caps({ read_stock: true, adjust_stock: true });
    expect(pharmacyTabs(admin)).toEqual(['stock', 'transfers', 'discrepancies', 'reports']);
    expect(showPharmacy(admin)).toBe(true);
    expect(showPharmacy(caps({}))).toBe(false);
    expect(pharmacyTabs(caps({}))).toEqual([]);
  });

  it('move between tabs with the arrows, wrapping, and Home/End', () => {
    const tabs = ['queue', 'stock', 'otc'] as const;
    expect(tabForKey(tabs, 'otc', 'ArrowRight')).toBe('queue');
    expect(tabForKey(tabs, 'queue', 'ArrowLeft')).toBe('otc');
    expect(tabForKey(tabs, 'stock', 'End')).toBe('otc');
    expect(tabForKey(tabs, 'stock', 'Home')).toBe('queue');
    expect(tabForKey(tabs, 'stock', 'a')).toBeNull();
  });
});

describe('kinds in words', () => {
  it('name alerts and movements, and show an unknown kind as the core sent it', () => {
    expect(alertWords('low_stock')).toBe(t.alertKinds.low_stock);
    expect(movementWords('dispense')).toBe(t.movementKinds.dispense);
    expect(alertWords('recalled')).toBe('recalled');
    expect(movementWords('return_to_supplier')).toBe('return_to_supplier');
  });
});

describe('money and units', () => {
  it('shows and reads amounts in minor units without floating point', () => {
    expect(money(150000, 'KES')).toContain('1,500.00');
    expect(moneyField(1050, 'KES')).toBe('10.50');
    expect(moneyField(500, 'UGX')).toBe('500');
    expect(parseMoney('10.50', 'KES')).toBe(1050);
    expect(parseMoney('0.1', 'KES')).toBe(10);
    expect(parseMoney('1.005', 'KES')).toBeNull();
    expect(parseMoney('ten', 'KES')).toBeNull();
  });

  it('reads whole units, 0 only where a count may be 0', () => {
    expect(parseUnits(' 21 ')).toBe(21);
    expect(parseUnits('0')).toBeNull();
    expect(parseUnits('0', true)).toBe(0);
    expect(parseUnits('2.5')).toBeNull();
    expect(parseUnits('-3')).toBeNull();
    expect(parseUnits('')).toBeNull();
  });

  it('counts with the unit, plural for words but not abbreviations', () => {
    expect(unitsWord(1, 'tablet')).toBe('1 tablet');
    expect(unitsWord(28, 'tablet')).toBe('28 tablets');
    expect(unitsWord(0, 'capsule')).toBe('0 capsules');
    expect(unitsWord(5, 'mL')).toBe('5 mL');
    expect(unitsWord(2, 'box')).toBe('2 boxes');
    expect(unitsWord(3, 'units')).toBe('3 units');
    expect(unitsWord(3, '')).toBe('3');
  });
});

describe('dispensing', () => {
  it('says what is left: to give, left of what was prescribed, given in full, not a count', () => {
    expect(remainingWords(line(1), 'tablet')).toBe(t.toGive('28 tablets'));
    expect(remainingWords(line(1, { dispensed: 21, remaining: 7 }), 'tablet')).toBe(t.leftOf('7 tablets', 28));
    expect(remainingWords(line(1, { dispensed: 28, remaining: 0, open: false }), 'tablet')).toBe(t.givenInFull);
    expect(remainingWords(line(1, { prescribed: null, remaining: null }), 'tablet')).toBe(t.notCounted);
  });

  it('starts each open item at what is left, first expiry first out', () => {
    const d = dispensingOf([line(1, { dispensed: 21, remaining: 7 }), line(2, { dispensed: 28, remaining: 0, open: false })]);
    expect(defaultGiveForms(d)).toEqual({ [`${RX}-1`]: { choice: '', quantity: '7' }, [`${RX}-2`]: { choice: '', quantity: '' } });
  });

  it('chooses the first batch when only substitutes are in stock (no FEFO of what was prescribed)', () => {
    const sub = line(1, { choices: [choice(batch('AML5-1', '2027-01-31', 60), { substitute: true, item: stockItem({ id: 'si-aml5', strength: '5 mg' }) })] });
    expect(canUseFefo(sub)).toBe(false);
    expect(defaultGiveForms(dispensingOf([sub]))[`${RX}-1`]?.choice).toBe('b-AML5-1');
    expect(canUseFefo(line(1))).toBe(true);
  });

  it('builds lines: FEFO as no batch, a named batch with its stock item, empty and 0 left out', () => {
    const d = dispensingOf([line(1), line(2), line(3)]);
    const { lines, errors } = dispenseLines(d, {
      [`${RX}-1`]: { choice: '', quantity: '21' },
      [`${RX}-2`]: { choice: 'b-AML-2501', quantity: '5' },
      [`${RX}-3`]: { choice: '', quantity: '0' },
    });
    expect(errors).toEqual({});
    expect(lines).toEqual([
      { item_id: `${RX}-1`, batch_id: null, stock_item_id: null, quantity: 21 },
      { item_id: `${RX}-2`, batch_id: 'b-AML-2501', stock_item_id: 'si-aml', quantity: 5 },
    ]);
  });

  it('refuses a quantity that is not whole units, under its item, and skips closed items', () => {
    const d = dispensingOf([line(1), line(2, { open: false, remaining: 0, dispensed: 28 })]);
    const { lines, errors } = dispenseLines(d, {
      [`${RX}-1`]: { choice: '', quantity: '2.5' },
      [`${RX}-2`]: { choice: '', quantity: '3' },
    });
    expect(lines).toEqual([]);
    expect(errors).toEqual({ [`${RX}-1`]: t.wholeUnits });
  });

  it('labels a batch with its expiry and balance, a substitute with what it is', () => {
    const plain = choiceLabel(choice(batch('AML-2407', '2027-06-30', 120)));
    expect(plain).toContain('AML-2407');
    expect(plain).toContain('2027');
    expect(plain).toContain('120 tablets');
    const sub = choiceLabel(choice(batch('AML5-1', '2027-01-31', 1), { substitute: true, item: stockItem({ label: 'amlodipine 5 mg tablet' }) }));
    expect(sub).toContain('amlodipine 5 mg tablet');
    expect(sub).toContain('1 tablet');
  });
});

describe('the stock list', () => {
  const today = '2026-03-01';
  const aml = stockLine({}, [batch('AML-2407', '2027-06-30', 99)], { low: true });
  const met = stockLine({ id: 'si-met', name: 'metformin', label: 'metformin 500 mg tablet' }, [batch('MET-090', '2026-04-15', 40), batch('MET-118', '2027-08-01', 600)]);
  const ibu = stockLine({ id: 'si-ibu', name: 'ibuprofen', label: 'ibuprofen 400 mg tablet', otc: true }, [batch('IBU-1', '2026-02-01', 10)], { expired: 10 });
  const all = [aml, met, ibu];

  it('finds items by name or batch number, whatever the case', () => {
    expect(filterStock(all, { ...emptyFilter(), text: 'METF' }, today)).toEqual([met]);
    expect(filterStock(all, { ...emptyFilter(), text: 'aml-24' }, today)).toEqual([aml]);
    expect(filterStock(all, emptyFilter(), today)).toEqual(all);
  });

  it('keeps only low items, items with expired units, or items expiring within N days', () => {
    expect(filterStock(all, { ...emptyFilter(), lowOnly: true }, today)).toEqual([aml]);
    expect(filterStock(all, { ...emptyFilter(), expiredOnly: true }, today)).toEqual([ibu]);
    expect(filterStock(all, { ...emptyFilter(), expiringDays: 60 }, today)).toEqual([met]);
    expect(filterStock(all, { ...emptyFilter(), expiringDays: 30 }, today)).toEqual([]);
  });

  it('counts a batch expired on and after its expiry day, and an expired one is not "expiring"', () => {
    expect(batchExpired(batch('X', '2026-03-01', 1), today)).toBe(true);
    expect(batchExpired(batch('X', '2026-03-02', 1), today)).toBe(false);
    expect(expiringBatches(ibu, today, 3650)).toEqual([]);
    expect(expiringBatches(met, today, 45).map((b) => b.batch_number)).toEqual(['MET-090']);
  });
});

describe('forms', () => {
  it('send a new catalogue item by drug, a non-drug item by name, price in minor units', () => {
    const drug = itemInput({ ...emptyItemForm(), name: ' amoxicillin ', strength: '500 mg', form: 'capsule', unit: 'capsule', reorderLevel: '60', price: '15' }, 'KES');
    expect(drug).toEqual({
      input: { drug: 'amoxicillin', name: null, strength: '500 mg', form: 'capsule', unit: 'capsule', reorder_level: 60, price_minor: 1500, otc: false },
    });
    const other = itemInput({ ...emptyItemForm(), fromCatalogue: false, name: 'Gauze swabs', unit: 'pack', price: '' }, 'KES');
    expect(other).toMatchObject({ input: { drug: null, name: 'Gauze swabs', strength: null, price_minor: 0, reorder_level: 0 } });
    expect(itemInput({ ...emptyItemForm(), reorderLevel: 'x', price: '1.234' }, 'KES')).toEqual({
      errors: { reorder_level: t.wholeUnitsOrZero, price_minor: t.notAnAmount },
    });
  });

  it('send a delivery line by line, numbers checked here and the rest left to the core', () => {
    const line = { ...emptyReceiveLine('si-pcm'), batchNumber: ' PCM-E2E ', expiry: '2028-01-31', quantity: '200', cost: '1.00', location: '' };
    expect(deliveryInput(' Supplier ', ' INV-E2E-1 ', [line], 'KES')).toEqual({
      input: {
        supplier: 'Supplier',
        reference: 'INV-E2E-1',
        lines: [{ item_id: 'si-pcm', batch_number: 'PCM-E2E', expiry_date: '2028-01-31', quantity: 200, cost_minor: 100, location: null }],
      },
    });
    expect(deliveryInput('S', 'R', [line, emptyReceiveLine(), { ...line, quantity: '0' }], 'KES')).toEqual({
      errors: { 1: t.chooseItem, 2: t.wholeUnits },
    });
  });

  it('send transfer and sale lines, blank lines left out', () => {
    expect(transferLines([{ id: 'b1', quantity: '10' }, { id: '', quantity: '' }])).toEqual({ lines: [{ batch_id: 'b1', quantity: 10 }], errors: {} });
    expect(transferLines([{ id: '', quantity: '3' }]).errors).toEqual({ 0: t.chooseItem });
    expect(saleLines([{ id: 'si-pcm', quantity: '2' }])).toEqual({ lines: [{ stock_item_id: 'si-pcm', batch_id: null, quantity: 2 }], errors: {} });
    expect(saleLines([{ id: 'si-pcm', quantity: 'two' }]).errors).toEqual({ 0: t.wholeUnits });
  });
});
