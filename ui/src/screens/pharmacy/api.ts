// The pharmacy's commands (src-tauri/src/pharmacy.rs): the branch's stock with its
// batches, new items, deliveries, counts, expiry, shelf locations, transfers between
// branches, the sync server's discrepancies, alerts and reports; the dispensing queue,
// a prescription as the pharmacy sees it (by id or the number on its paper), dispensing
// and over-the-counter sales. Every rule (who may, first-expiry-first-out, what is
// expired, what is left to give, the numbers, the money) is the core's.

import { call, callAction } from '../../lib/api';
import type { BatchChoice } from '../../lib/generated/BatchChoice';
import type { BranchStock } from '../../lib/generated/BranchStock';
import type { DeliveryInput } from '../../lib/generated/DeliveryInput';
import type { DispenseLineInput } from '../../lib/generated/DispenseLineInput';
import type { DispenseQueueEntry } from '../../lib/generated/DispenseQueueEntry';
import type { Dispensing } from '../../lib/generated/Dispensing';
import type { ItemDispensing } from '../../lib/generated/ItemDispensing';
import type { OtcSale } from '../../lib/generated/OtcSale';
import type { Prescription } from '../../lib/generated/Prescription';
import type { PrescriptionItem } from '../../lib/generated/PrescriptionItem';
import type { ReceiveLineInput } from '../../lib/generated/ReceiveLineInput';
import type { SaleLineInput } from '../../lib/generated/SaleLineInput';
import type { StockAlert } from '../../lib/generated/StockAlert';
import type { StockBatch } from '../../lib/generated/StockBatch';
import type { StockDiscrepancy } from '../../lib/generated/StockDiscrepancy';
import type { StockItem } from '../../lib/generated/StockItem';
import type { StockItemInput } from '../../lib/generated/StockItemInput';
import type { StockLine } from '../../lib/generated/StockLine';
import type { StockMovement } from '../../lib/generated/StockMovement';
import type { StockReport } from '../../lib/generated/StockReport';
import type { StockTransfer } from '../../lib/generated/StockTransfer';
import type { StockTransferLine } from '../../lib/generated/StockTransferLine';
import type { TransferLineInput } from '../../lib/generated/TransferLineInput';

export type {
  BatchChoice,
  BranchStock,
  DeliveryInput,
  DispenseLineInput,
  DispenseQueueEntry,
  Dispensing,
  ItemDispensing,
  OtcSale,
  Prescription,
  PrescriptionItem,
  ReceiveLineInput,
  SaleLineInput,
  StockAlert,
  StockBatch,
  StockDiscrepancy,
  StockItem,
  StockItemInput,
  StockLine,
  StockMovement,
  StockReport,
  StockTransfer,
  StockTransferLine,
  TransferLineInput,
};

// ---- stock -------------------------------------------------------------------------------

/** The branch's items with their batches and totals (a pharmacist is told of expiring
 *  and expired batches once each as it is read). */
export function stockList(): Promise<StockLine[]> {
  return call<StockLine[]>('stock_list', {});
}

export function addStockItem(input: StockItemInput): Promise<StockItem> {
  return callAction<StockItem>('add_stock_item', { input });
}

export function updateStockItem(id: string, reorderLevel: number, priceMinor: number, otc: boolean): Promise<StockItem> {
  return callAction<StockItem>('update_stock_item', { id, reorder_level: reorderLevel, price_minor: priceMinor, otc });
}

/** A supplier's delivery, checked whole: every line or none. */
export function receiveStock(delivery: DeliveryInput): Promise<StockBatch[]> {
  return callAction<StockBatch[]>('receive_stock', { delivery });
}

/** Sets a batch's books to a physical count; naming a discrepancy resolves it. */
export function adjustStock(batchId: string, counted: number, reason: string, discrepancyId: string | null): Promise<StockMovement> {
  return callAction<StockMovement>('adjust_stock', { batch_id: batchId, counted, reason, discrepancy_id: discrepancyId });
}

export function expireStock(batchId: string, quantity: number, reason: string): Promise<StockMovement> {
  return callAction<StockMovement>('expire_stock', { batch_id: batchId, quantity, reason });
}

/** Puts a batch on another shelf (null: no location). */
export function moveBatch(batchId: string, location: string | null): Promise<StockBatch> {
  return callAction<StockBatch>('move_batch', { batch_id: batchId, location });
}

// ---- transfers and discrepancies ---------------------------------------------------------

/** Sends batches to another branch, named by its code (`BR02`). */
export function sendTransfer(toBranch: string, lines: TransferLineInput[]): Promise<StockTransfer> {
  return callAction<StockTransfer>('send_transfer', { to_branch: toBranch, lines });
}

/** Takes in a transfer sent to this branch, by its number. */
export function receiveTransfer(number: string): Promise<StockTransfer> {
  return callAction<StockTransfer>('receive_transfer', { number });
}

export function stockTransfers(): Promise<StockTransfer[]> {
  return call<StockTransfer[]>('stock_transfers', {});
}

/** Batches the sync server found oversold by workstations that were offline. */
export function stockDiscrepancies(): Promise<StockDiscrepancy[]> {
  return call<StockDiscrepancy[]>('stock_discrepancies', {});
}

// ---- alerts and reports ------------------------------------------------------------------

/** Low stock, and batches expired or expiring within `days`. */
export function stockAlerts(days: number): Promise<StockAlert[]> {
  return call<StockAlert[]>('stock_alerts', { days });
}

/** Stock on hand and its value at cost, in the clinic's currency: this branch by item,
 *  every branch in total. */
export function stockReport(): Promise<StockReport> {
  return call<StockReport>('stock_report', {});
}

/** Movements on the clinic days `from` to `to` (`YYYY-MM-DD`), both included. */
export function stockMovements(from: string, to: string): Promise<StockMovement[]> {
  return call<StockMovement[]>('stock_movements', { from, to });
}

// ---- dispensing --------------------------------------------------------------------------

/** Issued prescriptions of the last 30 days with items left to give, oldest first. */
export function dispenseQueue(): Promise<DispenseQueueEntry[]> {
  return call<DispenseQueueEntry[]>('dispense_queue', {});
}

/** A prescription as the pharmacy sees it, by its id or the number typed from its paper. */
export function dispensing(prescription: string): Promise<Dispensing> {
  return call<Dispensing>('dispensing', { prescription });
}

/** Gives items of a prescription (a null batch: first expiry first out); all lines or none. */
export function dispense(prescriptionId: string, lines: DispenseLineInput[]): Promise<Dispensing> {
  return callAction<Dispensing>('dispense', { prescription_id: prescriptionId, lines });
}

/** Sells over-the-counter items, optionally to a named patient. */
export function sellOtc(patientId: string | null, lines: SaleLineInput[]): Promise<OtcSale> {
  return callAction<OtcSale>('sell_otc', { patient_id: patientId, lines });
}
