// Bundles the browser client and the team page into the edge's src/EdgeGateway/wwwroot/js/ (run by
// `npm run build`, and by the EdgeGateway build through the BuildWebClient target of EdgeGateway.csproj).
//   realtime-client.js  the client, an ES module with @microsoft/signalr bundled in
//   team.js             the page script; imports ./realtime-client.js, not a copy of it
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";

const outdir = fileURLToPath(new URL("../../src/EdgeGateway/wwwroot/js/", import.meta.url));

/** The page imports the client bundle beside it at run time. */
const clientIsExternal = {
  name: "client-is-external",
  setup(build) {
    build.onResolve({ filter: /^\.\/realtime-client\.js$/ }, (args) =>
      args.importer.endsWith("team.js") ? { path: args.path, external: true } : undefined);
  },
};

await esbuild.build({
  entryPoints: ["src/realtime-client.js", "src/team.js"],
  outdir,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2020"],
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  plugins: [clientIsExternal],
  logLevel: "warning",
});
