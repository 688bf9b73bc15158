// The administration screen's commands: users, branches, sign-in settings, backups, the
// audit log, and this workstation's sync server and the group's devices.

import { call, callAction, type Role } from '../../lib/api';
import type { AuditEntry } from '../../lib/generated/AuditEntry';
import type { AuditQuery } from '../../lib/generated/AuditQuery';
import type { AuditVerification } from '../../lib/generated/AuditVerification';
import type { BackupSchedule } from '../../lib/generated/BackupSchedule';
import type { BackupScheduleInput } from '../../lib/generated/BackupScheduleInput';
import type { Branch } from '../../lib/generated/Branch';
import type { GroupDevice } from '../../lib/generated/GroupDevice';
import type { LabImportReport } from '../../lib/generated/LabImportReport';
import type { SignInSettings } from '../../lib/generated/SignInSettings';
import type { SyncStatus } from '../../lib/generated/SyncStatus';
import type { UserAccount } from '../../lib/generated/UserAccount';

export type { AuditBreak } from '../../lib/generated/AuditBreak';
export type {
  AuditEntry,
  AuditQuery,
  AuditVerification,
  BackupSchedule,
  BackupScheduleInput,
  Branch,
  GroupDevice,
  SignInSettings,
  UserAccount,
};

/** Joins this workstation to a sync server (administrators). */
export function syncJoin(input: { server: string; code: string; ca_cert_pem: string | null }): Promise<SyncStatus> {
  return call<SyncStatus>('sync_join', input);
}

/** Every workstation of the clinic group, from the sync server (administrators). */
export function groupDevices(): Promise<GroupDevice[]> {
  return call<GroupDevice[]>('group_devices');
}

/** Revokes another workstation at once: its next request to the server is refused. */
export function revokeDevice(input: { device_id: string }): Promise<null> {
  return callAction<null>('revoke_device', input);
}

export function users(): Promise<UserAccount[]> {
  return call<UserAccount[]>('users');
}

/** The clinic's branches by code (anyone signed in). */
export function branches(): Promise<Branch[]> {
  return call<Branch[]>('branches');
}

/** Adds a branch to the clinic group (administrators); answers with every branch. */
export function addBranch(input: { code: string; name: string }): Promise<Branch[]> {
  return callAction<Branch[]>('add_branch', input);
}

/** `branches` are codes; empty means every branch. `display_name` null: the user name. */
export function createUser(input: {
  username: string;
  display_name: string | null;
  role: Role;
  password: string;
  branches: string[];
}): Promise<UserAccount> {
  return callAction<UserAccount>('create_user', input);
}

/** Lets a user made on another workstation sign in here; the sync server checks the password. */
export function admitUserHere(input: { username: string; password: string }): Promise<null> {
  return callAction<null>('admit_user_here', input);
}

/** A disabled break-glass account, opened only with a reason at the sign-in screen. */
export function createEmergencyAccount(input: { username: string; password: string }): Promise<UserAccount> {
  return callAction<UserAccount>('create_emergency_account', input);
}

export function setUserRole(username: string, role: Role): Promise<UserAccount> {
  return callAction<UserAccount>('set_user_role', { username, role });
}

export function deactivateUser(username: string): Promise<UserAccount> {
  return callAction<UserAccount>('deactivate_user', { username });
}

export function reactivateUser(username: string): Promise<UserAccount> {
  return callAction<UserAccount>('reactivate_user', { username });
}

export function setUserBranches(username: string, codes: string[]): Promise<UserAccount> {
  return callAction<UserAccount>('set_user_branches', { username, branches: codes });
}

export function signInSettings(): Promise<SignInSettings> {
  return call<SignInSettings>('sign_in_settings');
}

export function setTotpRequired(role: Role, required: boolean): Promise<SignInSettings> {
  return callAction<SignInSettings>('set_totp_required', { role, required });
}

export function setIdleLockMinutes(minutes: number): Promise<SignInSettings> {
  return callAction<SignInSettings>('set_idle_lock_minutes', { minutes });
}

export function backupSchedule(): Promise<BackupSchedule> {
  return call<BackupSchedule>('backup_schedule');
}

export function setBackupSchedule(input: BackupScheduleInput): Promise<BackupSchedule> {
  return call<BackupSchedule>('set_backup_schedule', { input });
}

/** Writes a backup into the saved folder now; the answer's `last` names the file. */
export function backupNow(): Promise<BackupSchedule> {
  return call<BackupSchedule>('backup_now');
}

export function auditLog(query: AuditQuery): Promise<AuditEntry[]> {
  return call<AuditEntry[]>('audit_log', { query });
}

/** Walks every device's audit hash chain. */
export function auditVerify(): Promise<AuditVerification> {
  return call<AuditVerification>('audit_verify');
}

export type { LabImportReport };

/** Checks (dry run) or imports the clinic's lab tests, ranges and panels (CSV texts; administrators). */
export function importLabCatalogue(files: { tests: string | null; ranges: string | null; panels: string | null }, dryRun: boolean): Promise<LabImportReport> {
  const args = { tests: files.tests, ranges: files.ranges, panels: files.panels, dry_run: dryRun };
  return dryRun ? call<LabImportReport>('import_lab_catalogue', args) : callAction<LabImportReport>('import_lab_catalogue', args);
}
