// The official Cedar engine as an oracle for differential tests: one JSON case per stdin line, one JSON answer
// per stdout line (a case is either requests to authorize or {"validate": {schema, policies}}).
// Usage: node cedar-oracle.js <cedar-wasm nodejs dir>
'use strict';
const readline = require('readline');
const cedar = require(process.argv[2]);
const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on('line', line => {
  const test = JSON.parse(line);
  if (test.validate) {
    // Strict validation of a policy set against a schema: the ids of the policies with errors.
    const r = cedar.validate({ schema: test.validate.schema, policies: { staticPolicies: test.validate.policies }, validationSettings: { mode: 'strict' } });
    const answer = r.type === 'success'
      ? { invalid: [...new Set(r.validationErrors.map(e => e.policyId))] }
      : { failure: r.errors.map(e => e.message).join('; ') };
    process.stdout.write(JSON.stringify(answer) + '\n');
    return;
  }
  const answers = [];
  let parseError = null;
  for (const request of test.requests) {
    const call = {
      principal: request.principal,
      action: request.action,
      resource: request.resource,
      context: request.context,
      policies: { staticPolicies: test.policies },
      entities: test.entities,
    };
    let answer;
    try {
      answer = cedar.isAuthorized(call);
    } catch (e) {
      answers.push({ failure: String(e) });
      continue;
    }
    if (answer.type !== 'success') {
      const message = answer.errors.map(e => e.message).join('; ');
      if (message.includes('failed to parse policies')) {
        parseError = message;
        break;
      }
      answers.push({ failure: message });
      continue;
    }
    answers.push({
      decision: answer.response.decision,
      reasons: answer.response.diagnostics.reason,
      errors: answer.response.diagnostics.errors.map(e => e.policyId),
      messages: answer.response.diagnostics.errors.map(e => e.error.message),
    });
  }
  process.stdout.write(JSON.stringify(parseError !== null ? { parseError } : { answers }) + '\n');
});
