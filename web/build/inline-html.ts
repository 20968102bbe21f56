/**
 * Vite plugin: moves the emitted JS chunk and CSS into `index.html`, so the page is ONE
 * self-contained file. Pages opened from `file://` cannot load module scripts (Chrome refuses
 * them), so the build emits one classic IIFE bundle and this plugin puts it back as an inline
 * classic `<script>` at the end of `<body>`; a `type="module"` script left behind fails the build.
 */
import type { Plugin } from 'vite';

/** Script text safe inside an inline `<script>`: breaks any `</script` sequence and `<!--`. */
export function escapeInlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Inlines the emitted JS chunk and CSS asset into index.html and drops them from the output. */
export function inlineIntoHtml(): Plugin {
  return {
    name: 'lbsim-inline-into-html',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = Object.values(bundle).find((f) => f.type === 'asset' && f.fileName.endsWith('.html'));
      if (!html || html.type !== 'asset') throw new Error('lbsim: no index.html in the bundle');
      let text = typeof html.source === 'string' ? html.source : new TextDecoder().decode(html.source);
      const scripts: string[] = [];
      for (const [name, file] of Object.entries(bundle)) {
        if (file.type === 'chunk') {
          // Drop the module script tag vite wrote; the code goes back in as one classic inline script.
          const tag = new RegExp(`<script[^>]*src="[^"]*${escapeRe(file.fileName)}"[^>]*></script>\\s*`);
          text = text.replace(tag, '');
          scripts.push(file.code);
          delete bundle[name];
        } else if (file.fileName.endsWith('.css')) {
          const tag = new RegExp(`<link[^>]*href="[^"]*${escapeRe(file.fileName)}"[^>]*>`);
          const css = typeof file.source === 'string' ? file.source : new TextDecoder().decode(file.source);
          text = text.replace(tag, () => `<style>\n${css.replace(/<\/(style)/gi, '<\\/$1')}</style>`);
          delete bundle[name];
        }
      }
      if (scripts.length !== 1) throw new Error(`lbsim: expected one JS chunk, got ${scripts.length}`);
      const inline = `<script>\n${escapeInlineScript(scripts[0] ?? '')}</script>\n`;
      // At the end of <body>: a classic inline script runs at once, so the DOM must already exist.
      text = text.replace(/<\/body>/i, () => `${inline}</body>`);
      if (/type="module"/.test(text)) throw new Error('lbsim: a module script is left in index.html');
      html.source = text;
    },
  };
}
