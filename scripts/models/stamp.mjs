// A content hash of the generator sources: generated models are rebuilt only when a generator changes,
// which keeps scripts/build quick on re-runs.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export async function sourceStamp(files, extra = '') {
  const hash = createHash('sha256');
  for (const file of files) hash.update(await readFile(new URL(file, import.meta.url)));
  hash.update(extra);
  return hash.digest('hex');
}
