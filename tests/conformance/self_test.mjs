// Proves validate.mjs can fail: hand-written exchanges, each run through the validator as the
// e2e suite runs it, must pass or fail with the expected message.
//   node self_test.mjs --validator <validate.mjs> --spec <openapi.yaml> --tools <dir>
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const name of ['validator', 'spec', 'tools']) {
  if (!args[name]) {
    console.error(`self_test.mjs: --${name} is required`);
    process.exit(2);
  }
}

const USER_ID = '0190a8c4-5e2b-7d41-9c3a-6f1e2d3c4b5a';
const POST_ID = '0190a8c5-0a1b-7c2d-8e3f-405162738495';
const STAMP = '2026-11-23T10:15:30.123Z';

function headers(extra = {}, media = 'application/json') {
  const all = { 'X-Request-ID': 'self-test.1', 'X-Content-Type-Options': 'nosniff', ...extra };
  if (media) all['Content-Type'] = media;
  return Object.entries(all);
}
function ok(data, status = 200, extra = {}) {
  return { status, headers: headers(extra), body: JSON.stringify({ status: 'ok', data }) };
}
function error(status, code, extra = {}) {
  return {
    status,
    headers: headers(extra),
    body: JSON.stringify({ status: 'error', error: { code, message: 'm', details: {}, trace_id: 'self-test.1' } }),
  };
}
function get(target, requestHeaders = []) {
  return { method: 'GET', target, headers: [['Host', 'x'], ...requestHeaders], body: '', complete: true };
}
function post(target, body, requestHeaders = []) {
  return {
    method: 'POST',
    target,
    headers: [['Host', 'x'], ['Content-Type', 'application/json'], ...requestHeaders],
    body: JSON.stringify(body),
    complete: true,
  };
}
const user = { id: USER_ID, username: 'alice', bio: '', role: 'user', blocked: false, created_at: STAMP, updated_at: STAMP };
const publishedPost = {
  id: POST_ID, author_id: USER_ID,
  author: { id: USER_ID, username: 'alice', bio: '', image: null, following: false },
  slug: 't-38495', title: 't', description: '', body: 'b', tags: ['x'], is_published: true, like_count: 0,
  liked: false, created_at: STAMP, updated_at: STAMP,
};
const bearer = ['Authorization', 'Bearer abc.def.ghi'];

// [name, exchange, expected exit status, text the output must contain]
const cases = [
  ['a conforming liveness probe passes', { request: get('/healthz'), response: ok({ status: 'alive' }) }, 0,
   'all conform'],
  ['a conforming post passes', { request: get(`/api/v1/posts/${POST_ID}`), response: ok(publishedPost) }, 0,
   'all conform'],
  ['a body member of the wrong type fails',
   { request: get(`/api/v1/posts/${POST_ID}`), response: ok({ ...publishedPost, is_published: 'yes' }) }, 1,
   '/data/is_published: must be boolean'],
  ['a missing required member fails',
   { request: get('/api/v1/users/me', [bearer]), response: ok({ ...user, username: undefined }) }, 1,
   "must have required property 'username'"],
  ['an undeclared member fails',
   { request: get('/api/v1/users/me', [bearer]), response: ok({ ...user, password_hash: 'x' }) }, 1,
   "must NOT have additional properties 'password_hash'"],
  ['an undocumented status fails', { request: get('/healthz'), response: error(418, 'INVALID_INPUT') }, 1,
   'status 418 is not documented for getHealth'],
  ['an undocumented path fails', { request: get('/api/v1/secrets'), response: ok({ status: 'alive' }) }, 1,
   'undocumented path /api/v1/secrets'],
  ['an unmarked 404 for an undocumented path fails too',
   { request: get('/api/v1/secrets'), response: error(404, 'NOT_FOUND') }, 1, 'undocumented path'],
  ['a marked unknown path answered 404 NOT_FOUND passes',
   { deliberate: 'unmatched_route', request: get('/api/v1/secrets'), response: error(404, 'NOT_FOUND') }, 0,
   'all conform'],
  ['a marked unknown path answered 200 fails',
   { deliberate: 'unmatched_route', request: get('/api/v1/secrets'), response: ok({ status: 'alive' }) }, 1,
   'the spec says 404'],
  ['a route marked unmatched that is documented fails',
   { deliberate: 'unmatched_route', request: get('/healthz'), response: ok({ status: 'alive' }) }, 1,
   'it is the operation getHealth'],
  ['a documented route marked hidden and answered 404 NOT_FOUND passes',
   { deliberate: 'hidden_route', request: get('/metrics'), response: error(404, 'NOT_FOUND') }, 0, 'all conform'],
  ['a route marked hidden that answers 200 fails',
   { deliberate: 'hidden_route', request: get('/healthz'), response: ok({ status: 'alive' }) }, 1,
   'it must be 404 NOT_FOUND'],
  ['an unknown path marked hidden fails',
   { deliberate: 'hidden_route', request: get('/api/v1/secrets'), response: error(404, 'NOT_FOUND') }, 1,
   'is not a documented path'],
  ['an undocumented method fails',
   { request: { ...get('/healthz'), method: 'DELETE' }, response: error(405, 'METHOD_NOT_ALLOWED', { Allow: 'GET' }) },
   1, 'undocumented method DELETE on /healthz'],
  ['a marked 405 without Allow fails',
   { deliberate: 'unmatched_route', request: { ...get('/healthz'), method: 'DELETE' },
     response: error(405, 'METHOD_NOT_ALLOWED') }, 1, 'required header Allow is missing'],
  ['an error code outside the enum fails',
   { request: get(`/api/v1/posts/${POST_ID}`), response: error(404, 'NOPE') }, 1,
   '/error/code: must be equal to one of the allowed values'],
  ['a 401 without WWW-Authenticate fails',
   { request: get('/api/v1/users/me'), response: error(401, 'UNAUTHORIZED') }, 1,
   'required header WWW-Authenticate is missing'],
  ['a response without X-Request-ID fails',
   { request: get('/healthz'),
     response: { status: 200, headers: [['Content-Type', 'application/json']], body: '{"status":"ok","data":{"status":"alive"}}' } },
   1, 'required header X-Request-ID is missing'],
  ['a body of an undeclared media type fails',
   { request: get('/healthz'), response: { ...ok({ status: 'alive' }), headers: headers({}, 'text/plain') } }, 1,
   "Content-Type 'text/plain' is not among application/json"],
  ['a body where the spec declares none fails',
   { request: post('/api/v1/auth/logout', undefined, [bearer]), response: ok({}, 204) }, 1,
   'the spec declares no body'],
  ['a success to an invalid request body fails',
   { request: post('/api/v1/auth/signup', { email: 'a@example.com', username: 'alice' }),
     response: ok({ ...user, email: 'a@example.com' }, 201) }, 1,
   "request body: must have required property 'password'"],
  ['a success without the bearer token the operation requires fails',
   { request: get('/api/v1/users/me'), response: ok(user) }, 1, 'requires bearerAuth'],
  ['a success to an invalid query parameter fails',
   { request: get('/api/v1/posts?page=0'), response: { ...ok([]), body: JSON.stringify({ status: 'ok', data: [], meta: { page: 1, size: 20, total: 0 } }) } },
   1, 'query parameter page: must be >= 1'],
  ['an unmarked unparseable request fails',
   { request: { unparsed: 'GARBAGE' }, response: error(400, 'INVALID_INPUT') }, 1, 'not an HTTP request'],
  ['a marked malformed request answered 400 INVALID_INPUT passes',
   { deliberate: 'malformed_http', request: { unparsed: 'GARBAGE' }, response: error(400, 'INVALID_INPUT') }, 0,
   'all conform'],
  ['a marked malformed request answered 500 fails',
   { deliberate: 'malformed_http', request: { unparsed: 'GARBAGE' }, response: error(500, 'INTERNAL') }, 1,
   'malformed request answered 500'],
];

const dir = mkdtempSync(path.join(tmpdir(), 'parley-conformance-'));
let failures = 0;
function run(file, tools) {
  return spawnSync(process.execPath, [args.validator, '--spec', args.spec, '--tools', tools, file], { encoding: 'utf8' });
}
cases.forEach(([name, exchange, expectedStatus, expectedText], index) => {
  const file = path.join(dir, `case-${index}.jsonl`);
  writeFileSync(file, `${JSON.stringify({ seq: 1, deliberate: 'none', ...exchange })}\n`);
  const result = run(file, args.tools);
  const output = `${result.stdout}${result.stderr}`;
  const passed = result.status === expectedStatus && output.includes(expectedText);
  console.log(`${passed ? 'ok  ' : 'FAIL'} ${name}`);
  if (!passed) {
    ++failures;
    console.log(`     expected exit ${expectedStatus} and "${expectedText}"; got exit ${result.status}:\n${output}`);
  }
});

// Without the npm packages the validator must fail, never pass.
const file = path.join(dir, 'case-tools.jsonl');
writeFileSync(file, `${JSON.stringify({ seq: 1, deliberate: 'none', request: get('/healthz'), response: ok({ status: 'alive' }) })}\n`);
const missing = run(file, path.join(dir, 'no-tools-here'));
const missingOk = missing.status === 2 && missing.stderr.includes('cannot load ajv');
console.log(`${missingOk ? 'ok  ' : 'FAIL'} missing npm packages are an error (exit 2)`);
if (!missingOk) ++failures;

// An empty recording (a harness that stopped recording) must not pass either.
const empty = path.join(dir, 'case-empty.jsonl');
writeFileSync(empty, '');
const none = run(empty, args.tools);
const noneOk = none.status === 1 && none.stdout.includes('no exchange to check');
console.log(`${noneOk ? 'ok  ' : 'FAIL'} an empty recording fails`);
if (!noneOk) ++failures;

rmSync(dir, { recursive: true, force: true });
console.log(`${cases.length + 2 - failures}/${cases.length + 2} self-test cases passed`);
process.exit(failures === 0 ? 0 : 1);
