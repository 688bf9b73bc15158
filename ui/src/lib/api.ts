// Typed wrappers over the desktop shell's commands (src-tauri/src/commands.rs).
//
// The types are written by hand to mirror the Rust DTOs in src-tauri/src/dto.rs and the
// serialised clinic-core types (Actor, ClinicInfo, Code). Keep both sides in step.

import { invoke } from '@tauri-apps/api/core';

/** Roles as clinic-core serialises them (`Role`, snake_case). */
export type Role =
  | 'admin'
  | 'doctor'
  | 'nurse'
  | 'receptionist'
  | 'lab_technician'
  | 'pharmacist'
  | 'accountant'
  | 'patient';

/** clinic-core `Actor`: who is signed in, on which device, in which session. */
export interface Actor {
  user: string;
  username: string;
  role: Role;
  device: string;
  session: string;
}

/** clinic-core `ClinicInfo`. */
export interface ClinicInfo {
  organisation_id: string;
  name: string;
  currency: string;
  time_zone: string;
  branch_id: string;
  branch_code: string;
  branch_name: string;
  device_id: string;
  database_id: string;
}

/** `app_state`: what the first screen needs to know. */
export interface AppState {
  initialized: boolean;
  demo: boolean;
  demo_username: string | null;
  demo_password: string | null;
  /** Only known while a session is open. */
  clinic_name: string | null;
}

/** A successful `sign_in`. */
export interface SignedIn {
  clinic: ClinicInfo;
  actor: Actor;
}

/** A successful `set_up_workstation`: the admin is signed in, the code shown once. */
export interface SetUpDone extends SignedIn {
  recovery_code: string;
}

/** clinic-core `Code`, the closed set of error codes (snake_case). */
export type ErrorCode =
  | 'bad_credentials'
  | 'bad_recovery_code'
  | 'user_inactive'
  | 'locked_out'
  | 'totp_required'
  | 'bad_totp_code'
  | 'emergency_account'
  | 'session_locked'
  | 'emergency_expired'
  | 'forbidden'
  | 'not_initialized'
  | 'already_initialized'
  | 'key_file_missing'
  | 'key_file_corrupt'
  | 'database_missing'
  | 'not_our_database'
  | 'database_corrupt'
  | 'validation'
  | 'internal';

/** Every command error reaches the UI in this shape; `field` is set for validation errors. */
export interface AppError {
  code: ErrorCode;
  message: string;
  field: string | null;
}

const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'bad_credentials',
  'bad_recovery_code',
  'user_inactive',
  'locked_out',
  'totp_required',
  'bad_totp_code',
  'emergency_account',
  'session_locked',
  'emergency_expired',
  'forbidden',
  'not_initialized',
  'already_initialized',
  'key_file_missing',
  'key_file_corrupt',
  'database_missing',
  'not_our_database',
  'database_corrupt',
  'validation',
  'internal',
]);

/**
 * Normalises whatever a rejected `invoke` gave us. The shell's own commands reject with
 * an `AppError` object; Tauri itself rejects with a plain string (for example when a
 * command is not allowed), and anything else becomes an `internal` error.
 */
export function toAppError(raw: unknown): AppError {
  if (typeof raw === 'object' && raw !== null) {
    const r = raw as Record<string, unknown>;
    if (typeof r['message'] === 'string') {
      const code = typeof r['code'] === 'string' && CODES.has(r['code']) ? r['code'] : 'internal';
      const field = typeof r['field'] === 'string' && r['field'] !== '' ? r['field'] : null;
      return { code: code as ErrorCode, message: r['message'], field };
    }
  }
  if (typeof raw === 'string' && raw.trim() !== '') {
    return { code: 'internal', message: raw, field: null };
  }
  if (raw instanceof Error) {
    return { code: 'internal', message: raw.message, field: null };
  }
  return { code: 'internal', message: String(raw), field: null };
}

export function isAppError(value: unknown): value is AppError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['code'] === 'string' && typeof v['message'] === 'string' && 'field' in v;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toAppError(raw);
  }
}

export function appState(): Promise<AppState> {
  return call<AppState>('app_state');
}

export function setUpWorkstation(input: {
  clinic_name: string;
  admin_username: string;
  password: string;
}): Promise<SetUpDone> {
  return call<SetUpDone>('set_up_workstation', input);
}

export function signIn(input: { username: string; password: string }): Promise<SignedIn> {
  return call<SignedIn>('sign_in', input);
}

export function signOut(): Promise<void> {
  return call<void>('sign_out');
}

export function lock(): Promise<void> {
  return call<void>('lock');
}

/** Tells the shell a screen has been painted (the screenshot test waits for this). */
export function uiReady(screen: 'login' | 'setup' | 'home'): Promise<void> {
  return call<void>('ui_ready', { screen });
}
