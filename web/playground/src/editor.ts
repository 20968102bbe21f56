/**
 * The scenario editor: CodeMirror 6 with YAML highlighting (@codemirror/lang-yaml), the CLI's
 * validation problems as diagnostics at their lines (@codemirror/lint, set by the page), and hover
 * help and completion read from the scenario's JSON Schema (`schema-nav.ts`): keys of the mapping
 * under the cursor with their descriptions, and the values a field takes from a fixed set
 * (arrival processes, distributions, strategy names with their one-line descriptions).
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, defaultHighlightStyle, foldGutter, foldKeymap, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { EditorState, Transaction, type Extension } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  hoverTooltip,
  keymap,
  lineNumbers,
  type Tooltip,
} from '@codemirror/view';
import type { Problem } from './check.js';
import { defaultOf, descriptionOf, keyOptions, schemasAt, typeSummary, valueOptions, type Schema } from './schema-nav.js';
import { contextAt, locateAt, yamlTree, type FieldPath } from './yaml-paths.js';

/** Options of {@link createEditor}. */
export interface EditorOptions {
  /** The scenario's JSON Schema. */
  schema: Schema;
  /** Called after every change of the text. */
  onChange: () => void;
  /** Ctrl/Cmd-Enter. */
  onRun: () => void;
}

/** The editor as the page uses it. */
export interface ScenarioEditor {
  view: EditorView;
  text(): string;
  /** Replaces the text (one change that touches only what differs; undoable unless `undoable` is false). */
  setText(text: string, undoable?: boolean): void;
  /** Shows `problems` as diagnostics (underline, gutter marker, message on hover). */
  setProblems(problems: readonly Problem[]): void;
  /** Puts the cursor at `pos` and scrolls it into view. */
  reveal(pos: number): void;
}

function formatPath(path: FieldPath): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out === '' ? k : `.${k}`;
  return out;
}

/** Parsed tree of the current text, cached by document (hover is called on every mouse rest). */
function treeCache(): (state: EditorState) => { tree: ReturnType<typeof yamlTree>; value: unknown } {
  let last: EditorState['doc'] | null = null;
  let cached: { tree: ReturnType<typeof yamlTree>; value: unknown } | null = null;
  return (state) => {
    if (cached && last === state.doc) return cached;
    const tree = yamlTree(state.doc.toString());
    let value: unknown = null;
    try {
      value = tree.toJS({ maxAliasCount: 100 });
    } catch {
      value = null;
    }
    last = state.doc;
    cached = { tree, value };
    return cached;
  };
}

function helpDom(title: string, lines: readonly (string | undefined)[]): HTMLElement {
  const box = document.createElement('div');
  box.className = 'pg-help';
  const h = document.createElement('div');
  h.className = 'pg-help-title';
  h.textContent = title;
  box.append(h);
  for (const line of lines) {
    if (!line) continue;
    const p = document.createElement('div');
    p.textContent = line;
    box.append(p);
  }
  return box;
}

function schemaHover(schema: Schema): Extension {
  const tree = treeCache();
  return hoverTooltip((view, pos): Tooltip | null => {
    const { tree: doc, value } = tree(view.state);
    const at = locateAt(doc, pos);
    if (!at || at.path.length === 0) return null;
    const alts = schemasAt(schema, at.path, value);
    if (alts.length === 0) return null;
    const lines: (string | undefined)[] = [descriptionOf(alts), `type: ${typeSummary(alts)}`];
    const def = defaultOf(alts);
    if (def !== undefined) lines.push(`default: ${def}`);
    if (at.on === 'value') {
      const current = view.state.sliceDoc(at.from, at.to);
      const option = valueOptions(schema, at.path, value).find((o) => o.label === current);
      if (option?.description) lines.push(`${current}: ${option.description}`);
    }
    return {
      pos: at.from,
      end: at.to,
      above: true,
      create: () => ({ dom: helpDom(formatPath(at.path), lines) }),
    };
  });
}

function schemaCompletion(schema: Schema) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const text = ctx.state.doc.toString();
    const c = contextAt(text, ctx.pos);
    if (!c) return null;
    if (!ctx.explicit && c.prefix === '') {
      // Unasked, only right after "key: " or "- ", where a value or key is clearly expected next.
      const before = text.slice(Math.max(0, ctx.pos - 2), ctx.pos);
      if (!/(: |- )$/.test(before)) return null;
    }
    let options: Completion[] = [];
    if (c.on === 'value') {
      options = valueOptions(schema, c.path, c.value).map((o) => ({ label: o.label, type: 'enum', info: o.description }));
    }
    if (options.length === 0) {
      // A key of this mapping, or (after "- " in a list of mappings) a key of the new item.
      const alts = c.on === 'key' ? [] : schemasAt(schema, c.path, c.value);
      const objectItem = c.on === 'value' && alts.some((a) => a['type'] === 'object');
      if (c.on === 'key' || objectItem) {
        options = keyOptions(schema, c.path, c.value).map((k) => ({
          label: k.key,
          type: 'property',
          detail: k.type,
          info: k.description,
          apply: `${k.key}: `,
        }));
      }
    }
    if (options.length === 0) return null;
    return { from: c.from, options, validFor: /^[A-Za-z0-9_.-]*$/ };
  };
}

const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '13.5px', backgroundColor: '#fff' },
  '.cm-scroller': { fontFamily: "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace", lineHeight: '1.5' },
  '.cm-gutters': { backgroundColor: '#f3f3f6', borderRight: '1px solid #d9d9de' },
  '.cm-tooltip.cm-tooltip-hover': { maxWidth: '28rem' },
});

/** Creates the editor in `parent` with `text`. */
export function createEditor(parent: HTMLElement, text: string, opts: EditorOptions): ScenarioEditor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        foldGutter(),
        lintGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        yaml(),
        EditorState.tabSize.of(2),
        autocompletion({ override: [schemaCompletion(opts.schema)] }),
        schemaHover(opts.schema),
        keymap.of([
          { key: 'Mod-Enter', run: () => (opts.onRun(), true) },
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...searchKeymap,
          ...historyKeymap,
          ...foldKeymap,
          ...completionKeymap,
          indentWithTab,
        ]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) opts.onChange();
        }),
        theme,
        EditorView.contentAttributes.of({ 'aria-label': 'Scenario (YAML)' }),
      ],
    }),
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(next, undoable = true) {
      const cur = view.state.doc.toString();
      if (cur === next) return;
      let a = 0;
      while (a < cur.length && a < next.length && cur.charCodeAt(a) === next.charCodeAt(a)) a++;
      let b = 0;
      while (b < cur.length - a && b < next.length - a && cur.charCodeAt(cur.length - 1 - b) === next.charCodeAt(next.length - 1 - b)) b++;
      view.dispatch({
        changes: { from: a, to: cur.length - b, insert: next.slice(a, next.length - b) },
        ...(undoable ? {} : { annotations: Transaction.addToHistory.of(false) }),
      });
    },
    setProblems(problems) {
      const len = view.state.doc.length;
      const diagnostics: Diagnostic[] = problems.map((p) => ({
        from: Math.min(p.from, len),
        to: Math.min(Math.max(p.to, p.from), len),
        severity: 'error',
        message: p.text,
      }));
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    reveal(pos) {
      view.dispatch({ selection: { anchor: Math.min(pos, view.state.doc.length) }, scrollIntoView: true });
      view.focus();
    },
  };
}

