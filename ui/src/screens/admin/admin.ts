// Administration helpers, kept out of the components for testing. Who may do what is the
// core's decision (the capabilities come from its policy); these only choose what to show
// and shape what is sent.

import type { LastBackup } from '../../lib/generated/LastBackup';
import type { Capabilities, Role } from '../../lib/api';
import type { FieldErrors } from '../../lib/forms';
import type { AuditEntry, AuditQuery, AuditVerification, Branch, SignInSettings, UserAccount } from './api';
import { adminStrings } from './strings';

export type AdminTab = 'users' | 'settings' | 'audit' | 'devices' | 'letterhead' | 'branches';

// Branches come last (the screen walk opens it with End) and the earlier tabs keep their
// places (it clicks them); the letterhead goes in between.
const TAB_ORDER: readonly AdminTab[] = ['users', 'settings', 'audit', 'devices', 'letterhead', 'branches'];

/** The sections the signed-in role may open, in the order they are shown. */
export function adminTabs(caps: Capabilities): AdminTab[] {
  const allowed: Record<AdminTab, boolean> = {
    users: caps.manage_users,
    settings: caps.manage_settings,
    audit: caps.read_audit,
    devices: caps.manage_sync,
    // The letterhead is a clinic setting in the core's policy (SettingsManage).
    letterhead: caps.manage_settings,
    // Adding a branch is a clinic setting in the core's policy (SettingsManage).
    branches: caps.manage_settings,
  };
  return TAB_ORDER.filter((tab) => allowed[tab]);
}

/** Whether the Administration tab is shown at all. */
export function showAdmin(caps: Capabilities): boolean {
  return adminTabs(caps).length > 0;
}

/**
 * The tab a key press moves to in the section tab list (WAI-ARIA tabs: arrows wrap,
 * Home and End jump); null for other keys.
 */
export function tabForKey(tabs: readonly AdminTab[], current: AdminTab, key: string): AdminTab | null {
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

// ---- users ---------------------------------------------------------------------------

/**
 * The roles an administrator can give from this screen. A patient account is linked to a
 * patient record and is made from that record, so it is not offered here.
 */
export const ASSIGNABLE_ROLES: readonly Role[] = [
  'admin',
  'doctor',
  'nurse',
  'receptionist',
  'lab_technician',
  'pharmacist',
  'accountant',
];

export type NewUserField = 'username' | 'displayName' | 'role' | 'password' | 'confirm' | 'branches';

export const NEW_USER_FIELD_ORDER: readonly NewUserField[] = ['username', 'displayName', 'role', 'password', 'confirm', 'branches'];

/** The core's field names mapped to the add-user form's. */
export const NEW_USER_FIELDS: Readonly<Record<string, NewUserField>> = {
  username: 'username',
  display_name: 'displayName',
  role: 'role',
  password: 'password',
  branches: 'branches',
};

export interface NewUserValues {
  username: string;
  displayName: string;
  role: Role | '';
  password: string;
  confirm: string;
  branches: string[];
}

export function emptyNewUser(): NewUserValues {
  return { username: '', displayName: '', role: '', password: '', confirm: '', branches: [] };
}

/**
 * What the form checks before asking the core: the required fields are filled in and the
 * two passwords agree. Name rules and password strength are the core's (its answer comes
 * back with a field).
 */
export function validateNewUser(v: NewUserValues, withRole = true): FieldErrors<NewUserField> {
  const t = adminStrings.users;
  const errors: FieldErrors<NewUserField> = {};
  if (v.username.trim() === '') errors.username = t.required;
  if (withRole && v.role === '') errors.role = t.required;
  if (v.password === '') errors.password = t.required;
  if (v.confirm === '') errors.confirm = t.required;
  else if (v.password !== v.confirm) errors.confirm = t.passwordsDiffer;
  return errors;
}

/** Ticked branch codes toggled by one checkbox, kept sorted and unique. */
export function toggleCode(codes: readonly string[], code: string, on: boolean): string[] {
  const set = new Set(codes);
  if (on) set.add(code);
  else set.delete(code);
  return [...set].sort();
}

export type UserState = 'active' | 'inactive' | 'emergency_closed' | 'emergency_open';

export function userState(u: UserAccount): UserState {
  if (u.emergency) return u.emergency_until !== null && u.active ? 'emergency_open' : 'emergency_closed';
  return u.active ? 'active' : 'inactive';
}

/** Replaces one user in a list (after a change), keeping the order. */
export function replaceUser(list: readonly UserAccount[], changed: UserAccount): UserAccount[] {
  const found = list.some((u) => u.id === changed.id);
  const next = found ? list.map((u) => (u.id === changed.id ? changed : u)) : [...list, changed];
  return found ? next : next.sort((a, b) => a.username.localeCompare(b.username));
}

// ---- settings --------------------------------------------------------------------------

/** Minutes as typed: a whole number, or an error message. The range is the core's rule. */
export function parseMinutes(text: string): { minutes: number } | { error: string } {
  const trimmed = text.trim();
  if (!/^\d{1,4}$/.test(trimmed)) return { error: adminStrings.settings.idleWhole };
  return { minutes: Number(trimmed) };
}

/** The roles whose second-factor rule differs between `settings` and the ticked set. */
export function totpChanges(settings: SignInSettings, ticked: ReadonlySet<Role>): { role: Role; required: boolean }[] {
  const now = new Set(settings.totp_required);
  const roles: Role[] = [...ASSIGNABLE_ROLES, 'patient'];
  return roles.filter((r) => now.has(r) !== ticked.has(r)).map((role) => ({ role, required: ticked.has(role) }));
}

// ---- backups ---------------------------------------------------------------------------

/** The "keep the newest" field as a number, or why it is not one (the core checks the range). */
export function parseKeep(text: string): { keep: number } | { error: string } {
  const trimmed = text.trim();
  if (!/^\d{1,4}$/.test(trimmed)) return { error: adminStrings.backup.keepWhole };
  return { keep: Number(trimmed) };
}

/** What the last backup did, in words: the file it wrote or why it failed. */
export function lastBackupText(last: LastBackup): { text: string; ok: boolean } {
  if (last.ok) return { text: adminStrings.backup.wrote(last.file ?? ''), ok: true };
  return { text: adminStrings.backup.failed(last.error ?? ''), ok: false };
}

// ---- branches --------------------------------------------------------------------------

export type NewBranchField = 'code' | 'name';

export const NEW_BRANCH_FIELD_ORDER: readonly NewBranchField[] = ['code', 'name'];

/** The core's field names (`Session::add_branch`) mapped to the add-branch form's. */
export const NEW_BRANCH_FIELDS: Readonly<Record<string, NewBranchField>> = {
  branch_code: 'code',
  code: 'code',
  name: 'name',
};

export interface NewBranchValues {
  code: string;
  name: string;
}

/** Both fields filled in; the code's shape and uniqueness are the core's rules. */
export function validateNewBranch(v: NewBranchValues): FieldErrors<NewBranchField> {
  const t = adminStrings.branches;
  const errors: FieldErrors<NewBranchField> = {};
  if (v.code.trim() === '') errors.code = t.required;
  if (v.name.trim() === '') errors.name = t.required;
  return errors;
}

/** The branches in `after` that were not in `before` (by id): what an addition made. */
export function addedBranches(before: readonly Branch[], after: readonly Branch[]): Branch[] {
  const known = new Set(before.map((b) => b.id));
  return after.filter((b) => !known.has(b.id));
}

// ---- audit -----------------------------------------------------------------------------

export interface AuditFilterValues {
  username: string;
  action: string;
  from: string;
  to: string;
  limit: string;
}

export const AUDIT_LIMIT = 200;

export function emptyAuditFilter(): AuditFilterValues {
  return { username: '', action: '', from: '', to: '', limit: String(AUDIT_LIMIT) };
}

export type AuditField = keyof AuditFilterValues;

export const AUDIT_FIELDS: Readonly<Record<string, AuditField>> = {
  username: 'username',
  action: 'action',
  from: 'from',
  to: 'to',
  limit: 'limit',
};

/** The filter form as the shell takes it: blanks as null, the limit a positive number. */
export function auditQuery(v: AuditFilterValues): AuditQuery {
  const text = (s: string): string | null => (s.trim() === '' ? null : s.trim());
  const limit = Number.parseInt(v.limit, 10);
  return {
    username: text(v.username),
    action: text(v.action),
    from: text(v.from),
    to: text(v.to),
    limit: Number.isFinite(limit) && limit > 0 ? Math.min(limit, 5000) : AUDIT_LIMIT,
  };
}

/** Action families worth offering as suggestions in the action field. */
export const AUDIT_ACTION_SUGGESTIONS: readonly string[] = [
  'sign_in',
  'sign_in.',
  'sign_out',
  'session.lock',
  'break_glass',
  'user.',
  'settings.',
  'branch.',
  'patient.',
  'appointment.',
  'doctor.',
  'audit.',
];

/** An event's details (JSON text) as short `key: value` pairs; other text as it is. */
export function detailsText(details: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(details);
  } catch {
    return details;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return parsed === null ? '' : JSON.stringify(parsed);
  }
  return Object.entries(parsed as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

export function outcomeLabel(outcome: string): string {
  return adminStrings.audit.outcomes[outcome] ?? outcome;
}

/** What to say about a chain verification, and whether it is good news. */
export function verificationMessage(v: AuditVerification): { ok: boolean; text: string } {
  const t = adminStrings.audit;
  if (v.first_break === null) return { ok: true, text: t.verifiedOk(v.events, v.devices) };
  const b = v.first_break;
  return { ok: false, text: t.verifiedBroken(b.device_id, b.device_seq, b.reason) };
}

/** Whether the list may have been cut at the limit. */
export function isLimited(entries: readonly AuditEntry[], query: AuditQuery): boolean {
  return query.limit > 0 && entries.length >= query.limit;
}

// ---- letterhead ------------------------------------------------------------------------

export type LetterheadField = 'address' | 'phone' | 'registration' | 'pageSize';
export const LETTERHEAD_FIELD_ORDER: readonly LetterheadField[] = ['address', 'phone', 'registration', 'pageSize'];

/** The core's field names, mapped to the letterhead form's. */
export const LETTERHEAD_FIELDS: Readonly<Record<string, LetterheadField>> = {
  address: 'address',
  phone: 'phone',
  registration: 'registration',
  page_size: 'pageSize',
};

export const PAGE_SIZES = ['A4', 'Letter'] as const;
export type PageSize = (typeof PAGE_SIZES)[number];

/** A page size as the shell sends it, one of the two the form offers (A4 otherwise). */
export function pageSize(value: string): PageSize {
  return (PAGE_SIZES as readonly string[]).includes(value) ? (value as PageSize) : 'A4';
}
