// The toolbar popup: asks the engine (through the service worker) and shows the hits.
const $ = (id) => document.getElementById(id);

function ask(message) {
  return chrome.runtime.sendMessage(message).then((answer) => {
    if (answer?.error) throw new Error(answer.error);
    return answer;
  });
}

function render(hit) {
  const li = document.createElement('li');
  li.className = 'hit';
  const link = document.createElement('a');
  link.href = hit.url;
  link.target = '_blank';
  link.textContent = hit.title || hit.url;
  const p = document.createElement('p');
  let at = 0;
  if (hit.cut) p.append('…');
  for (const [start, end] of hit.spans) {
    if (start < at) continue;
    p.append(hit.snippet.slice(at, start));
    const mark = document.createElement('mark');
    mark.textContent = hit.snippet.slice(start, end);
    p.append(mark);
    at = end;
  }
  p.append(hit.snippet.slice(at));
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = `${hit.url} · score ${hit.score.toFixed(3)} · BM25 rank ${hit.sparseRank}`;
  li.append(link, p, meta);
  return li;
}

let latest = 0;
$('query').addEventListener('input', async () => {
  const query = $('query').value.trim();
  const id = ++latest;
  if (!query) { $('results').replaceChildren(); return; }
  try {
    const { hits } = await ask({ type: 'search', query });
    if (id !== latest) return;
    $('results').replaceChildren(...hits.map(render));
    $('status').textContent = `${hits.length} result${hits.length === 1 ? '' : 's'}`;
  } catch (error) {
    $('status').textContent = error.message;
  }
});

ask({ type: 'stats' }).then(({ size }) => {
  $('status').textContent = `${size} page${size === 1 ? '' : 's'} indexed`;
  document.body.dataset.ready = 'true';
}, (error) => { $('status').textContent = error.message; });
