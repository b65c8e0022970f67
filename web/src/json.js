// JS values that cross into the core as JSON text (metadata, filters, records).
import { OspreyError } from './errors.js';

/** JSON text of `value` (undefined for undefined or null); `what` names it in the error. */
export function toJson(value, what) {
  if (value === undefined || value === null) return undefined;
  try {
    return JSON.stringify(value);
  } catch (cause) {
    throw new OspreyError(`${what} cannot be written as JSON: ${cause.message}`, 'INVALID_JSON', { cause });
  }
}
