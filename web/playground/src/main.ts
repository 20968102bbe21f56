/**
 * Entry of the playground page: a scenario editor (YAML, validated as the CLI validates), a form
 * for the common knobs, the simulator in a Web Worker (the same code as `lbsim run`), and the
 * report's charts filling in as each strategy finishes. The scenario lives in the URL fragment
 * (`#s=`, compressed), so the address is a link that reproduces the run; the previous run stays
 * beside the new one for comparison. What opens first: the scenario in the fragment, else the one
 * `lbsim playground FILE` embedded, else the default preset.
 */
import './start-mark.js';
import '../../src/style.css';
import './playground.css';
import presets from 'virtual:lbsim-presets';
import schema from 'virtual:lbsim-scenario-schema';
import type { Document } from 'yaml';
import { decodeScenario, encodeScenario, FRAGMENT_KEY, fragmentPayload } from '../../../src/playground/share.js';
import { scenarioYaml } from '../../../src/playground/scenario-text.js';
import type { InputProblem } from '../../../src/input/errors.js';
import type { ResultsFile } from '../../../src/results/schema.js';
import { STRATEGIES } from '../../../src/strategies/registry.js';
import { Chart } from '../../src/charts/setup.js';
import { compareChart } from '../../src/charts/compare.js';
import { createReportView, type ChartInfo } from '../../src/report-view.js';
import { assignStrategyColours } from '../../src/palette.js';
import { checkResultsFile } from '../../src/validate.js';
import { checkScenario, placeProblems, type Problem } from './check.js';
import { change, compareRuns, COMPARE_FORMATS, scenarioChanges } from './compare.js';
import { createEditor } from './editor.js';
import { createQuickForm } from './form.js';
import { SimRunner } from './runner.js';
import { yamlTree } from './yaml-paths.js';

/** Runs estimated to simulate more requests than this ask first (a tab has limited memory and patience). */
export const CONFIRM_ABOVE_REQUESTS = 50_000_000;
/** The preset opened when nothing else is asked for (the CLI's default comparison). */
const DEFAULT_PRESET = 'homogeneous';
/**
 * Shortest time between two redraws of the charts while a run fills them in (ms): drawing takes
 * the main thread, and on a small machine the worker's core with it.
 */
const REDRAW_MS = 1000;

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`lbsim playground: #${id} missing from the page`);
  return e as T;
}

const registryNames = STRATEGIES.map((s) => s.name);
const runButton = el<HTMLButtonElement>('run');
const cancelButton = el<HTMLButtonElement>('cancel');
const progress = el<HTMLProgressElement>('progress');
const status = el('status');
const notice = el('notice');
const problemsList = el<HTMLUListElement>('problems');
const presetSelect = el<HTMLSelectElement>('preset-select');

/** Page state. */
const state = {
  /** Name used in messages (`<name>.yaml`) and for downloads. */
  name: DEFAULT_PRESET,
  problems: [] as Problem[],
  current: null as ResultsFile | null,
  previous: null as ResultsFile | null,
  /** The run in progress: its partial results file and timing. */
  run: null as { partial: ResultsFile; t0: number; requests: number } | null,
  /** Timing of the last finished run: in the worker, and from the click to the last chart. */
  lastRun: null as { workerMs: number; wallMs: number; requests: number } | null,
};

function say(text: string): void {
  status.textContent = text;
}

function showNotice(text: string | null): void {
  notice.hidden = text === null;
  notice.textContent = text ?? '';
}

// ---------------------------------------------------------------- report and comparison

const reportView = createReportView({
  pickerLabel: (_f, i) => (i === 0 ? 'this run' : 'previous run'),
});
let compareChartInstance: Chart | null = null;

function shownFiles(): ResultsFile[] {
  if (state.run && state.run.partial.results.length > 0) return [state.run.partial];
  return [state.current, state.previous].filter((f): f is ResultsFile => f !== null);
}

function renderResults(): void {
  const files = shownFiles();
  el('placeholder').hidden = files.length > 0;
  el('report').hidden = files.length === 0;
  if (files.length > 0) reportView.show(files, { colourKeys: registryNames, file: 0 });
  renderCompare();
  el<HTMLButtonElement>('download').disabled = state.current === null || state.run !== null;
}

function renderCompare(): void {
  const box = el('compare');
  const { current, previous } = state;
  compareChartInstance?.destroy();
  compareChartInstance = null;
  if (!current || !previous || state.run) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const changes = scenarioChanges(previous, current);
  const list = el<HTMLUListElement>('compare-changes');
  list.replaceChildren(
    ...(changes.length === 0 ? [{ path: '', before: '', after: '' }] : changes.slice(0, 15)).map((c) => {
      const li = document.createElement('li');
      if (c.path === '') li.textContent = 'The scenario did not change.';
      else {
        const code = document.createElement('code');
        code.textContent = c.path;
        li.append(code, `: ${c.before} → ${c.after}`);
      }
      return li;
    }),
  );
  if (changes.length > 15) {
    const li = document.createElement('li');
    li.textContent = `… and ${changes.length - 15} more changes`;
    list.append(li);
  }
  const { rows, onlyBefore, onlyNow } = compareRuns(previous, current);
  const table = el<HTMLTableElement>('compare-table');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const t of ['strategy', 'p99 (ms)', 'mean (ms)', 'throughput (req/s)', 'failed + rejected']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = t;
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    tr.dataset['strategy'] = r.strategy;
    tr.insertCell().textContent = r.strategy;
    tr.insertCell().textContent = change(r.p99[0], r.p99[1], COMPARE_FORMATS.ms);
    tr.insertCell().textContent = change(r.mean[0], r.mean[1], COMPARE_FORMATS.ms);
    tr.insertCell().textContent = change(r.throughput[0], r.throughput[1], COMPARE_FORMATS.rate);
    tr.insertCell().textContent = `${COMPARE_FORMATS.count(r.lost[0])} → ${COMPARE_FORMATS.count(r.lost[1])}`;
  }
  el('compare-only').textContent = [
    onlyNow.length > 0 ? `Only in this run: ${onlyNow.join(', ')}.` : '',
    onlyBefore.length > 0 ? `Only in the previous run: ${onlyBefore.join(', ')}.` : '',
  ]
    .filter((s) => s !== '')
    .join(' ');
  const colours = assignStrategyColours([current, previous], registryNames);
  compareChartInstance = new Chart(
    el<HTMLCanvasElement>('chart-compare'),
    compareChart(previous.results, current.results, (s) => colours.get(s) ?? '#777777') as never,
  );
}

// ---------------------------------------------------------------- editor, validation, form

function initialPreset(): { name: string; text: string } {
  return presets.find((p) => p.name === DEFAULT_PRESET) ?? presets[0] ?? { name: 'scenario', text: '' };
}

function embeddedScenario(): { name: string; text: string } | null {
  try {
    const v = JSON.parse(document.getElementById('lbsim-scenario')?.textContent ?? 'null') as unknown;
    if (v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string') {
      const o = v as { name?: unknown; text: string };
      return { name: typeof o.name === 'string' && o.name !== '' ? o.name : 'scenario', text: o.text };
    }
  } catch {
    // A damaged embedded scenario: the default preset opens instead.
  }
  return null;
}

/** The scenario's name as written in the text (for file names), else the current name. */
function nameInText(text: string): string {
  const m = /^name:\s*["']?([A-Za-z0-9_.-]+)/m.exec(text);
  return m?.[1] ?? state.name;
}

let checkTimer: ReturnType<typeof setTimeout> | undefined;
let fragmentTimer: ReturnType<typeof setTimeout> | undefined;
/** The text whose payload is in the address bar now. */
let fragmentText = '';

function scheduleCheck(): void {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(check, 150);
  runButton.disabled = true;
  clearTimeout(fragmentTimer);
  fragmentTimer = setTimeout(() => void updateFragment(), 400);
}

function renderProblems(problems: readonly Problem[]): void {
  problemsList.hidden = problems.length === 0;
  problemsList.replaceChildren(
    ...problems.map((p) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'link';
      b.textContent = `line ${p.line}`;
      b.addEventListener('click', () => editor.reveal(p.from));
      li.append(b, ` ${p.text}`);
      return li;
    }),
  );
}

function setProblems(problems: Problem[]): void {
  state.problems = problems;
  editor.setProblems(problems);
  renderProblems(problems);
  runButton.disabled = problems.length > 0 || state.run !== null;
  runButton.title = problems.length > 0 ? 'Fix the problems marked in the editor first' : 'Run (Ctrl+Enter)';
}

function check(): void {
  clearTimeout(checkTimer);
  const text = editor.text();
  const result = checkScenario(text, `${state.name}.yaml`);
  setProblems(result.problems);
  const preset = presets.find((p) => p.text === text);
  presetSelect.value = preset ? preset.name : '';
  form.update(text, result.scenario);
}

async function updateFragment(): Promise<void> {
  const text = editor.text();
  if (text === fragmentText) return;
  const payload = await encodeScenario(text);
  fragmentText = text;
  history.replaceState(null, '', `#${FRAGMENT_KEY}=${payload}`);
}

function editYaml(mutate: (doc: Document) => void): void {
  const doc = yamlTree(editor.text());
  if (doc.errors.length > 0) return;
  mutate(doc);
  editor.setText(doc.toString({ lineWidth: 0 }));
  check();
}

/** Puts a new scenario in the editor (one undoable change). */
function loadText(name: string, text: string): void {
  state.name = name;
  editor.setText(text);
  presetSelect.value = presets.some((p) => p.name === name && p.text === text) ? name : '';
  check();
}

// ---------------------------------------------------------------- running

let redrawTimer: ReturnType<typeof setTimeout> | undefined;
let lastRedraw = 0;
/** How long the last redraw took (ms): the next waits at least three times that, so the page stays responsive. */
let redrawCost = 0;

function scheduleRedraw(): void {
  if (redrawTimer !== undefined) return;
  const wait = Math.max(0, lastRedraw + Math.max(REDRAW_MS, 3 * redrawCost) - performance.now());
  redrawTimer = setTimeout(() => {
    redrawTimer = undefined;
    const t = performance.now();
    renderResults();
    lastRedraw = performance.now();
    redrawCost = lastRedraw - t;
  }, wait);
}

function setRunning(on: boolean): void {
  runButton.disabled = on || state.problems.length > 0;
  cancelButton.disabled = !on;
  progress.hidden = !on;
  document.body.dataset['running'] = String(on);
}

/**
 * Back to idle and the charts redrawn: at once for a finished run; for a stopped one in a task of
 * its own, so the buttons change first.
 */
function endRun(finished = false): void {
  clearTimeout(redrawTimer);
  redrawTimer = undefined;
  state.run = null;
  setRunning(false);
  if (finished) renderResults();
  else
    redrawTimer = setTimeout(() => {
      redrawTimer = undefined;
      renderResults();
    }, 0);
}

function millions(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} k` : n.toFixed(0);
}

function startRun(confirmAbove = CONFIRM_ABOVE_REQUESTS): void {
  check();
  if (state.problems.length > 0 || runner.busy) return;
  showNotice(null);
  const t0 = performance.now();
  const text = editor.text();
  state.name = nameInText(text);
  setRunning(true);
  progress.value = 0;
  say('Starting the simulator…');
  runner.run(
    { file: `${state.name}.yaml`, text, confirmAbove },
    {
      onConfirm: (requests, strategies, replications) => {
        setRunning(false);
        say('');
        el('confirm-text').textContent =
          `This run simulates about ${millions(requests)} requests (${strategies} strategies × ${replications} replication${replications === 1 ? '' : 's'}). ` +
          'In a browser tab that can take minutes and a lot of memory; lbsim run on the command line is faster for runs this large.';
        const dialog = el<HTMLDialogElement>('confirm-dialog');
        dialog.returnValue = '';
        dialog.showModal();
      },
      onInvalid: (problems: InputProblem[]) => {
        setRunning(false);
        setProblems(placeProblems(text, problems));
        say('');
      },
      onStart: (partial, requests, total) => {
        state.run = { partial, t0, requests };
        progress.max = total;
        say(`Simulating ${partial.scenario['strategies'] ? (partial.scenario['strategies'] as unknown[]).length : '?'} strategies, about ${millions(requests)} requests…`);
      },
      onProgress: (done, total) => {
        progress.value = done;
        progress.max = total;
      },
      onResult: (result, index, total) => {
        state.run?.partial.results.push(result);
        say(`Simulating: ${index + 1} of ${total} strategies done (${((performance.now() - t0) / 1000).toFixed(1)} s)…`);
        scheduleRedraw();
      },
      onDone: (results, workerMs) => {
        const requests = state.run?.requests ?? 0;
        state.previous = state.current;
        state.current = results;
        endRun(true);
        const wallMs = performance.now() - t0;
        state.lastRun = { workerMs, wallMs, requests };
        say(`Done in ${(wallMs / 1000).toFixed(1)} s: ${results.results.length} strategies, about ${millions(requests)} requests.`);
      },
      onFailed: (message) => {
        endRun();
        say('');
        showNotice(`The simulator stopped with an error: ${message}`);
      },
      onCrash: (message) => {
        endRun();
        say('');
        showNotice(`The simulator crashed (${message}). The page still works: edit the scenario and run again.`);
      },
    },
  );
}

function cancelRun(): void {
  if (!runner.busy && !state.run) return;
  const t0 = state.run?.t0;
  runner.cancel();
  endRun();
  say(`Cancelled${t0 !== undefined ? ` after ${((performance.now() - t0) / 1000).toFixed(1)} s` : ''}.`);
}

// ---------------------------------------------------------------- results files

function download(): void {
  const r = state.current;
  if (!r) return;
  // Exactly what `lbsim run --json` writes.
  const blob = new Blob([`${JSON.stringify(r, null, 1)}\n`], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${String(r.scenario['name'] ?? state.name)}-results.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

async function loadResults(file: File): Promise<void> {
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch (e) {
    showNotice(`${file.name} is not valid JSON: ${(e as Error).message}`);
    return;
  }
  const problems = checkResultsFile(value, 0);
  if (problems.length > 0) {
    showNotice(`${file.name} is not an lbsim results file:\n${problems.slice(0, 8).join('\n')}`);
    return;
  }
  const results = value as ResultsFile;
  showNotice(null);
  if (state.run) cancelRun();
  state.previous = state.current;
  state.current = results;
  const text = scenarioYaml(results.scenario);
  if (text !== null) loadText(String(results.scenario['name'] ?? 'scenario'), text);
  say(
    `Showing ${file.name}${text === null ? ' (its scenario cannot be written back exactly, so the editor keeps yours)' : '; its scenario is in the editor'}.`,
  );
  renderResults();
}

// ---------------------------------------------------------------- start-up

const runner = new SimRunner(document.getElementById('lbsim-sim-worker')?.textContent ?? '');
runner.crashIdle = (message) => showNotice(`The simulator crashed (${message}). The page still works: a fresh simulator is ready.`);

for (const p of presets) {
  const description = /^description:\s*(.+)$/m.exec(p.text)?.[1]?.replace(/^["']|["']$/g, '') ?? '';
  const o = new Option(p.name, p.name);
  o.title = description;
  presetSelect.append(o);
}
presetSelect.prepend(new Option('(edited)', ''));

performance.mark('lbsim:script');
const editor = createEditor(el('editor'), initialPreset().text, { schema, onChange: scheduleCheck, onRun: () => startRun() });
const form = createQuickForm(el<HTMLFormElement>('quick-form'), { edit: editYaml, strategies: STRATEGIES });
el('quick-form').addEventListener('focusout', (e) => {
  if (!el('quick-form').contains((e as FocusEvent).relatedTarget as Node | null)) setTimeout(check, 0);
});

presetSelect.addEventListener('change', () => {
  const p = presets.find((x) => x.name === presetSelect.value);
  if (p) loadText(p.name, p.text);
});
runButton.addEventListener('click', () => startRun());
cancelButton.addEventListener('click', cancelRun);
el<HTMLDialogElement>('confirm-dialog').addEventListener('close', () => {
  if (el<HTMLDialogElement>('confirm-dialog').returnValue === 'run') startRun(Number.POSITIVE_INFINITY);
});
el('download').addEventListener('click', download);
el<HTMLInputElement>('load-results').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  const f = input.files?.[0];
  input.value = '';
  if (f) void loadResults(f);
});
el('copy-link').addEventListener('click', () => {
  void (async () => {
    await updateFragment();
    try {
      await navigator.clipboard.writeText(location.href);
      say('Link copied: it opens this scenario.');
    } catch {
      say('The address bar holds the link to this scenario: copy it from there.');
    }
  })();
});
window.addEventListener('hashchange', () => void openFromFragment());

/** Opens the scenario in the URL fragment, if there is one; true when it did. */
async function openFromFragment(): Promise<boolean> {
  const payload = fragmentPayload(location.hash);
  if (payload === null) return false;
  try {
    const text = await decodeScenario(payload);
    fragmentText = text;
    if (text !== editor.text()) {
      // The first scenario of the page is not an undoable edit; a link opened later is.
      if (document.body.dataset['ready'] !== 'true') {
        state.name = nameInText(text);
        editor.setText(text, false);
        presetSelect.value = presets.some((p) => p.text === text) ? state.name : '';
      } else loadText(nameInText(text), text);
    }
    return true;
  } catch (e) {
    showNotice(`This link's scenario cannot be opened: ${(e as Error).message}. The default scenario is shown instead.`);
    return false;
  }
}

/** What tests and the devtools console can read. */
interface PlaygroundHandle {
  charts(): ChartInfo[];
  text(): string;
  setText(text: string): void;
  problems(): Problem[];
  results(): ResultsFile | null;
  previous(): ResultsFile | null;
  lastRun(): typeof state.lastRun;
  running(): boolean;
  worker(): Worker | null;
  /** Puts the cursor at a character offset of the text (and focuses the editor). */
  reveal(pos: number): void;
  /** Screen coordinates of a character offset of the text. */
  coords(pos: number): { x: number; y: number } | null;
}

declare global {
  interface Window {
    lbsimPlayground?: PlaygroundHandle;
  }
}

window.lbsimPlayground = {
  charts: () => reportView.charts(),
  text: () => editor.text(),
  setText: (text) => {
    editor.setText(text);
    check();
  },
  problems: () => state.problems,
  results: () => state.current,
  previous: () => state.previous,
  lastRun: () => state.lastRun,
  running: () => state.run !== null || runner.busy,
  worker: () => runner.activeWorker,
  reveal: (pos) => editor.reveal(pos),
  coords: (pos) => {
    const c = editor.view.coordsAtPos(pos);
    return c ? { x: (c.left + c.right) / 2, y: (c.top + c.bottom) / 2 } : null;
  },
};

performance.mark('lbsim:editor');
void (async () => {
  const fromLink = await openFromFragment();
  if (!fromLink) {
    const embedded = embeddedScenario();
    const first = embedded ?? initialPreset();
    state.name = first.name;
    editor.setText(first.text, false);
    presetSelect.value = presets.some((p) => p.name === first.name && p.text === first.text) ? first.name : '';
  }
  check();
  // The page is interactive: the scenario is in the editor, checked, and Run works.
  performance.mark('lbsim:interactive');
  // Then, off the critical path: the simulator compiles in its worker, the address gets the scenario.
  setTimeout(() => runner.warm(), 0);
  await updateFragment();
  document.body.dataset['ready'] = 'true';
})();
