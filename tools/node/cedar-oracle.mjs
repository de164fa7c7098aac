// The differential oracle: the official Cedar engine (@cedar-policy/cedar-wasm) answering batches of cases.
//
// Protocol (one long-lived process per test run; UTF-8 JSON lines both ways):
//   in : one case per line
//        {"id":"c1","op":"authorize","policies":"<cedar text>","entities":[...],"schema":null|"<cedarschema>",
//         "requests":[{"principal":{"type":"User","id":"a"},"action":{...},"resource":{...},"context":{...}}]}
//        {"id":"c2","op":"parse","policies":"<cedar text>"}
//        {"id":"c3","op":"validate","policies":"<cedar text>","schema":"<cedarschema>"}
//        {"id":"c4","op":"version"}
//   out: one line per request of an "authorize" case (in request order), one line for any other case:
//        {"id":"c1","i":0,"parsed":true,"ok":true,"decision":"allow","reasons":["policy0"],"errors":["policy2"],"messages":[...]}
//        {"id":"c1","i":1,"parsed":true,"ok":false,"failure":"<why the request/entities were refused>"}
//        {"id":"c1","i":0,"parsed":false,"failure":"<parse error>"}            (every request of a case that does not parse)
//        {"id":"c2","i":0,"parsed":true|false,"failure":...}
//        {"id":"c3","i":0,"parsed":true,"valid":false,"invalid":["policy1"],"messages":[...],
//         "noApplicableAction":["policy2"],"warnings":[...]}   (strict mode; noApplicableAction: error-free policies
//         warned that no action in the scope applies)
//        {"id":"c3","i":0,"parsed":false,"failure":"<schema or policy parse error>"}
//        {"id":"c4","i":0,"version":"4.13.0","lang":"4.5"}
//   Anything the oracle itself cannot handle (bad JSON, a wasm panic) is reported as {"id":…,"i":…,"oracleError":"…"}
//   for every expected line, so the caller never waits for a line that will not come.
//
// Integers in entities and contexts travel as JavaScript numbers, so callers keep them within ±2^53 (cedar-wasm
// rejects BigInt); policy text carries any i64.
import { createInterface } from 'node:readline';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

const out = [];
let emittedForCase = 0;
function emit(obj) {
  emittedForCase++;
  out.push(JSON.stringify(obj));
  // Batch writes: the caller reads line by line, flushing per case keeps latency low and syscalls few.
  if (out.length >= 64) flush();
}
function flush() {
  if (out.length > 0) {
    process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  }
}

function messages(errors) {
  return (errors ?? []).map((e) => e.message ?? String(e));
}

function expectedLines(c) {
  return c && c.op === 'authorize' && Array.isArray(c.requests) ? c.requests.length : 1;
}

let policySetCounter = 0;

function authorize(c) {
  const setId = 'ps' + (policySetCounter++ % 4);
  const parsed = cedar.preparsePolicySet(setId, { staticPolicies: c.policies });
  if (parsed.type !== 'success') {
    const failure = messages(parsed.errors).join('; ');
    c.requests.forEach((_, i) => emit({ id: c.id, i, parsed: false, failure }));
    return;
  }
  let schemaName;
  if (c.schema != null) {
    schemaName = 'schema';
    const s = cedar.preparseSchema(schemaName, c.schema);
    if (s.type !== 'success') {
      const failure = 'schema: ' + messages(s.errors).join('; ');
      c.requests.forEach((_, i) => emit({ id: c.id, i, parsed: true, ok: false, failure }));
      return;
    }
  }
  c.requests.forEach((r, i) => {
    const call = {
      principal: r.principal,
      action: r.action,
      resource: r.resource,
      context: r.context ?? {},
      preparsedPolicySetId: setId,
      entities: c.entities ?? [],
    };
    if (schemaName !== undefined) {
      call.preparsedSchemaName = schemaName;
      call.validateRequest = r.validateRequest ?? true;
    }
    const a = cedar.statefulIsAuthorized(call);
    if (a.type !== 'success') {
      emit({ id: c.id, i, parsed: true, ok: false, failure: messages(a.errors).join('; ') });
      return;
    }
    const d = a.response.diagnostics;
    emit({
      id: c.id,
      i,
      parsed: true,
      ok: true,
      decision: a.response.decision,
      reasons: [...d.reason].sort(),
      errors: d.errors.map((e) => e.policyId).sort(),
      messages: d.errors.map((e) => `${e.policyId}: ${e.error.message}`),
    });
  });
}

function parse(c) {
  const p = cedar.checkParsePolicySet({ staticPolicies: c.policies });
  emit(p.type === 'success'
    ? { id: c.id, i: 0, parsed: true }
    : { id: c.id, i: 0, parsed: false, failure: messages(p.errors).join('; ') });
}

const NO_APPLICABLE_ACTION = /unable to find an applicable action given the policy scope constraints/;

function validate(c) {
  const v = cedar.validate({
    schema: c.schema,
    policies: { staticPolicies: c.policies },
    validationSettings: { mode: 'strict' },
  });
  if (v.type !== 'success') {
    // The schema or the policies did not parse: nothing was validated.
    emit({ id: c.id, i: 0, parsed: false, failure: messages(v.errors).join('; ') });
    return;
  }
  const invalid = [...new Set(v.validationErrors.map((e) => e.policyId))].sort();
  const warnings = v.validationWarnings ?? [];
  emit({
    id: c.id,
    i: 0,
    parsed: true,
    valid: v.validationErrors.length === 0,
    invalid,
    messages: v.validationErrors.map((e) => `${e.policyId}: ${e.error.message}`),
    // Policies without errors that Cedar 4.13 warns no action in their scope applies to (older Cedar, like the
    // packed corpus and Warden, reports that as an error: see docs/cedar-differential.md).
    noApplicableAction: [...new Set(warnings
      .filter((w) => !invalid.includes(w.policyId) && NO_APPLICABLE_ACTION.test(w.error.message))
      .map((w) => w.policyId))].sort(),
    warnings: warnings.map((w) => `${w.policyId}: ${w.error.message}`),
  });
}

function handle(line) {
  if (line.trim() === '') return;
  emittedForCase = 0;
  let c;
  try {
    c = JSON.parse(line);
  } catch (e) {
    emit({ id: null, i: 0, oracleError: 'bad JSON line: ' + e.message });
    return;
  }
  try {
    switch (c.op) {
      case 'authorize': authorize(c); break;
      case 'parse': parse(c); break;
      case 'validate': validate(c); break;
      case 'version':
        emit({ id: c.id, i: 0, version: cedar.getCedarVersion(), lang: cedar.getCedarLangVersion() });
        break;
      default:
        emit({ id: c.id, i: 0, oracleError: 'unknown op ' + c.op });
    }
  } catch (e) {
    // A wasm panic leaves the module unusable: report it for every line the caller waits for, then stop.
    const n = expectedLines(c);
    for (let i = emittedForCase; i < n; i++) emit({ id: c.id, i, oracleError: String(e && e.message ? e.message : e) });
    flush();
    process.exit(3);
  }
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
let flushScheduled = false;
rl.on('line', (line) => {
  handle(line);
  // Flush once the lines already read are handled, so a caller talking case by case is never left waiting.
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(() => { flushScheduled = false; flush(); });
  }
});
rl.on('close', () => { flush(); });
