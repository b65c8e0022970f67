// Builds the demo's embedded corpus: the project's own README and docs, one Markdown document per
// file (the demo ingests them with addDocuments: the core cuts them into passages under their
// headings). Output: web/demo/corpus.json.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentsFromFile } from '../bin/lib/documents.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources = ['README.md'];
for (const dir of ['docs', 'docs/guides']) {
  if (!existsSync(join(root, dir))) continue;
  for (const f of readdirSync(join(root, dir)).sort()) if (f.endsWith('.md')) sources.push(`${dir}/${f}`);
}
const documents = sources.flatMap((source) => documentsFromFile(source, readFileSync(join(root, source), 'utf8')));
writeFileSync(join(root, 'web/demo/corpus.json'), JSON.stringify(documents));
console.log(`demo corpus: ${documents.length} documents`);
