// The engine of the extension: one Osprey collection of visited pages, saved in the extension's
// IndexedDB. Everything it loads is packaged with the extension (osprey/ is copied in by build.mjs).
import { Osprey } from './osprey/src/osprey.js';

const ready = Osprey.open('visited-pages');
let saving = Promise.resolve();

async function indexPage({ url, title, text }) {
  const pages = await ready;
  await pages.upsert([{ id: url, title, body: text, metadata: { url, visited: Date.now() } }]);
  // Saves are chained so that two quick visits never write at the same time.
  saving = saving.then(() => pages.save());
  await saving;
  return { size: pages.size };
}

async function search({ query, k = 10 }) {
  const pages = await ready;
  const hits = await pages.search(query, { k, highlight: true });
  return {
    hits: hits.map(({ id, title, body, score, sparseScore, sparseRank, highlights }) => {
      const first = highlights?.body?.[0]?.[0] ?? 0;
      const from = Math.max(0, first - 80);
      const snippet = body.slice(from, from + 240);
      const spans = (highlights?.body ?? [])
        .map(([s, e]) => [s - from, e - from]).filter(([s, e]) => s >= 0 && e <= snippet.length);
      return { url: id, title, score, sparseScore, sparseRank, snippet, spans, cut: from > 0 };
    }),
  };
}

const HANDLERS = {
  page: indexPage,
  search,
  stats: async () => ({ size: (await ready).size }),
};

chrome.runtime.onMessage.addListener((message, _sender, sendResponse) => {
  if (message?.target !== 'offscreen' || !HANDLERS[message.type]) return false;
  HANDLERS[message.type](message).then(sendResponse,
    (error) => sendResponse({ error: `${error.message}${error.code ? ` (${error.code})` : ''}` }));
  return true;
});
