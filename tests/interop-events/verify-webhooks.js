// Independent check of FlexRegistry's webhook signatures with the Standard Webhooks reference library.
// Usage: node verify-webhooks.js deliveries.json
//   deliveries.json: { "deliveries": [{ "secret", "id", "timestamp", "signature", "body" }], "stale": { same shape } }
// Every real delivery must verify; a tampered body, a wrong secret and a stale (but correctly signed) timestamp
// must be rejected. Prints one line per check and exits non-zero if any check fails.
"use strict";
const fs = require("fs");
const { Webhook, WebhookVerificationError } = require("standardwebhooks");

const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let failures = 0;
let verified = 0;
let rejected = 0;

function headers(d) {
  return { "webhook-id": d.id, "webhook-timestamp": d.timestamp, "webhook-signature": d.signature };
}

function expectAccept(name, secret, d) {
  try {
    const payload = new Webhook(secret).verify(d.body, headers(d));
    if (payload.id !== d.id) throw new Error(`payload id ${payload.id} is not webhook-id ${d.id}`);
    verified++;
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.message}`);
  }
}

function expectReject(name, secret, d, messagePart) {
  try {
    new Webhook(secret).verify(d.body, headers(d));
    failures++;
    console.log(`FAIL ${name}: accepted but should have been rejected`);
  } catch (e) {
    if (!(e instanceof WebhookVerificationError) || !e.message.includes(messagePart)) {
      failures++;
      console.log(`FAIL ${name}: rejected for the wrong reason: ${e.message}`);
    } else {
      rejected++;
    }
  }
}

if (!input.deliveries || input.deliveries.length === 0) {
  console.log("FAIL no deliveries to check");
  process.exit(1);
}
const otherSecret = "whsec_" + Buffer.alloc(32, 7).toString("base64");
for (const d of input.deliveries) {
  expectAccept(`delivery ${d.id}`, d.secret, d);
  expectReject(`tampered body ${d.id}`, d.secret, { ...d, body: d.body.replace(/"subject":"/, '"subject":"X') }, "No matching signature");
  expectReject(`wrong secret ${d.id}`, otherSecret, d, "No matching signature");
}
expectReject("stale timestamp", input.stale.secret, input.stale, "too old");

console.log(`verified ${verified}, rejected ${rejected}, failures ${failures}`);
process.exit(failures === 0 ? 0 : 1);
