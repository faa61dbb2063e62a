// The search page in a real browser: Debian's Chromium (headless), driven by playwright-core,
// against the real searchd on port 0 over the API fixture corpus. Run by CTest (label e2e), which
// passes the binaries in SOSIK_INDEXER and SOSIK_SEARCHD and where to save screenshots in
// SOSIK_E2E_OUT. No browser is downloaded: Chromium is the Debian package at /usr/bin/chromium.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const INDEXER = process.env.SOSIK_INDEXER || path.join(__dirname, '../../build/bin/indexer');
const SEARCHD = process.env.SOSIK_SEARCHD || path.join(__dirname, '../../build/bin/searchd');
const CHROMIUM = process.env.SOSIK_CHROMIUM || '/usr/bin/chromium';
const FIXTURE = path.join(__dirname, '../fixtures/api/articles.jsonl');
const OUT = process.env.SOSIK_E2E_OUT || os.tmpdir();
const TIMEOUT_MS = 10000;

let tmp, searchd, browser, base;
const problems = []; // console errors, page errors, requests that leave the server

// Starts searchd on a free port; resolves with its address from the first stdout line.
function startSearchd(db) {
  return new Promise((resolve, reject) => {
    searchd = spawn(SEARCHD, ['--db', db, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('searchd did not start within 30 s: ' + out)), 30000);
    searchd.on('error', reject);
    searchd.on('exit', (code) => reject(new Error('searchd exited with ' + code + ': ' + out)));
    searchd.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /^listening on (http:\/\/[^\s]+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
}

// A page that records its /api/suggest requests and any problem.
async function openPage(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  page.suggestRequests = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base + '/')) problems.push('request outside searchd: ' + r.url());
    if (r.url().includes('/api/suggest')) page.suggestRequests.push(decodeURIComponent(new URL(r.url()).searchParams.get('q')));
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push('console error: ' + m.text());
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  return page;
}

const hitTitles = (page) => page.locator('.hit-title a').allTextContents();
const options = (page) => page.locator('#suggestions [role="option"]');

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sosik-e2e-'));
  const db = path.join(tmp, 'db');
  execFileSync(INDEXER, ['--db', db, FIXTURE], { stdio: ['ignore', 'ignore', 'inherit'] });
  base = await startSearchd(db);
  searchd.removeAllListeners('exit');
  // launch() gives Chromium a fresh temporary --user-data-dir of its own and removes it after.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  fs.mkdirSync(OUT, { recursive: true });
});

// Stops searchd, waiting for it to exit (SIGKILL after 10 s).
function stopSearchd() {
  if (!searchd || searchd.exitCode !== null || searchd.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => searchd.kill('SIGKILL'), 10000);
    searchd.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    searchd.kill('SIGTERM');
  });
}
// Whatever ends this process, searchd does not outlive it.
process.on('exit', () => {
  if (searchd && searchd.exitCode === null && searchd.signalCode === null) searchd.kill('SIGKILL');
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    await stopSearchd();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('typing Korean shows suggestions, navigable by keyboard', async () => {
  const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 1200, height: 900 } });
  const page = await openPage(context);
  await page.goto(base + '/');
  assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
  const box = page.getByLabel('뉴스 검색어');
  await box.focus();
  await page.keyboard.type('마이크', { delay: 30 });
  await options(page).first().waitFor();
  const texts = await options(page).allTextContents();
  assert.ok(texts.some((t) => t.startsWith('마이크로소프트')), 'completions of 마이크: ' + texts);
  assert.ok(page.suggestRequests.length > 0);
  assert.equal(await box.getAttribute('aria-expanded'), 'true');

  await page.keyboard.press('ArrowDown');
  await page.screenshot({ path: path.join(OUT, 'suggestions.png') });
  assert.equal(await options(page).first().getAttribute('aria-selected'), 'true');
  assert.equal(await box.getAttribute('aria-activedescendant'), 'suggestion-0');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  assert.equal(await box.getAttribute('aria-activedescendant'), 'suggestion-0');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#suggestions').isHidden(), true);
  assert.equal(await box.getAttribute('aria-expanded'), 'false');

  // Enter on a chosen suggestion searches for it (or opens the article, for a title).
  await page.keyboard.press('ArrowDown');
  await options(page).first().waitFor();
  const chosen = await options(page).first().textContent();
  await page.keyboard.press('ArrowDown');
  await Promise.all([page.waitForURL((u) => u.searchParams.has('q') || u.pathname.startsWith('/articles/')), page.keyboard.press('Enter')]);
  const url = new URL(page.url());
  if (url.pathname === '/') assert.equal(url.searchParams.get('q'), chosen);
  await context.close();
});

test('no suggestion is asked for while a syllable is being composed', async () => {
  const context = await browser.newContext({ locale: 'ko-KR' });
  const page = await openPage(context);
  await page.goto(base + '/');
  const box = page.getByLabel('뉴스 검색어');
  await box.focus();

  // Composition events as an IME sends them, around text inserted by key events.
  await box.dispatchEvent('compositionstart', { data: '' });
  await page.keyboard.insertText('오');
  await page.keyboard.insertText('픈');
  await page.waitForTimeout(500);
  assert.deepEqual(page.suggestRequests, [], 'asked mid-composition');
  await Promise.all([page.waitForRequest((r) => r.url().includes('/api/suggest')), box.dispatchEvent('compositionend', { data: '픈' })]);
  assert.deepEqual(page.suggestRequests, ['오픈']);
  await options(page).first().waitFor();

  // Chromium's own IME path: a composing syllable (ㄷ → 데) asks nothing; committing it does.
  await box.fill('');
  page.suggestRequests.length = 0;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Input.imeSetComposition', { text: 'ㄷ', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.imeSetComposition', { text: '데', selectionStart: 1, selectionEnd: 1 });
  await page.waitForTimeout(400);
  assert.deepEqual(page.suggestRequests, [], 'asked while composing 데');
  await Promise.all([page.waitForRequest((r) => r.url().includes('/api/suggest')), cdp.send('Input.insertText', { text: '데' })]);
  assert.equal(await box.inputValue(), '데');
  assert.deepEqual(page.suggestRequests, ['데']);
  // Waits for 데's list: the one for 오픈 may still be showing (read at once, it failed on a busy machine).
  await options(page).filter({ hasText: '데이터' }).first().waitFor();
  assert.ok((await options(page).allTextContents()).some((t) => t.startsWith('데이터')));

  // A half-typed syllable (마잌 on the way to 마이크) still completes.
  await box.fill('');
  await page.keyboard.insertText('마잌');
  await options(page).filter({ hasText: '마이크로소프트' }).first().waitFor();
  assert.equal(await box.inputValue(), '마잌');
  await context.close();
});

test('search, highlights, facet, sort, article and related story', async () => {
  const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 1200, height: 900 } });
  const page = await openPage(context);
  await page.goto(base + '/');
  await page.getByLabel('뉴스 검색어').focus();
  await page.keyboard.type('오픈AI', { delay: 20 });
  await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === '오픈AI'), page.keyboard.press('Enter')]);

  assert.equal((await hitTitles(page)).length, 5);
  const marks = await page.locator('.snippet mark').allTextContents();
  assert.ok(marks.length >= 5 && marks.every((m) => m.includes('오픈AI')), 'highlights: ' + marks);
  assert.equal(await page.getByLabel('뉴스 검색어').inputValue(), '오픈AI');
  await page.screenshot({ path: path.join(OUT, 'search-results.png'), fullPage: true });

  // A facet narrows; the back button brings the wider search back.
  await Promise.all([page.waitForURL(/outlet=/), page.locator('.facets a', { hasText: '전자신문' }).click()]);
  assert.equal(new URL(page.url()).searchParams.get('outlet'), '전자신문');
  assert.deepEqual(await hitTitles(page), ['오라클, 오픈AI와 100억달러 거래']);
  await page.goBack();
  assert.equal((await hitTitles(page)).length, 5);

  // Newest first.
  await Promise.all([page.waitForURL(/sort=date/), page.getByRole('link', { name: '최신순' }).click()]);
  const dates = await page.locator('.hit time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
  assert.deepEqual(dates, [...dates].sort().reverse());
  assert.equal(await page.getByRole('link', { name: '최신순' }).getAttribute('aria-current'), 'true');

  // Through to the article, then to its related story, which links back.
  await Promise.all([page.waitForURL(/\/articles\/api-01$/), page.getByRole('link', { name: '마이크로소프트, 오픈AI 지분 협상 마무리' }).click()]);
  assert.equal(await page.locator('h1').textContent(), '마이크로소프트, 오픈AI 지분 협상 마무리');
  assert.equal(await page.locator('.article .body p').count(), 2);
  await page.screenshot({ path: path.join(OUT, 'article.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/articles\/api-02$/), page.locator('.related a', { hasText: '나델라, 오픈AI와 협력 계속' }).click()]);
  assert.equal(await page.locator('h1').textContent(), '나델라, 오픈AI와 협력 계속');
  assert.equal(await page.locator('.linked-from a').getAttribute('href'), '/articles/api-01');
  await context.close();
});

test('keyboard users see where focus is', async () => {
  const context = await browser.newContext({ locale: 'ko-KR' });
  const page = await openPage(context);
  await page.goto(base + '/?q=' + encodeURIComponent('데이터센터'));
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { text: el.textContent, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  assert.equal(skip.text, '본문 바로가기');
  assert.notEqual(skip.outline, 'none');
  assert.ok(skip.width >= 2);
  // "/" jumps to the search box.
  await page.locator('h1').first().evaluate((e) => e.closest('main').focus());
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
  await context.close();
});

test('with JavaScript off, search is server-rendered', async () => {
  const context = await browser.newContext({ locale: 'ko-KR', javaScriptEnabled: false });
  const page = await openPage(context);
  await page.goto(base + '/');
  await page.getByLabel('뉴스 검색어').fill('데이터센터');
  await Promise.all([page.waitForURL(/q=/), page.getByRole('button', { name: '검색' }).click()]);
  assert.ok((await hitTitles(page)).length >= 2);
  assert.ok((await page.locator('.snippet mark').count()) >= 2);
  assert.deepEqual(page.suggestRequests, []);
  await Promise.all([page.waitForURL(/month=/), page.locator('.facets a').filter({ hasText: '월' }).first().click()]);
  assert.ok((await hitTitles(page)).length >= 1);
  // Pagination of the newest articles.
  await page.goto(base + '/');
  await Promise.all([page.waitForURL(/page=2/), page.getByRole('link', { name: '다음 ›' }).click()]);
  assert.equal((await hitTitles(page)).length, 2);
  await context.close();
});

test('nothing went wrong on any page', () => {
  assert.deepEqual(problems, []);
});
