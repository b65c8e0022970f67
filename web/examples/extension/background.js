// Service worker: routes messages to the offscreen document, which owns the engine. Service
// workers may not use import() and cannot be relied on to stay alive, so the WebAssembly core
// and the IndexedDB collection live in offscreen.html instead.
const OFFSCREEN_URL = 'offscreen.html';
let creating = null;

async function ensureOffscreen() {
  const url = chrome.runtime.getURL(OFFSCREEN_URL);
  const existing = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'], documentUrls: [url] });
  if (existing.length > 0) return;
  creating ??= chrome.offscreen.createDocument({
    url: OFFSCREEN_URL,
    reasons: ['WORKERS'],
    justification: 'Runs the Osprey search engine (WebAssembly) and keeps the page index in IndexedDB.',
  }).finally(() => { creating = null; });
  await creating;
}

async function forward(message) {
  await ensureOffscreen();
  return chrome.runtime.sendMessage({ ...message, target: 'offscreen' });
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message?.target === 'offscreen') return false; // for the offscreen document
  if (message?.type === 'page' && sender.tab) {
    forward(message).catch((error) => console.error('Osprey: could not index', message.url, error));
    return false;
  }
  if (message?.type === 'search' || message?.type === 'stats') {
    forward(message).then(sendResponse, (error) => sendResponse({ error: String(error?.message ?? error) }));
    return true; // answers asynchronously
  }
  return false;
});
