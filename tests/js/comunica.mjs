// Ask a SPARQL endpoint with Comunica: node comunica.mjs ENDPOINT QUERY. Prints each solution as a JSON line,
// every term with its type, value, language and datatype; a CONSTRUCT's triples as {subject, predicate, object}.
import { QueryEngine } from '@comunica/query-sparql';

const [endpoint, query] = process.argv.slice(2);
const engine = new QueryEngine();
const context = { sources: [{ type: 'sparql', value: endpoint }] };
const term = (t) => ({ termType: t.termType, value: t.value, language: t.language ?? '', datatype: t.datatype?.value ?? '' });
const result = await engine.query(query, context);
if (result.resultType === 'bindings') {
  for (const bindings of await (await result.execute()).toArray()) {
    console.log(JSON.stringify(Object.fromEntries([...bindings].map(([variable, t]) => [variable.value, term(t)]))));
  }
} else if (result.resultType === 'quads') {
  for (const quad of await (await result.execute()).toArray()) {
    console.log(JSON.stringify({ subject: term(quad.subject), predicate: term(quad.predicate), object: term(quad.object) }));
  }
} else {
  console.log(JSON.stringify({ boolean: await result.execute() }));
}
