// Open the ConfigForm served by Voila in Debian's chromium, change a field, and check the YAML preview and errors.
// usage: node config_form.mjs URL SCREENSHOT CHROMIUM
import { chromium } from 'playwright-core';
const [url, shot, chrome] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: chrome, args: ['--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1300 } });
  await page.goto(url, { waitUntil: 'load', timeout: 180000 });
  await page.getByText('Method', { exact: true }).first().click({ timeout: 180000 });
  const rank = page.locator('.widget-text', { has: page.locator('label', { hasText: /^lora_rank$/ }) }).locator('input');
  await rank.fill('32');
  await page.waitForFunction(() => document.body.innerText.includes('lora_rank: 32'), null, { timeout: 60000 });
  await rank.fill('-3');
  await page.waitForFunction(() => document.body.innerText.includes('must be at least 1, got -3'), null, { timeout: 60000 });
  await page.screenshot({ path: shot });
  console.log(JSON.stringify({ ok: true, title: await page.title() }));
} finally { await browser.close(); }
