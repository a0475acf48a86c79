// src/ must run unchanged on Deno, Node, Bun and workerd: web APIs only. Code for one
// runtime is allowed only in files fenced by name (`*_deno.ts`, `*_node.ts`, `*_bun.ts`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const SRC = new URL("../src/", import.meta.url).pathname;
const FENCED = /_(deno|node|bun)\.ts$/;
const RUNTIME_SPECIFIC: [RegExp, string][] = [
  [/\bDeno\./, "Deno namespace"],
  [/\bBun\./, "Bun namespace"],
  [/\bfrom\s+["']node:|\bimport\(\s*["']node:/, "node: import"],
  [/\bprocess\.|\bprocess\b(?=\s*[?.[])/, "process global"],
  [/\bBuffer\b/, "Buffer"],
  [/\brequire\(/, "require()"],
  [/\b__dirname\b|\b__filename\b/, "CommonJS path globals"],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Code lines only: JSDoc and comments may show how callers use their runtime. */
function codeLines(text: string): [number, string][] {
  return text.split("\n").map((line, index) => [index + 1, line] as [number, string])
    .filter(([, line]) => !/^\s*(\/\/|\*|\/\*)/.test(line));
}

test("src/ uses only web APIs outside runtime-fenced files", () => {
  const files = sourceFiles(SRC).filter((path) => !FENCED.test(path));
  assert.ok(files.length >= 10, `expected the source tree under ${SRC}, found ${files.length}`);
  const offences: string[] = [];
  for (const path of files) {
    for (const [line, code] of codeLines(readFileSync(path, "utf8"))) {
      for (const [pattern, what] of RUNTIME_SPECIFIC) {
        if (pattern.test(code)) {
          offences.push(`${path.slice(SRC.length)}:${line}: ${what}: ${code.trim()}`);
        }
      }
    }
  }
  assert.deepEqual(offences, []);
});

test("the runtime check catches a runtime-specific line", () => {
  const sample = 'const home = Deno.env.get("HOME");\n// Deno.exit() in a comment is fine';
  const hits = codeLines(sample).filter(([, code]) =>
    RUNTIME_SPECIFIC.some(([pattern]) => pattern.test(code))
  );
  assert.deepEqual(hits.map(([line]) => line), [1]);
});
