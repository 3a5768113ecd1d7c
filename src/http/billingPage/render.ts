import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Eta } from 'eta';
import { themeFor } from './theme';

const TEMPLATES = join(__dirname, 'templates');
const ASSETS = join(__dirname, 'assets');

export interface LayoutInput {
  lang: string;
  title: string;
  back: { url: string; label: string } | null;
}

export type PageTemplate = 'page' | 'activity' | 'message';

export interface PageRenderer {
  render(template: PageTemplate, layout: LayoutInput, data: Record<string, unknown>): string;
  /** The body of a 303: a link for clients that do not follow redirects. */
  redirect(url: string, label: string): string;
  /** Hash-sources of the page's one style element and one script: no inline code runs unless it is exactly ours. */
  styleHash: string;
  scriptHash: string;
}

function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The page's templates (Eta, which escapes every `<%= %>`), its stylesheet with the operator's accent, and its
 * small script. Read once at start-up: the CSP hashes are computed from exactly the bytes every page carries.
 */
export function createPageRenderer(settings: { brandName: string | null; accent: string | null }): PageRenderer {
  const eta = new Eta({ views: TEMPLATES, cache: true, autoEscape: true });
  const theme = themeFor(settings.accent);
  // The theme is three validated #rrggbb values: nothing an operator types reaches the stylesheet as text.
  const style = `:root{--accent:${theme.accent};--on-accent:${theme.onAccent};--accent-text:${theme.accentText}}\n${readFileSync(join(ASSETS, 'page.css'), 'utf8')}`;
  const script = readFileSync(join(ASSETS, 'page.js'), 'utf8');
  const brand = settings.brandName ?? 'Billing';
  return {
    render(template, layout, data) {
      return eta.render(`./${template}`, { ...data, layout: { ...layout, brand, style, script } });
    },
    redirect(url, label) {
      return eta.render('./redirect', { url, label });
    },
    styleHash: sha256Source(style),
    scriptHash: sha256Source(script),
  };
}
