// Renders the OpenAPI spec to the one self-contained HTML page served at GET /docs:
//   node render_docs.mjs --redocly <path to redocly> --spec <openapi.yaml> --out <docs.html>
// `redocly build-docs` prerenders the page but loads Redoc's script from a CDN (no option turns
// that off in @redocly/cli 1.x), so the script tag is replaced by the same bundle, inline, from
// the redoc package that redocly itself uses. Google Fonts are left out with its own flag.
// tests/docs/check_offline.mjs checks the result fetches nothing from elsewhere.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

function fail(message) {
  console.error(`render_docs.mjs: ${message}`);
  process.exit(1);
}

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const name of ['redocly', 'spec', 'out']) if (!args[name]) fail(`--${name} is required`);

const scratch = mkdtempSync(path.join(tmpdir(), 'parley-docs-'));
const raw = path.join(scratch, 'docs.html');
const built = spawnSync(args.redocly, ['build-docs', args.spec, '--disableGoogleFont', '--output', raw],
                        { encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
if (built.status !== 0) fail(`redocly build-docs failed (${built.status}):\n${built.stdout}${built.stderr}`);
let html = readFileSync(raw, 'utf8');
rmSync(scratch, { recursive: true, force: true });

const cdnScript = /<script src="https:\/\/cdn\.redoc(?:ly\.com|\.ly)\/redoc\/v([0-9.]+)\/bundles\/redoc\.standalone\.js"><\/script>/;
const match = cdnScript.exec(html);
if (!match) fail('the page has no Redoc CDN script tag to inline: has redocly changed its template?');

// The bundle of the redoc package redocly resolves, which must be the version the page names.
const requireFromRedocly = createRequire(realpathSync(args.redocly));
const redocPackage = requireFromRedocly.resolve('redoc/package.json');
const version = JSON.parse(readFileSync(redocPackage, 'utf8')).version;
if (version !== match[1]) fail(`the page wants Redoc ${match[1]} but redocly resolves redoc ${version}`);
const bundle = readFileSync(path.join(path.dirname(redocPackage), 'bundles', 'redoc.standalone.js'), 'utf8');
// The side menu shows Redocly's logo from their CDN (an <img> it hides when loading fails): the
// page must fetch nothing from elsewhere, so it gets an empty data: URL, fails, and stays hidden.
const logo = '"https://cdn.redoc.ly/redoc/logo-mini.svg"';
if (bundle.split(logo).length !== 2) fail(`expected the Redoc bundle to name ${logo} exactly once`);
// Inside <script>, only "</script" would end the element early.
const inline = `<script>${bundle.replace(logo, () => '"data:,"').replaceAll('</script', '<\\/script')}</script>`;
html = html.replace(match[0], () => inline);

// The prerendered markup goes, and Redoc renders the page from the spec in the browser instead
// of hydrating that markup (which React 18 rejects as a mismatch anyway): a page whose script
// cannot run is then visibly empty, which the headless check (tests/docs/check_docs.sh) can
// tell from a working one.
const hydrate = 'Redoc.hydrate(__redoc_state, container);';
if (html.split(hydrate).length !== 2) fail(`expected the page to call ${hydrate} once`);
html = html.replace(hydrate, () => 'Redoc.init(__redoc_state.spec.data, __redoc_state.options, container);');
const container = html.indexOf('<div id="redoc">');
const state = html.indexOf('const __redoc_state');
const containerEnd = container < 0 || state < 0 ? -1 : html.lastIndexOf('</div>', state);
if (containerEnd < container) fail('the page has no <div id="redoc"> before the Redoc state: has redocly changed?');
html = `${html.slice(0, container)}<div id="redoc"></div>
      <noscript>This API reference is drawn by JavaScript. The contract itself is at /openapi.yaml.</noscript>` +
  html.slice(containerEnd + '</div>'.length);

writeFileSync(args.out, html);
console.log(`render_docs.mjs: wrote ${args.out} (${html.length} characters, Redoc ${version} inline)`);
