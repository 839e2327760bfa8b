// Checks recorded HTTP exchanges against the OpenAPI contract (api-spec/openapi.yaml).
//
//   node validate.mjs --spec <openapi.yaml> --tools <dir with node_modules> <exchanges.jsonl>...
//
// Each line of an exchanges file is one JSON object, as tests/e2e/support/exchange_log.cpp
// writes it:
//   {"seq":1, "deliberate":"none"|"unmatched_route"|"malformed_http"|"hidden_route",
//    "request":{"method":"GET","target":"/healthz","headers":[["Host","..."]],"body":"","complete":true}
//              (or {"unparsed":"<first bytes>"} when the bytes sent were not an HTTP request),
//    "response":{"status":200,"headers":[["Content-Type","application/json"]],"body":"..."}}
//
// Rules:
//  - the request resolves to one operation of the spec (path template + method); anything else
//    fails, except exchanges the harness marked as deliberate:
//      unmatched_route: must NOT resolve to an operation, and must be answered like the spec's
//        info.description says: 404 (components.responses.NotFound) for an unknown path, 405
//        (components.responses.MethodNotAllowed) for a documented path and another method;
//      malformed_http: bytes that are not a valid HTTP request, answered by the HTTP layer with
//        400, 413 or 431 (components.responses BadRequest, PayloadTooLarge, HeadersTooLarge);
//      hidden_route: a documented path that the server, as configured, does not serve on the
//        listener asked (metrics disabled or moved to the admin listener, the API asked on the
//        admin listener): it must resolve to a documented path and be answered 404 NotFound.
//    OPTIONS on a documented path is answered by components.responses.Options (CORS preflight).
//  - the status is documented for the operation (the spec has no `default` responses: one
//    found is itself a violation);
//  - headers the response object declares are present when `required`, and match their schema;
//  - the media type of the body is declared for that status; JSON bodies match the schema,
//    other media types (text/html, application/yaml) are checked by media type only; a
//    response without `content` has an empty body;
//  - for 2xx exchanges only: the request body matches the requestBody (media type, schema),
//    path and query parameters match their schemas, and an operation that requires bearerAuth
//    was called with a bearer token.
// Exit status: 0 all conform, 1 violations (printed), 2 bad usage or missing npm packages.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const BODY_EXCERPT = 300;

function usage(message) {
  console.error(`validate.mjs: ${message}`);
  console.error('usage: node validate.mjs --spec <openapi.yaml> --tools <dir> <exchanges.jsonl>...');
  process.exit(2);
}

function parseArguments(argv) {
  const options = { spec: null, tools: null, files: [] };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--spec') options.spec = argv[++i];
    else if (argv[i] === '--tools') options.tools = argv[++i];
    else if (argv[i].startsWith('--')) usage(`unknown option ${argv[i]}`);
    else options.files.push(argv[i]);
  }
  if (!options.spec || !options.tools || options.files.length === 0) usage('missing arguments');
  return options;
}

// The pinned npm packages (deploy/scripts/install-deps.sh test) from the tools folder.
function loadPackages(toolsDir) {
  const require = createRequire(path.join(path.resolve(toolsDir), 'package.json'));
  try {
    return {
      Ajv2020: require('ajv/dist/2020').default,
      addFormats: require('ajv-formats').default,
      YAML: require('yaml'),
    };
  } catch (error) {
    console.error(`validate.mjs: cannot load ajv, ajv-formats and yaml from ${toolsDir}/node_modules: ` +
                  `${error.message}\nrun: bash deploy/scripts/install-deps.sh test`);
    process.exit(2);
  }
}

// ---- the spec

function pointer(document, ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let node = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === undefined || node === null || !(key in node)) throw new Error(`unresolvable $ref ${ref}`);
    node = node[key];
  }
  return node;
}

// Follows a chain of $refs between components (responses, headers, parameters...).
function deref(document, node) {
  let seen = 0;
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    if (++seen > 20) throw new Error(`$ref loop at ${node.$ref}`);
    node = pointer(document, node.$ref);
  }
  return node;
}

// Schemas may point into components.schemas; Ajv knows them as `spec#/$defs/<name>`.
function rewriteSchemaRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteSchemaRefs);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
      out[key] = `spec#/$defs/${value.slice('#/components/schemas/'.length)}`;
    } else {
      out[key] = rewriteSchemaRefs(value);
    }
  }
  return out;
}

class Spec {
  constructor(document, packages) {
    this.document = document;
    this.ajv = new packages.Ajv2020({ allErrors: true, strict: true });
    packages.addFormats(this.ajv);
    this.ajv.addFormat('password', true);  // OpenAPI's UI hint, no constraint
    this.ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
    this.ajv.addSchema({ $id: 'spec', $defs: rewriteSchemaRefs(document.components?.schemas ?? {}) });
    this.validators = new Map();
    this.templates = Object.keys(document.paths ?? {}).map((template) => ({
      template,
      segments: template.split('/'),
      literals: template.split('/').filter((s) => !s.startsWith('{')).length,
    }));
  }

  compile(schema) {
    const key = JSON.stringify(schema);
    if (!this.validators.has(key)) this.validators.set(key, this.ajv.compile(rewriteSchemaRefs(schema)));
    return this.validators.get(key);
  }

  // Errors of `value` against `schema`, as "where: message" strings.
  check(schema, value, where) {
    const validate = this.compile(schema);
    if (validate(value)) return [];
    return validate.errors.map((e) => {
      const extra = e.params && e.keyword === 'additionalProperties' ? ` '${e.params.additionalProperty}'` : '';
      return `${where}${e.instancePath || ''}: ${e.message}${extra}`;
    });
  }

  // The path item for a request path (no query), preferring templates with more literal
  // segments ("/users/me" over "/users/{id}"); null when none fits.
  resolvePath(requestPath) {
    const segments = requestPath.split('/');
    let best = null;
    for (const candidate of this.templates) {
      if (candidate.segments.length !== segments.length) continue;
      const params = {};
      const fits = candidate.segments.every((pattern, i) => {
        const param = /^\{(.+)\}$/.exec(pattern);
        if (param) {
          if (segments[i] === '') return false;
          params[param[1]] = segments[i];
          return true;
        }
        return pattern === segments[i];
      });
      if (fits && (!best || candidate.literals > best.literals)) best = { ...candidate, params };
    }
    if (!best) return null;
    return { template: best.template, params: best.params, item: this.document.paths[best.template] };
  }

  namedResponse(name) {
    const response = this.document.components?.responses?.[name];
    if (!response) throw new Error(`the spec has no components.responses.${name}, which the validator uses`);
    return deref(this.document, response);
  }
}

// ---- one exchange

function headerValue(headers, name) {
  const wanted = name.toLowerCase();
  const found = (headers ?? []).find(([key]) => key.toLowerCase() === wanted);
  return found ? found[1] : undefined;
}

function mediaTypeOf(contentType) {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function isJsonMedia(media) {
  return media === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(media);
}

function mediaMatches(declared, actual) {
  const d = declared.toLowerCase();
  if (d === '*/*' || d === actual) return true;
  return d.endsWith('/*') && actual.startsWith(d.slice(0, -1));
}

// Header values and path/query parameters arrive as strings: coerce the scalar types a schema
// asks for before validating.
function coerceScalar(spec, schema, text) {
  const type = deref(spec.document, schema)?.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function excerpt(text) {
  if (!text) return '(empty)';
  return text.length > BODY_EXCERPT ? `${text.slice(0, BODY_EXCERPT)}...` : text;
}

function splitTarget(target) {
  const question = target.indexOf('?');
  const rawPath = question < 0 ? target : target.slice(0, question);
  const query = new URLSearchParams(question < 0 ? '' : target.slice(question + 1));
  return { rawPath, query };
}

// Problems of a response against a response object of the spec.
function checkResponse(spec, responseObject, response, what) {
  const problems = [];
  const declared = deref(spec.document, responseObject);
  for (const [name, headerRef] of Object.entries(declared.headers ?? {})) {
    if (name.toLowerCase() === 'content-type') continue;  // OpenAPI ignores it; content rules
    const header = deref(spec.document, headerRef);
    const value = headerValue(response.headers, name);
    if (value === undefined) {
      if (header.required) problems.push(`${what}: required header ${name} is missing`);
      continue;
    }
    if (header.schema) {
      problems.push(...spec.check(header.schema, coerceScalar(spec, header.schema, value), `${what}: header ${name}`));
    }
  }
  const body = response.body ?? '';
  const content = declared.content;
  if (!content || Object.keys(content).length === 0) {
    if (body.length > 0) problems.push(`${what}: the spec declares no body, got ${body.length} bytes: ${excerpt(body)}`);
    return problems;
  }
  if (body.length === 0) {
    problems.push(`${what}: empty body, the spec declares ${Object.keys(content).join(', ')}`);
    return problems;
  }
  const contentType = headerValue(response.headers, 'Content-Type');
  const media = mediaTypeOf(contentType);
  const key = Object.keys(content).find((k) => mediaMatches(k, media));
  if (!key) {
    problems.push(`${what}: Content-Type '${contentType ?? '(none)'}' is not among ${Object.keys(content).join(', ')}`);
    return problems;
  }
  if (isJsonMedia(media)) {
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      problems.push(`${what}: body is not JSON (${error.message}): ${excerpt(body)}`);
      return problems;
    }
    if (content[key].schema) {
      const errors = spec.check(content[key].schema, parsed, `${what}: body`);
      if (errors.length > 0) problems.push(...errors, `${what}: the body was ${excerpt(body)}`);
    }
  }
  return problems;
}

function statusEntry(responses, status) {
  const exact = responses[String(status)];
  if (exact) return exact;
  return responses[`${String(status)[0]}XX`] ?? responses[`${String(status)[0]}xx`];
}

function securityRequiresBearer(spec, operation) {
  const requirements = operation.security ?? spec.document.security ?? [];
  if (requirements.length === 0) return false;
  // Anonymous access is allowed when one alternative is the empty requirement {}.
  return !requirements.some((r) => Object.keys(r).length === 0);
}

function checkRequest(spec, operation, pathItem, resolved, query, request, what) {
  const problems = [];
  const parameters = [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])]
    .map((p) => deref(spec.document, p));
  for (const parameter of parameters) {
    let value;
    if (parameter.in === 'path') value = resolved.params[parameter.name];
    else if (parameter.in === 'query') value = query.has(parameter.name) ? query.get(parameter.name) : undefined;
    else continue;  // header parameters: the server replaces an unacceptable X-Request-ID
    if (value === undefined) {
      if (parameter.required) problems.push(`${what}: required ${parameter.in} parameter ${parameter.name} is missing`);
      continue;
    }
    if (parameter.in === 'path') value = decodeURIComponent(value);
    if (parameter.schema) {
      problems.push(...spec.check(parameter.schema, coerceScalar(spec, parameter.schema, value),
                                  `${what}: ${parameter.in} parameter ${parameter.name}`));
    }
  }
  if (securityRequiresBearer(spec, operation) &&
      !/^bearer\s+\S+/i.test(headerValue(request.headers, 'Authorization') ?? '')) {
    problems.push(`${what}: the operation requires bearerAuth but succeeded without a bearer token`);
  }
  const body = request.body ?? '';
  const requestBody = operation.requestBody ? deref(spec.document, operation.requestBody) : null;
  if (!requestBody) {
    if (body.length > 0) problems.push(`${what}: the operation takes no request body, one of ${body.length} bytes was sent`);
    return problems;
  }
  if (body.length === 0) {
    if (requestBody.required) problems.push(`${what}: the request body is required but none was sent`);
    return problems;
  }
  const contentType = headerValue(request.headers, 'Content-Type');
  const media = mediaTypeOf(contentType);
  const key = Object.keys(requestBody.content ?? {}).find((k) => mediaMatches(k, media));
  if (!key) {
    problems.push(`${what}: request Content-Type '${contentType ?? '(none)'}' is not among ` +
                  `${Object.keys(requestBody.content ?? {}).join(', ')}`);
    return problems;
  }
  if (isJsonMedia(media) && requestBody.content[key].schema) {
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      problems.push(`${what}: request body is not JSON (${error.message})`);
      return problems;
    }
    problems.push(...spec.check(requestBody.content[key].schema, parsed, `${what}: request body`));
  }
  return problems;
}

const PROTOCOL_RESPONSES = { 400: 'BadRequest', 413: 'PayloadTooLarge', 431: 'HeadersTooLarge' };

function checkExchange(spec, exchange) {
  const request = exchange.request;
  const response = exchange.response;
  const deliberate = exchange.deliberate ?? 'none';
  if (!response || typeof response.status !== 'number') return ['no response recorded'];
  const status = response.status;

  if (deliberate === 'malformed_http') {
    const name = PROTOCOL_RESPONSES[status];
    if (!name) {
      return [`malformed request answered ${status}; the HTTP layer documents only ` +
              `${Object.keys(PROTOCOL_RESPONSES).join(', ')}`];
    }
    return checkResponse(spec, spec.namedResponse(name), response, `response ${status}`);
  }
  if (!request || request.unparsed !== undefined) {
    return ['the bytes sent are not an HTTP request; a test that means it must mark the exchange ' +
            'as malformed_http (DeliberateExchanges)'];
  }

  const { rawPath, query } = splitTarget(request.target);
  const method = request.method.toLowerCase();
  const resolved = rawPath.startsWith('/') ? spec.resolvePath(rawPath) : null;
  const operation = resolved && HTTP_METHODS.includes(method) ? resolved.item[method] : undefined;

  if (deliberate === 'unmatched_route') {
    if (operation) return [`marked as an unmatched route, but it is the operation ${operation.operationId}`];
    if (!resolved) {
      if (status !== 404) return [`unknown path answered ${status}; the spec says 404 NOT_FOUND for any unknown path`];
      return checkResponse(spec, spec.namedResponse('NotFound'), response, 'response 404');
    }
    if (method === 'options') {
      return ['OPTIONS on a documented path is not an unmatched route (components.responses.Options)'];
    }
    if (status !== 405) return [`undocumented method on ${resolved.template} answered ${status}; the spec says 405`];
    return checkResponse(spec, spec.namedResponse('MethodNotAllowed'), response, 'response 405');
  }
  if (deliberate === 'hidden_route') {
    if (!resolved) return [`marked as a hidden route, but ${rawPath} is not a documented path (unmatched_route)`];
    if (status !== 404) return [`hidden route ${resolved.template} answered ${status}; it must be 404 NOT_FOUND`];
    return checkResponse(spec, spec.namedResponse('NotFound'), response, 'response 404');
  }
  if (deliberate !== 'none') return [`unknown deliberate kind '${deliberate}'`];

  if (!resolved) {
    return [`undocumented path ${rawPath}: no path template of the spec matches ` +
            '(a test that means it must mark the exchange as unmatched_route)'];
  }
  if (!operation) {
    if (method === 'options') {
      if (status !== 204) return [`OPTIONS on ${resolved.template} answered ${status}; the spec says 204`];
      return checkResponse(spec, spec.namedResponse('Options'), response, 'response 204');
    }
    return [`undocumented method ${request.method} on ${resolved.template} ` +
            '(a test that means it must mark the exchange as unmatched_route)'];
  }

  const responses = operation.responses ?? {};
  if ('default' in responses) return [`operation ${operation.operationId} has a 'default' response; document each status`];
  const entry = statusEntry(responses, status);
  const what = `${operation.operationId} ${status}`;
  if (!entry) {
    return [`status ${status} is not documented for ${operation.operationId} ` +
            `(documented: ${Object.keys(responses).join(', ')}); body: ${excerpt(response.body)}`];
  }
  const problems = checkResponse(spec, entry, response, what);
  if (status >= 200 && status < 300 && request.complete !== false) {
    problems.push(...checkRequest(spec, operation, resolved.item, resolved, query, request, what));
  } else if (status >= 200 && status < 300) {
    problems.push(`${what}: a success to a request that was not sent whole`);
  }
  return problems;
}

function describe(exchange) {
  const r = exchange.request;
  const line = !r ? '(no request)' : r.unparsed !== undefined
    ? `(unparsed bytes '${String(r.unparsed).slice(0, 60)}')`
    : `${r.method} ${r.target}`;
  const mark = exchange.deliberate && exchange.deliberate !== 'none' ? ` [${exchange.deliberate}]` : '';
  return `exchange ${exchange.seq ?? '?'}: ${line} -> ${exchange.response?.status ?? '?'}${mark}`;
}

// ---- main

const options = parseArguments(process.argv.slice(2));
const packages = loadPackages(options.tools);
let spec;
try {
  spec = new Spec(packages.YAML.parse(readFileSync(options.spec, 'utf8')), packages);
} catch (error) {
  console.error(`validate.mjs: cannot load the spec ${options.spec}: ${error.message}`);
  process.exit(2);
}

let checked = 0;
let failed = 0;
for (const file of options.files) {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let exchange;
    try {
      exchange = JSON.parse(line);
    } catch (error) {
      console.log(`${file}:${index + 1}: not a JSON exchange: ${error.message}`);
      ++failed;
      return;
    }
    ++checked;
    let problems;
    try {
      problems = checkExchange(spec, exchange);
    } catch (error) {
      problems = [`validator error: ${error.message}`];
    }
    if (problems.length > 0) {
      ++failed;
      console.log(`VIOLATION ${describe(exchange)}`);
      for (const problem of problems) console.log(`  - ${problem}`);
    }
  });
}
if (checked === 0) {
  console.log('conformance: no exchange to check: a recording that lost its exchanges must not pass');
  process.exit(1);
}
console.log(`conformance: ${checked} exchange(s) checked against ${options.spec}: ` +
            (failed === 0 ? 'all conform' : `${failed} violation(s)`));
process.exit(failed === 0 ? 0 : 1);
