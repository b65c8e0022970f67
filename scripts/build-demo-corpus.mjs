// Builds the demo's embedded corpus: the project's own README and docs, one passage per
// paragraph group under its heading. Output: web/demo/corpus.json.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources = ['README.md'];
if (existsSync(join(root, 'docs'))) {
  for (const f of readdirSync(join(root, 'docs')).sort()) if (f.endsWith('.md')) sources.push(`docs/${f}`);
}

const MAX_CHARS = 700;
const passages = [];
for (const source of sources) {
  const text = readFileSync(join(root, source), 'utf8');
  let heading = source;
  let buffer = [];
  let inCode = false;
  const flush = () => {
    const body = buffer.join('\n').trim();
    buffer = [];
    if (body) passages.push({ id: `${source}#${passages.length}`, title: heading, body, metadata: { source } });
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    const h = !inCode && /^(#{1,4})\s+(.*)$/.exec(line);
    if (h) {
      flush();
      heading = h[2].trim();
      continue;
    }
    buffer.push(line);
    if (!inCode && line.trim() === '' && buffer.join('\n').length > MAX_CHARS) flush();
  }
  flush();
}
writeFileSync(join(root, 'web/demo/corpus.json'), JSON.stringify(passages));
console.log(`demo corpus: ${passages.length} passages from ${sources.length} files`);
