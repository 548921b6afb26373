// validate.js - runs validators moat did not write over moat's output, for
// tests/e2e/test_sbom.py. Prints one JSON object: {"<file>": null | [errors]}.
//
//   node validate.js NODE_MODULES cyclonedx FILE...  CycloneDX 1.5 (schemas of
//        @cyclonedx/cyclonedx-library: bom-1.5 + spdx + jsf), ajv's strict mode
//        (its default: unknown keywords and formats are errors), all errors,
//        formats from ajv-formats and ajv-formats-draft2019 (idn-email)
//   node validate.js NODE_MODULES spdx SCHEMA FILE...    SPDX 2.3 (draft-07)
//   node validate.js NODE_MODULES report SCHEMA FILE...  moat's report schema
//        (draft 2020-12)
//   node validate.js NODE_MODULES expr FILE              FILE: JSON array of
//        strings; prints {"<string>": true | "<parse error>"} from
//        spdx-expression-parse
"use strict";
const fs = require("fs");
const path = require("path");

const [mods, mode, ...rest] = process.argv.slice(2);
const need = (name) => require(path.join(mods, name));
const read = (f) => JSON.parse(fs.readFileSync(f, "utf-8"));

function addFormats(ajv) {
  need("ajv-formats")(ajv);
  need("ajv-formats-draft2019")(ajv, { formats: ["idn-email", "iri-reference"] });
}

function check(validate, files) {
  const out = {};
  for (const f of files) {
    out[f] = validate(read(f)) ? null : validate.errors;
  }
  return out;
}

let result;
if (mode === "cyclonedx") {
  const Ajv = need("ajv");
  const dir = path.join(mods, "@cyclonedx", "cyclonedx-library", "res", "schema");
  const schemas = {
    "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json": read(path.join(dir, "spdx.SNAPSHOT.schema.json")),
    "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json": read(path.join(dir, "jsf-0.82.SNAPSHOT.schema.json")),
  };
  const ajv = new Ajv({ allErrors: true, schemas,
                        loadSchema: (uri) => { throw new Error("remote schema " + uri); } });
  addFormats(ajv);
  // "meta:enum" documents enum values; declared as an annotation keyword so
  // that strict mode (unknown keywords are errors) can stay on
  ajv.addKeyword("meta:enum");
  result = check(ajv.compile(read(path.join(dir, "bom-1.5.SNAPSHOT.schema.json"))), rest);
} else if (mode === "spdx" || mode === "report") {
  const Ajv = mode === "report" ? need("ajv/dist/2020") : need("ajv");
  const ajv = new Ajv({ allErrors: true });
  addFormats(ajv);
  result = check(ajv.compile(read(rest[0])), rest.slice(1));
} else if (mode === "expr") {
  const parse = need("spdx-expression-parse");
  result = {};
  for (const s of read(rest[0])) {
    try {
      parse(s);
      result[s] = true;
    } catch (e) {
      result[s] = String(e.message || e);
    }
  }
} else {
  console.error("usage: validate.js NODE_MODULES cyclonedx|spdx|report|expr ...");
  process.exit(2);
}
process.stdout.write(JSON.stringify(result, null, 1) + "\n");
