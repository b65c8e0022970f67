// Content script: sends the visible text of each page the user visits to the extension.
// (Classic script: content scripts cannot be modules.)
const MAX_CHARS = 200000;
chrome.runtime.sendMessage({
  type: 'page',
  url: location.href.split('#')[0],
  title: document.title,
  text: (document.body?.innerText ?? '').slice(0, MAX_CHARS),
});
