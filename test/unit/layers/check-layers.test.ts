import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../../src/paths.js';

const checker = join(projectRoot, 'scripts', 'check-layers.mjs');

function check(args: string[]): { status: number | null; lines: string[] } {
  const run = spawnSync(process.execPath, [checker, ...args], { encoding: 'utf8' });
  return { status: run.status, lines: `${run.stdout}${run.stderr}`.trim().split('\n') };
}

/** A tree of its own: files (path → text) and a layer order, top first. */
function tree(files: Record<string, string>, layers: string[][]): string {
  const root = mkdtempSync(join(tmpdir(), 'stampede-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  mkdirSync(join(root, 'scripts'));
  writeFileSync(join(root, 'scripts', 'layers.json'), JSON.stringify({ layers }));
  return root;
}

test('src/ and workers/ keep the declared layer order and have no import cycle', () => {
  const { status, lines } = check([]);
  assert.is(lines.at(-1)?.endsWith(' 0 problem(s)'), true, lines.join('\n'));
  assert.is(status, 0);
});

test('a cycle between two files fails the check and names both files', () => {
  const root = tree(
    {
      'src/top/a.ts': "import { b } from '../low/b.js';\nexport const a = (): number => b + 1;\n",
      'src/low/b.ts': "import type { a } from '../top/a.js';\nexport const b = 1;\nexport type A = typeof a;\n",
    },
    [['src/top'], ['src/low'], ['src']],
  );
  try {
    const { status, lines } = check(['--root', root]);
    assert.is(status, 1);
    assert.ok(lines.includes('check-layers: import cycle through 2 file(s): src/low/b.ts → src/top/a.ts'), lines.join('\n'));
    assert.ok(lines.includes('check-layers: src/low/b.ts imports src/top/a.ts: src/top is a layer above it (src/low may import only layers below it)'), lines.join('\n'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an import up the order fails without any cycle, and so does one sideways on the same layer', () => {
  const root = tree(
    {
      'src/top/a.ts': 'export const a = 1;\n',
      'src/mid/m.ts': "export { a } from '../top/a.js';\n",
      'src/left/l.ts': "import { r } from '../right/r.js';\nexport const l = r;\n",
      'src/right/r.ts': 'export const r = 2;\n',
    },
    [['src/top'], ['src/mid'], ['src/left', 'src/right'], ['src']],
  );
  try {
    const { status, lines } = check(['--root', root]);
    assert.is(status, 1);
    assert.ok(lines.some((line) => line.startsWith('check-layers: src/mid/m.ts imports src/top/a.ts: src/top is a layer above it')), lines.join('\n'));
    assert.ok(lines.some((line) => line.startsWith('check-layers: src/left/l.ts imports src/right/r.ts: src/right is a group beside it on the same layer')), lines.join('\n'));
    assert.not.ok(lines.some((line) => line.includes('cycle')), lines.join('\n'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a file in a folder no layer names is reported, and imports down the order pass', () => {
  const root = tree(
    {
      'src/top/a.ts': "import { b } from '../low/b.js';\nimport { e } from '../errors.js';\nexport const a = b + e;\n",
      'src/low/b.ts': 'export const b = 1;\n',
      'src/errors.ts': 'export const e = 0;\n',
      'src/stray/s.ts': 'export const s = 0;\n',
    },
    [['src/top'], ['src/low'], ['src']],
  );
  try {
    const { status, lines } = check(['--root', root]);
    assert.is(status, 1);
    assert.equal(lines, ['check-layers: src/stray/s.ts: its folder is in no layer of scripts/layers.json; add it there', 'check-layers: 4 files, 1 problem(s)']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
