// What the demo workstation holds (src-tauri/src/demo.rs seeds it). These are data, not
// interface text: the screens' own words come from src/screens/<feature>/strings.ts (and
// the shared ones from src/lib/strings.ts).

/** Every demo account's password (`demo::PASSWORD`). */
export const DEMO_PASSWORD = 'demo-clinic-2026';

/** The demo's branch, as the home page names it (`Today at …`). */
export const DEMO_BRANCH = 'Riverside';

/** The demo's accounts by role. */
export const DEMO_USERS = {
  admin: 'admin',
  frontDesk: 'frontdesk',
  doctor: 'dr.wanjiru',
  nurse: 'nurse.akinyi',
  lab: 'lab.chen',
  /** The second lab technician, who verifies what the first entered. */
  labSecond: 'lab.owino',
  pharmacist: 'pharm.otieno',
  accountant: 'acc.kowalski',
} as const;

/** The demo clinic's currency (its invoices are in minor units of it). */
export const DEMO_CURRENCY = 'KES';

/**
 * Two starter lab tests (crates/clinic-core/data/lab_*.csv) with a value the core flags
 * high for an adult woman and one beyond the critical limit.
 */
export const LAB_TESTS = {
  haemoglobin: { code: '718-7', name: 'Haemoglobin', value: '18.2', flag: 'high' },
  potassium: { code: '2823-3', name: 'Potassium', value: '6.9', flag: 'critical_high' },
} as const;

/** An ICD-10-CM search the doctor types, and the code it must offer. */
export const DIABETES = { search: 'diabetes type 2', code: 'E11.9' } as const;

/**
 * Hand-written demo patients the flows look for, as search lists them ("Family, Given").
 * Amani Njoroge is also the doctor's checked-in patient today, with a penicillin allergy
 * the demo's nurse recorded and two past visits.
 */
export const DEMO_PATIENTS = {
  annette: { search: 'ann', listed: 'Chebet, Annette' },
  anna: { listed: 'Kamau, Anna' },
  anne: { search: 'anne wambui', listed: 'Wambui, Anne', title: 'Anne Wambui' },
  wanjiku: { search: 'wanjiku mwangi', listed: 'Mwangi, Wanjiku', title: 'Wanjiku Mwangi' },
  amani: { search: 'amani njoroge', listed: 'Njoroge, Amani', title: 'Amani Njoroge', allergy: 'Penicillin' },
} as const;

/** The demo branch's code, which prefixes record numbers (`BR01-…`). */
export const DEMO_BRANCH_CODE = 'BR01';

/**
 * Two starter-catalogue drugs the shipped ONC table (crates/clinic-core/data/interactions.csv)
 * says interact seriously: a CYP3A4-metabolised statin with a strong CYP3A4 inhibitor.
 * Each with how the doctor writes it and the quantity the core computes.
 */
export const INTERACTING_DRUGS = {
  statin: { name: 'simvastatin', strength: '20 mg', dose: '1 tablet', frequency: 'nocte', days: '30', quantity: '30 tablets' },
  inhibitor: { name: 'clarithromycin', strength: '500 mg', dose: '1 tablet', frequency: 'bd', days: '7', quantity: '14 tablets' },
  source: 'Phansalkar',
} as const;

/**
 * The demo pharmacy's stock at BR01 (crates/clinic-core/src/demo, `STOCK`), as the stock
 * list labels its items. Amlodipine holds one batch of 120 tablets on a reorder level of
 * 100, and Amani Njoroge's blood-pressure visit three days ago prescribed 28 of them
 * (1 tablet od for 28 days), which waits in the pharmacy's queue: giving 21 leaves 99,
 * at or below the reorder level. Paracetamol is sold over the counter.
 */
export const DEMO_STOCK = {
  amlodipine: { drug: 'amlodipine', label: 'amlodipine 10 mg tablet', unit: 'tablet', batch: 'AML-2407', units: 120, reorderLevel: 100, prescribed: 28 },
  paracetamol: { drug: 'paracetamol', label: 'paracetamol 500 mg tablet', unit: 'tablet' },
  /** Whose queued prescription is the amlodipine one. */
  amlodipinePatient: DEMO_PATIENTS.amani,
} as const;
