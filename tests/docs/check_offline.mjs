// Checks that the rendered /docs page fetches nothing from another origin: no script, style
// sheet, font or image by URL, in the HTML or in the script that draws it. Links a reader may
// click (<a href>, href: in scripts) are fine. Proves its rules on samples first, so a scanner
// that finds nothing cannot pass.
//   node check_offline.mjs <docs.html>
import { readFileSync } from 'node:fs';

const external = String.raw`\s*(?:https?:)?//`;
const rules = [
  ['an element loading src from elsewhere', new RegExp(String.raw`\bsrc\s*=\s*["']?${external}`, 'gi')],
  ['a script property src naming another origin', new RegExp(String.raw`\bsrc\s*:\s*["'\x60]${external}`, 'gi')],
  ['a srcset or poster from elsewhere', new RegExp(String.raw`\b(?:srcset|poster)\s*=\s*["']?${external}`, 'gi')],
  ['a <link> (style sheet, font, icon) from elsewhere', new RegExp(String.raw`<link\b[^>]*\bhref\s*=\s*["']?${external}`, 'gi')],
  ['a <script> with a src at all', /<script\b[^>]*\bsrc\s*=/gi],
  ['a CSS @import', /@import\s+(?:url\(|["'])/gi],
  ['a CSS url() from elsewhere', new RegExp(String.raw`url\(\s*["']?${external}`, 'gi')],
];

function problems(text) {
  const found = [];
  for (const [what, pattern] of rules) {
    for (const match of text.matchAll(pattern)) {
      const at = match.index;
      found.push(`${what}: ...${text.slice(Math.max(0, at - 60), at + 120).replace(/\s+/g, ' ')}...`);
    }
  }
  return found;
}

const mustFlag = [
  '<script src="https://cdn.redocly.com/redoc/v2.5.0/bundles/redoc.standalone.js"></script>',
  '<link href="https://fonts.googleapis.com/css?family=Roboto" rel="stylesheet">',
  '<link rel="preload" href="//cdn.example/font.woff2">',
  '<img alt="logo" src=https://cdn.redoc.ly/redoc/logo-mini.svg>',
  'n.createElement("img",{alt:"redocly logo",src:"https://cdn.redoc.ly/redoc/logo-mini.svg"})',
  '<style>@import url("https://fonts.googleapis.com/css");</style>',
  '<style>.x{background:url(https://example.com/a.png)}</style>',
  '<script src="redoc.js"></script>',
];
const mustPass = '<a href="https://redocly.com/redoc/">API docs by Redocly</a><img src="data:,">' +
  '<script>var a={href:"https://redocly.com/redoc/"}</script><style>.y{background:url(data:image/png;base64,AA==)}</style>';
const selfTest = mustFlag.filter((sample) => problems(sample).length === 0)
  .map((sample) => `the rules miss: ${sample}`)
  .concat(problems(mustPass).map((p) => `the rules flag a sample that is fine: ${p}`));
if (selfTest.length > 0) {
  console.error(selfTest.join('\n'));
  process.exit(2);
}

const file = process.argv[2];
if (!file) {
  console.error('usage: node check_offline.mjs <docs.html>');
  process.exit(2);
}
const html = readFileSync(file, 'utf8');
const found = problems(html);
if (!html.includes('<div id="redoc">')) found.push('not a Redoc page: no <div id="redoc">');
for (const problem of found) console.log(`FETCHES FROM ELSEWHERE ${problem}`);
console.log(`${file}: ${html.length} characters, ${found.length} problem(s); the rules caught all ${mustFlag.length} bad samples`);
process.exit(found.length === 0 ? 0 : 1);
