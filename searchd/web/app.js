// Sosik search page: suggestions while typing (GET /api/suggest). The page works without this
// file; the query lives in the URL because the form is a plain GET form.
//
// Korean IMEs compose each syllable (ㅁ → 마 → 막 → 마이 …): nothing is asked while a syllable
// is being composed, only when it is committed (compositionend) or on input outside composition.
(() => {
  'use strict';
  const input = document.getElementById('q');
  const list = document.getElementById('suggestions');
  if (!input || !list || !window.fetch) return;
  const form = input.form;

  const DEBOUNCE_MS = 120;
  const LIMIT = 8;
  let composing = false;
  let timer = 0;
  let controller = null;
  let asked = null; // the text the shown (or pending) suggestions are for
  let items = [];
  let active = -1;

  // Hangul: syllables are U+AC00 + (initial * 21 + medial) * 28 + final.
  const SYLLABLE_FIRST = 0xac00;
  const SYLLABLE_LAST = 0xd7a3;
  const isJamo = (c) => c >= 0x3131 && c <= 0x318e;
  // A final consonant that may really be the next syllable's initial (마잌 on the way to 마이크):
  // final index → [final left on the syllable, initial of the next syllable].
  const FINAL_SPLIT = {
    1: [0, 0], 2: [0, 1], 3: [1, 9], 4: [0, 2], 5: [4, 12], 6: [4, 18], 7: [0, 3], 8: [0, 5], 9: [8, 0],
    10: [8, 6], 11: [8, 7], 12: [8, 9], 13: [8, 16], 14: [8, 17], 15: [8, 18], 16: [0, 6], 17: [0, 7],
    18: [17, 9], 19: [0, 9], 20: [0, 10], 21: [0, 11], 22: [0, 12], 23: [0, 14], 24: [0, 15], 25: [0, 16],
    26: [0, 17], 27: [0, 18],
  };

  // A half-typed query: trailing lone jamo (ㅋ) are dropped, they match no word yet.
  function trimJamo(q) {
    let end = q.length;
    while (end > 0 && isJamo(q.charCodeAt(end - 1))) end--;
    return q.slice(0, end);
  }

  // 마잌 → {stem: "마이", initial: ㅋ}, or null when the last syllable has no final consonant.
  function splitFinal(q) {
    const code = q.charCodeAt(q.length - 1);
    if (!(code >= SYLLABLE_FIRST && code <= SYLLABLE_LAST)) return null;
    const index = code - SYLLABLE_FIRST;
    const split = FINAL_SPLIT[index % 28];
    if (!split) return null;
    const stem = q.slice(0, -1) + String.fromCharCode(SYLLABLE_FIRST + index - (index % 28) + split[0]);
    return { stem, initial: split[1] };
  }

  // Does `text` continue the stem's last word with a syllable starting with `initial`?
  function continues(text, stem, initial) {
    const word = stem.split(/\s+/).pop();
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      const next = text.charCodeAt(at + word.length);
      if (next >= SYLLABLE_FIRST && next <= SYLLABLE_LAST && Math.floor((next - SYLLABLE_FIRST) / 588) === initial) return true;
    }
    return false;
  }

  async function fetchSuggestions(q, signal) {
    const res = await fetch('/api/suggest?limit=' + LIMIT + '&q=' + encodeURIComponent(q), { signal });
    if (!res.ok) return [];
    const body = await res.json();
    return Array.isArray(body.suggestions) ? body.suggestions : [];
  }

  async function ask() {
    clearTimeout(timer);
    const q = input.value;
    if (q === asked) return;
    asked = q;
    if (controller) controller.abort();
    const prefix = trimJamo(q);
    if (!prefix.trim()) {
      close();
      return;
    }
    controller = new AbortController();
    const { signal } = controller;
    try {
      let found = await fetchSuggestions(prefix, signal);
      const split = found.length ? null : splitFinal(prefix);
      if (split) found = (await fetchSuggestions(split.stem, signal)).filter((s) => continues(s.text, split.stem, split.initial));
      if (input.value === q && document.activeElement === input) render(found);
    } catch (e) {
      if (e.name !== 'AbortError') close();
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(ask, DEBOUNCE_MS);
  }

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    items = [];
    active = -1;
  }

  function render(suggestions) {
    close();
    items = suggestions.slice(0, LIMIT);
    if (!items.length) return;
    items.forEach((s, i) => {
      const li = document.createElement('li');
      li.id = 'suggestion-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      const text = document.createElement('span');
      text.textContent = s.text; // never parsed as HTML
      li.append(text);
      if (s.kind === 'title') {
        const kind = document.createElement('span');
        kind.className = 'kind';
        kind.textContent = '기사';
        li.append(kind);
      }
      li.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the box
      li.addEventListener('click', () => choose(i));
      list.append(li);
    });
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function highlight(i) {
    active = i;
    items.forEach((_, j) => list.children[j].setAttribute('aria-selected', String(j === i)));
    if (i >= 0) input.setAttribute('aria-activedescendant', 'suggestion-' + i);
    else input.removeAttribute('aria-activedescendant');
  }

  function choose(i) {
    const s = items[i];
    if (!s) return;
    close();
    if (s.kind === 'title' && s.id) {
      location.href = '/articles/' + encodeURIComponent(s.id);
      return;
    }
    input.value = s.text;
    asked = s.text;
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }

  input.addEventListener('compositionstart', () => {
    composing = true;
    clearTimeout(timer);
  });
  input.addEventListener('compositionend', () => {
    composing = false;
    ask(); // a syllable was committed: a natural pause, ask now
  });
  input.addEventListener('input', (e) => {
    if (composing || e.isComposing) return;
    schedule();
  });
  input.addEventListener('keydown', (e) => {
    if (e.isComposing || e.keyCode === 229) return; // the IME owns this key (e.g. Enter commits)
    const n = items.length;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (list.hidden) {
          asked = null;
          ask();
        } else highlight(active + 1 >= n ? -1 : active + 1);
        break;
      case 'ArrowUp':
        if (list.hidden) return;
        e.preventDefault();
        highlight(active - 1 < -1 ? n - 1 : active - 1);
        break;
      case 'Enter':
        if (!list.hidden && active >= 0) {
          e.preventDefault();
          choose(active);
        }
        break;
      case 'Escape':
        if (!list.hidden) {
          e.preventDefault();
          close();
        }
        break;
    }
  });
  input.addEventListener('blur', () => {
    clearTimeout(timer);
    close();
    asked = null;
  });
  // Coming back with the back button shows the page as it was left: no stale list.
  window.addEventListener('pageshow', close);
  // "/" jumps to the search box, as on most search sites.
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || (t && t.isContentEditable)) return;
    e.preventDefault();
    input.focus();
    input.select();
  });
})();
