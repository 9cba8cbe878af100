// Builds GOV.UK Frontend into the service's wwwroot: compiles app.scss (GOV.UK Frontend's Sass with the service's
// settings) and copies GOV.UK Frontend's JavaScript and images. The output is checked in, so `dotnet run` needs no
// Node.js; a test rebuilds it and fails if the checked-in files differ (run `npm ci && npm run build` here to update).
import { mkdirSync, copyFileSync, writeFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? join(here, "..", "wwwroot");
const govuk = join(here, "node_modules", "govuk-frontend", "dist", "govuk");

const css = sass.compile(join(here, "app.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter(here)],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
mkdirSync(join(out, "css"), { recursive: true });
writeFileSync(join(out, "css", "app.css"), css.css + "\n");

mkdirSync(join(out, "js"), { recursive: true });
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "js", "govuk-frontend.min.js"));

mkdirSync(join(out, "assets", "images"), { recursive: true });
for (const image of readdirSync(join(govuk, "assets", "images")))
  copyFileSync(join(govuk, "assets", "images", image), join(out, "assets", "images", image));
copyFileSync(join(govuk, "assets", "manifest.json"), join(out, "assets", "manifest.json"));
