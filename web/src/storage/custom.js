// A storage backend given by the caller (Osprey.open(name, {storage: object})), held to the
// contract of the paged layout (see memory.js): a failure of its own becomes STORAGE_FAILED, and
// what it returns is checked before the core reads it, so that a broken backend is reported as
// such rather than as a TypeError or as bad collection bytes.
import { OspreyError } from '../errors.js';

const OPERATIONS = ['head', 'read', 'commit', 'delete'];

function failed(op, message, cause) {
  return new OspreyError(`the storage backend's ${op}() ${message}`, 'STORAGE_FAILED', cause === undefined ? undefined : { cause });
}

const isBytes = (b) => b instanceof Uint8Array;

const CHECKS = {
  head: (result) => {
    if (result !== null && result !== undefined && (typeof result !== 'object' || !Number.isInteger(result.generation))) {
      throw failed('head', 'must resolve to null or a manifest with a whole-number generation');
    }
  },
  read: (result) => {
    if (result === null || result === undefined) return;
    const snapshot = result?.snapshot;
    const pages = Array.isArray(snapshot) ? snapshot : [snapshot];
    if (typeof result !== 'object' || !pages.every(isBytes) || !Array.isArray(result.records) ||
        !result.records.every(isBytes)) {
      throw failed('read', 'must resolve to null or {snapshot: Uint8Array (or its pages), records: Uint8Array[], ...}');
    }
  },
  commit: (result) => {
    if (result === null || typeof result !== 'object' || !Number.isInteger(result.generation)) {
      throw failed('commit', 'must resolve to the new manifest (with its generation)');
    }
  },
  delete: () => {},
};

/** `backend` with its four operations checked (it must have them: INVALID_ARGUMENT otherwise). */
export function checkedStorage(backend) {
  for (const op of OPERATIONS) {
    if (typeof backend[op] !== 'function') {
      throw new OspreyError(`the storage object has no ${op}() method (see MemoryStorage)`, 'INVALID_ARGUMENT');
    }
  }
  const wrapped = {
    get kind() { return backend.kind; },
    get lastCommitBytes() { return backend.lastCommitBytes; },
  };
  for (const op of OPERATIONS) {
    wrapped[op] = async (...args) => {
      let result;
      try {
        result = await backend[op](...args);
      } catch (cause) {
        if (cause instanceof OspreyError) throw cause; // e.g. CONFLICT, QUOTA_EXCEEDED
        throw failed(op, `failed: ${cause?.message ?? cause}`, cause);
      }
      CHECKS[op](result);
      return result;
    };
  }
  if (typeof backend.list === 'function') wrapped.list = (...args) => backend.list(...args);
  return wrapped;
}
