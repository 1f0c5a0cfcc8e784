#!/usr/bin/env node
// The layering check: every relative import in src/ and workers/ must run down the order written in
// scripts/layers.json (or inside one folder group), and no two files may import each other through
// any chain. Reads the TypeScript sources as text, so it needs no build. Exit 0 clean, 1 on any
// violation (one line each), 2 on bad arguments.
//   node scripts/check-layers.mjs [--root DIR] [--layers FILE]
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const scriptDir = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const options = { root: resolve(scriptDir, '..'), layers: undefined };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined || !['--root', '--layers'].includes(flag)) {
      console.error(`check-layers: usage: check-layers.mjs [--root DIR] [--layers FILE] (got '${flag}')`);
      process.exit(2);
    }
    options[flag.slice(2)] = resolve(value);
  }
  options.layers ??= join(options.root, 'scripts', 'layers.json');
  return options;
}

function listSources(root, folder) {
  const out = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(join(root, folder));
  return out;
}

// Static imports and re-exports (one line or the closing line of a multi-line one), side-effect
// imports, and import() with a literal: the forms this code base uses. Type-only imports count: a
// type that runs upward is a design that runs upward.
const kImportPatterns = [/^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]/, /^\s*\}[^'"]*\bfrom\s+['"]([^'"]+)['"]/, /^\s*import\s+['"]([^'"]+)['"]/, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/];

export function importsOf(text) {
  const specifiers = [];
  for (const line of text.split('\n')) {
    for (const pattern of kImportPatterns) {
      const match = pattern.exec(line);
      if (match) {
        specifiers.push(match[1]);
        break;
      }
    }
  }
  return specifiers.filter((specifier) => specifier.startsWith('.'));
}

/** The group a file belongs to: the longest group that holds its folder; a group that holds other groups holds only its own files. */
function groupOf(file, groups) {
  const dir = dirname(file);
  let best;
  for (const group of groups) {
    if ((dir === group || dir.startsWith(`${group}/`)) && (best === undefined || group.length > best.length)) best = group;
  }
  if (best === undefined) return undefined;
  const holdsOthers = groups.some((other) => other !== best && other.startsWith(`${best}/`));
  return holdsOthers && dir !== best ? undefined : best;
}

/** Strongly connected components of more than one file (or a file importing itself): Tarjan, iterative. */
function cyclesOf(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const cycles = [];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node, next] = frame;
      const edges = graph.get(node) ?? [];
      if (next < edges.length) {
        frame[1] += 1;
        const to = edges[next];
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push([to, 0]);
        } else if (onStack.has(to)) low.set(node, Math.min(low.get(node), index.get(to)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) === index.get(node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        if (component.length > 1 || edges.includes(node)) cycles.push(component.sort());
      }
    }
  }
  return cycles;
}

export function checkLayers(root, layersFile) {
  const { layers } = JSON.parse(readFileSync(layersFile, 'utf8'));
  const rank = new Map();
  layers.forEach((line, at) => line.forEach((group) => rank.set(group, at)));
  const groups = [...rank.keys()];
  const tops = [...new Set(groups.map((group) => group.split('/')[0]))];
  const files = tops.flatMap((top) => listSources(root, top));
  const problems = [];
  const graph = new Map();
  for (const file of files) {
    const from = groupOf(file, groups);
    if (from === undefined) problems.push(`${file}: its folder is in no layer of ${relative(root, layersFile)}; add it there`);
    const targets = [];
    for (const specifier of importsOf(readFileSync(join(root, file), 'utf8'))) {
      const target = join(dirname(file), specifier.replace(/\.js$/, '.ts')).split(sep).join('/');
      if (!existsSync(join(root, target))) continue; // not a source file of ours (a .json, say): tsc checks it exists
      targets.push(target);
      const to = groupOf(target, groups);
      if (from === undefined || to === undefined || from === to) continue;
      if (rank.get(to) <= rank.get(from)) {
        const how = rank.get(to) === rank.get(from) ? 'a group beside it on the same layer' : 'a layer above it';
        problems.push(`${file} imports ${target}: ${to} is ${how} (${from} may import only layers below it)`);
      }
    }
    graph.set(file, targets);
  }
  for (const cycle of cyclesOf(graph)) problems.push(`import cycle through ${cycle.length} file(s): ${cycle.join(' → ')}`);
  return { files: files.length, problems };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(options.layers)) {
    console.error(`check-layers: no layer file at ${options.layers}`);
    process.exit(2);
  }
  const { files, problems } = checkLayers(options.root, options.layers);
  for (const problem of problems) console.log(`check-layers: ${problem}`);
  console.log(`check-layers: ${files} files, ${problems.length} problem(s)`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}
