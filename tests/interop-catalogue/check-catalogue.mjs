// Independent check of FlexRegistry's public catalogue with jsonld.js: expand it, compact it again under a context of
// our own, and report what a JSON-LD consumer sees (node types, property IRIs). Remote contexts are refused: the
// catalogue's context is inline, so a processor needs nothing from the network.
// Usage: node check-catalogue.mjs FILE   (prints one JSON object; exit 1 with the error on failure)
import { readFileSync } from 'node:fs';
import jsonld from 'jsonld';

const documentLoader = async (url) => { throw new Error(`remote context requested: ${url}`); };

try {
  const doc = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const expanded = await jsonld.expand(doc, { documentLoader, safe: true });
  const types = {};
  const properties = new Set();
  const byType = (t) => expanded.filter((n) => (n['@type'] || []).includes(t)).map((n) => n['@id']);
  for (const node of expanded) {
    for (const t of node['@type'] || []) types[t] = (types[t] || 0) + 1;
    for (const key of Object.keys(node)) if (!key.startsWith('@')) properties.add(key);
  }
  const compacted = await jsonld.compact(expanded, {
    schema: 'https://schema.org/', dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/',
  }, { documentLoader, safe: true });
  const graph = compacted['@graph'] || [compacted];
  const organisations = graph.filter((n) => n['@type'] === 'schema:Organization');
  const legalNames = Object.fromEntries(organisations.map((n) => [n['schema:identifier'], n['schema:legalName']]));
  const catalog = graph.find((n) => n['@type'] === 'dcat:Catalog');
  console.log(JSON.stringify({
    types,
    properties: [...properties].sort(),
    catalogs: byType('http://www.w3.org/ns/dcat#Catalog'),
    datasets: byType('http://www.w3.org/ns/dcat#Dataset'),
    organizations: byType('https://schema.org/Organization'),
    services: byType('https://schema.org/Service'),
    legalNames,
    catalogDatasets: [].concat(catalog?.['dcat:dataset'] || []).map((d) => d['@id']),
  }));
} catch (e) {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
}
