// An independent verifier of FlexRegistry's audit log, written from RFC 9162 (sections 2.1.3.2 and 2.1.4.2) and
// docs/audit.md only, with Node.js's built-in crypto: no FlexRegistry code, no npm packages.
//
//   node verify-audit.mjs INPUT.json
//
// INPUT holds what a participant fetched from a running register: the JWKS (/.well-known/jwks), signed tree heads,
// inclusion proofs of its records (with the records as listed) and a consistency proof between two heads. Every real
// proof must verify; every tampered copy (a changed leaf, a changed path, another root, a changed signature) must fail.
// Prints "verified N, rejected M, failures F" and exits non-zero when F > 0.
import { createHash, createPublicKey, verify, constants } from 'node:crypto';
import { readFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const b64 = (s) => Buffer.from(s, 'base64');
const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafHash = (data) => sha256(Buffer.from([0]), data);
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);

function headIsSigned(head) {
  const jwk = input.jwks.keys.find((k) => k.kid === head.keyId);
  if (!jwk) return false;
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const signed = Buffer.from(`flexregistry.audit.tree-head.v1\n${head.treeSize}\n${head.rootHash}\n${head.timestamp}\n`, 'utf8');
  return verify('sha256', signed, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, b64(head.signature));
}

// RFC 9162 2.1.3.2: the root an inclusion path leads to, or null when the path does not fit the tree.
function rootFromInclusion(leafIndex, treeSize, hash, path) {
  if (leafIndex >= treeSize) return null;
  let fn = BigInt(leafIndex), sn = BigInt(treeSize) - 1n, r = hash;
  for (const p of path) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

// RFC 9162 2.1.4.2.
function consistent(first, second, firstHash, secondHash, proof) {
  if (first === second) return proof.length === 0 && firstHash.equals(secondHash);
  if (proof.length === 0 || first > second || first < 1) return false;
  let path = proof;
  if ((BigInt(first) & (BigInt(first) - 1n)) === 0n) path = [firstHash, ...proof];
  let fn = BigInt(first) - 1n, sn = BigInt(second) - 1n;
  while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0n;
}

// The leaf data is the canonical JSON array of docs/audit.md; it must say what the listing said about the record.
function leafDescribes(data, record) {
  const leaf = JSON.parse(data.toString('utf8'));
  return leaf[0] === 'flexregistry.audit.v1' && leaf[1] === Date.parse(record.occurredAt) && leaf[2] === record.actorParticipantId
    && leaf[3] === record.actorClientId && leaf[4] === record.action && leaf[5] === record.resourceType
    && JSON.stringify(leaf[6]) === JSON.stringify(record.resourceIds) && leaf[6][0] === record.resourceId
    && leaf[7] === record.subjectParticipantId && JSON.stringify(leaf[8]) === JSON.stringify(record.fields) && leaf[9] === record.outcome;
}

function inclusionHolds(proof, record, head, data = b64(proof.leafData), path = proof.auditPath.map(b64)) {
  const hash = leafHash(data);
  if (!hash.equals(b64(proof.leafHash)) || !leafDescribes(data, record)) return false;
  const root = rootFromInclusion(proof.leafIndex, proof.treeSize, hash, path);
  return root !== null && head.treeSize === proof.treeSize && root.equals(b64(head.rootHash)) && headIsSigned(head);
}

let verified = 0, rejected = 0;
const failures = [];
const expect = (ok, what) => (ok ? verified++ : failures.push(`${what} did not verify`));
const refuse = (ok, what) => (ok ? failures.push(`${what} verified although tampered`) : rejected++);
const flip = (buffer) => { const copy = Buffer.from(buffer); copy[copy.length - 1] ^= 1; return copy; };

for (const head of input.heads) expect(headIsSigned(head), `tree head ${head.treeSize}`);
for (const { proof, record } of input.inclusions) {
  const head = proof.treeHead;
  expect(inclusionHolds(proof, record, head), `inclusion of leaf ${proof.leafIndex} in ${proof.treeSize}`);
  refuse(inclusionHolds(proof, record, head, flip(b64(proof.leafData))), `leaf ${proof.leafIndex} with changed data`);
  if (proof.auditPath.length > 0)
    refuse(inclusionHolds(proof, record, head, b64(proof.leafData), [flip(b64(proof.auditPath[0])), ...proof.auditPath.slice(1).map(b64)]), `leaf ${proof.leafIndex} with a changed path`);
  refuse(inclusionHolds(proof, { ...record, actorClientId: 'someone-else' }, head), `leaf ${proof.leafIndex} read as another record`);
  refuse(inclusionHolds(proof, record, { ...head, rootHash: flip(b64(head.rootHash)).toString('base64') }), `leaf ${proof.leafIndex} under another root`);
  refuse(headIsSigned({ ...head, signature: flip(b64(head.signature)).toString('base64') }), `tree head ${head.treeSize} with a changed signature`);
}
const { first, second, proof } = input.consistency;
const [older, newer] = [input.heads.find((h) => h.treeSize === first), input.heads.find((h) => h.treeSize === second)];
const holds = (path, firstRoot = b64(older.rootHash)) => headIsSigned(older) && headIsSigned(newer) && consistent(first, second, firstRoot, b64(newer.rootHash), path);
expect(holds(proof.map(b64)), `consistency ${first} -> ${second}`);
refuse(holds(proof.map(b64), flip(b64(older.rootHash))), `consistency from another first root`);
refuse(holds([flip(b64(proof[0])), ...proof.slice(1).map(b64)]), `consistency with a changed proof`);

console.log(`verified ${verified}, rejected ${rejected}, failures ${failures.length}`);
for (const f of failures) console.log(`FAILURE: ${f}`);
process.exit(failures.length > 0 ? 1 : 0);
