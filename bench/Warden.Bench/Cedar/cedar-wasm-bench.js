// Times cedar-wasm's preparsed statefulIsAuthorized on a scenario written by the C# bench program.
// Usage: node cedar-wasm-bench.js <cedar-wasm nodejs dir> <scenario.json>
// Prints one JSON line: {"decision", "medianMicroseconds", "batches", "perBatch", "version"}.
'use strict';
const fs = require('fs');
const cedar = require(process.argv[2]);
const scenario = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));

const loaded = cedar.preparsePolicySet('bench', { staticPolicies: scenario.policies });
if (loaded.type !== 'success') {
  throw new Error('cedar-wasm could not parse the policies: ' + JSON.stringify(loaded.errors));
}

const call = {
  principal: scenario.principal,
  action: scenario.action,
  resource: scenario.resource,
  context: scenario.context,
  preparsedPolicySetId: 'bench',
  entities: scenario.entities,
};

function once() {
  const answer = cedar.statefulIsAuthorized(call);
  if (answer.type !== 'success') {
    throw new Error('cedar-wasm failed: ' + JSON.stringify(answer.errors));
  }
  return answer.response;
}

const first = once();
for (let i = 0; i < 2000; i++) once();

const batches = 25;
const perBatch = 400;
const times = [];
for (let b = 0; b < batches; b++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < perBatch; i++) once();
  const elapsed = Number(process.hrtime.bigint() - start);
  times.push(elapsed / perBatch / 1000);
}
times.sort((a, b) => a - b);
const median = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
console.log(JSON.stringify({
  decision: first.decision,
  reasons: first.diagnostics.reason,
  errors: first.diagnostics.errors.map(e => e.policyId),
  medianMicroseconds: median,
  batches,
  perBatch,
  version: cedar.getCedarVersion(),
}));
