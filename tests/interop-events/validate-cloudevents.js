// Independent check that FlexRegistry's events are valid CloudEvents 1.0, with the CloudEvents JavaScript SDK.
// Usage: node validate-cloudevents.js events.json   (a JSON array of events as the pull feed returned them)
// Each event must construct in strict mode and validate; two deliberately broken copies must be refused, proving
// the validator is really checking. Exits non-zero if any check fails.
"use strict";
const fs = require("fs");
const { CloudEvent } = require("cloudevents");

const events = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let failures = 0;
let valid = 0;

if (!Array.isArray(events) || events.length === 0) {
  console.log("FAIL no events to check");
  process.exit(1);
}
for (const json of events) {
  try {
    const ce = new CloudEvent(json, true);
    ce.validate();
    if (ce.specversion !== "1.0") throw new Error(`specversion ${ce.specversion}`);
    if (ce.sequence !== json.sequence) throw new Error("the sequence extension was lost");
    if (ce.id !== json.id || ce.type !== json.type || ce.source !== json.source) throw new Error("attributes changed");
    valid++;
  } catch (e) {
    failures++;
    console.log(`FAIL event ${json.id}: ${e.message}${e.errors ? " " + JSON.stringify(e.errors) : ""}`);
  }
}

function mustRefuse(name, broken) {
  try {
    new CloudEvent(broken, true).validate();
    failures++;
    console.log(`FAIL ${name}: accepted`);
  } catch {
    // refused, as it should be
  }
}
const { type, ...withoutType } = events[0];
mustRefuse("event without type", withoutType);
mustRefuse("upper-case extension name", { ...events[0], Sequence_No: "1" });

console.log(`valid ${valid}, failures ${failures}`);
process.exit(failures === 0 ? 0 : 1);
