// Checks on the "join a clinic group" form before it goes to the shell (which checks
// again, with the sync server's answer).
import type { FieldErrors } from '../../lib/forms';
import { setupStrings } from './strings';

export type JoinField = 'server' | 'code' | 'username' | 'password';
export const JOIN_FIELD_ORDER: JoinField[] = ['server', 'code', 'username', 'password'];

export interface JoinInput {
  server: string;
  code: string;
  username: string;
  password: string;
}

/** What is missing or cannot be right; the shell and the server judge the rest. */
export function validateJoin(input: JoinInput): FieldErrors<JoinField> {
  const errors: FieldErrors<JoinField> = {};
  const server = input.server.trim();
  if (server === '') errors.server = setupStrings.required;
  else if (!/^https?:\/\/\S+$/i.test(server)) errors.server = setupStrings.joinServerFormat;
  if (input.code.trim() === '') errors.code = setupStrings.required;
  if (input.username.trim() === '') errors.username = setupStrings.required;
  if (input.password === '') errors.password = setupStrings.required;
  return errors;
}
