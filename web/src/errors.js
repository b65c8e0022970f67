// The one error type of Osprey, in C++ and in JS. `code` is stable and machine-readable
// (e.g. 'DIMENSION_MISMATCH', 'CORRUPT_DATA', 'CLOSED'); the message says what to fix.
export class OspreyError extends Error {
  constructor(message, code = 'INTERNAL', options) {
    super(message, options);
    this.name = 'OspreyError';
    this.code = code;
  }
}
