/**
 * Validation in the editor: the CLI's own parsing and validation (`parseDocument` and
 * `normalizeScenario` from src/scenario, which the CLI's `parseScenario` wraps), so the editor
 * shows exactly the problems `lbsim validate` prints, each placed at its line:
 * `backends[2].service.mean: expected a positive duration, got -1` (the CLI's message with the
 * file name left out).
 */
import { InputError, type InputProblem } from '../../../src/input/errors.js';
import { normalizeScenario } from '../../../src/scenario/normalize.js';
import { parseDocument } from '../../../src/scenario/parse-document.js';
import type { Scenario } from '../../../src/scenario/types.js';
import { parsePath, rangeOfPath, yamlTree } from './yaml-paths.js';

/** One problem, placed in the text. */
export interface Problem {
  from: number;
  to: number;
  /** 1-based line of `from`. */
  line: number;
  /** The CLI's field path (`backends[0].count`), or `line L, column C` for a YAML syntax error, or empty. */
  path: string;
  message: string;
  /** The line as the page lists it: `path: message`. */
  text: string;
}

/** The result of checking a scenario text. */
export interface Checked {
  problems: Problem[];
  /** The normalized scenario when there are no problems. */
  scenario: Scenario | null;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineOf(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Places the CLI's problems in `text`. */
export function placeProblems(text: string, problems: readonly InputProblem[]): Problem[] {
  const starts = lineStarts(text);
  let tree: ReturnType<typeof yamlTree> | undefined;
  return problems.map((p) => {
    let from = 0;
    let to = 0;
    const syntax = /^line (\d+), column (\d+)$/.exec(p.path);
    if (syntax) {
      const start = starts[Math.min(Number(syntax[1]), starts.length) - 1] ?? 0;
      from = Math.min(text.length, start + Number(syntax[2]) - 1);
      const eol = text.indexOf('\n', from);
      to = eol < 0 ? text.length : eol;
    } else if (p.path !== '') {
      tree ??= yamlTree(text);
      const r = rangeOfPath(tree, parsePath(p.path), p.message.startsWith('unknown key'));
      from = r.from;
      to = r.to;
    } else {
      const eol = text.indexOf('\n');
      to = eol < 0 ? text.length : eol;
    }
    return { from, to, line: lineOf(starts, from), path: p.path, message: p.message, text: p.path ? `${p.path}: ${p.message}` : p.message };
  });
}

/** Parses and validates `text` as the CLI does (`file` names it in messages the CLI would print). */
export function checkScenario(text: string, file: string): Checked {
  try {
    return { problems: [], scenario: normalizeScenario(parseDocument(text, file), file) };
  } catch (e) {
    if (e instanceof InputError) return { problems: placeProblems(text, e.problems), scenario: null };
    return { problems: placeProblems(text, [{ path: '', message: e instanceof Error ? e.message : String(e) }]), scenario: null };
  }
}
