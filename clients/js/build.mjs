// Bundles the package and the team page into the edge's src/EdgeGateway/wwwroot/js/ (run by
// `npm run build` after tsc, and by the EdgeGateway build through the BuildWebClient target of
// EdgeGateway.csproj).
//   realtime-client.js  the package (src/index.ts), an ES module with @microsoft/signalr bundled in;
//                       MessagePack, loaded only by a client that asks for it, is a chunk beside it
//   team.js             the page script; its `@realtime-orleans/client` import is ./realtime-client.js
//                       at run time, the package itself, not a copy of it
import * as esbuild from "esbuild";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const outdir = fileURLToPath(new URL("../../src/EdgeGateway/wwwroot/js/", import.meta.url));
// Chunk names carry a content hash: the ones of an earlier build would stay behind and be served.
rmSync(new URL("chunks/", `file://${outdir}`), { recursive: true, force: true });

const common = {
  outdir,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
};

await esbuild.build({
  ...common,
  entryPoints: { "realtime-client": "src/index.ts" },
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
});

/** The page imports the package's bundle beside it at run time. */
const packageIsExternal = {
  name: "package-is-external",
  setup(build) {
    build.onResolve({ filter: /^@realtime-orleans\/client$/ }, () => ({ path: "./realtime-client.js", external: true }));
  },
};

await esbuild.build({
  ...common,
  entryPoints: ["src/team.js"],
  plugins: [packageIsExternal],
});
