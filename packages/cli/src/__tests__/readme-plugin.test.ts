import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

// The root README's plugin example must be the fixture that third-plugin.test.ts
// runs through the CLI and tsc typechecks, so the README cannot drift from working code.
const readme = readFileSync(new URL("../../../../README.md", import.meta.url), "utf8");
const fixture = readFileSync(new URL("./fixtures/letters-plugin.ts", import.meta.url), "utf8");

/** The first ```ts block after the heading `title`. */
function codeBlockAfter(markdown: string, title: string): string | undefined {
  const section = markdown.split(/^## /m).find((s) => s.startsWith(`${title}\n`));
  return section ? /```ts\n([\s\S]*?)```/.exec(section)?.[1] : undefined;
}

describe("README: Writing a plugin", () => {
  it("should show the letters plugin exactly as the tested fixture holds it", () => {
    const snippet = codeBlockAfter(readme, "Writing a plugin");
    expect(snippet, "no ```ts block under '## Writing a plugin'").toBeDefined();
    expect(snippet).toBe(fixture);
  });

  it("should name every member of the plugin contract the fixture implements", () => {
    const section = readme.split(/^## /m).find((s) => s.startsWith("Writing a plugin\n")) ?? "";
    const table = section.slice(0, section.indexOf("```ts"));
    const members = [...fixture.matchAll(/^ {2}(?:async )?(\w+)[:(]/gm)].map((m) => m[1]);
    expect(members.length).toBeGreaterThan(10);
    for (const member of new Set(members)) expect(table).toContain(`\`${member}`);
  });
});
