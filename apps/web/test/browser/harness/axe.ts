import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AxeResults } from "axe-core";
import type { Page } from "playwright-core";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * The WCAG 2.1 A and AA violations axe-core finds on the page as it is now (colour contrast
 * included), one line each, for `expect(...).toEqual([])`.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  const results = await page.evaluate<AxeResults>(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })",
  );
  return results.violations.flatMap((violation) =>
    violation.nodes.map((node) => `${violation.id} (${violation.impact ?? "?"}): ${node.target.join(" ")}: ${node.failureSummary ?? violation.help}`),
  );
}

/** The rules whose outcome a control's hover or focus style can change: text against its background. */
const STATE_RULES = ["color-contrast", "link-in-text-block"];

/** Marks one control of each kind (tag, classes, pressed/expanded/current/selected state) on the page; resolves with their descriptions. */
async function markControlKinds(page: Page): Promise<string[]> {
  return await page.evaluate(() => {
    const selector = "button, a[href], input:not([type=hidden]), textarea, select, summary, [role=button], [role=tab], [role=link], [tabindex]:not([tabindex='-1'])";
    const kinds = new Map<string, Element>();
    // Under a modal dialog, the page is inert without an inert attribute.
    const modal = document.querySelector("dialog:modal");
    for (const element of document.querySelectorAll(selector)) {
      const visible = element.getClientRects().length > 0 && getComputedStyle(element).visibility !== "hidden";
      const inert = element.closest("[inert]") !== null || (modal !== null && !modal.contains(element));
      if (!visible || inert || element.matches(":disabled")) continue;
      const state = ["aria-pressed", "aria-expanded", "aria-current", "aria-selected"].map((name) => element.getAttribute(name) ?? "").join("/");
      const kind = `${element.tagName.toLowerCase()}.${[...element.classList].sort().join(".")}[${state}]`;
      if (!kinds.has(kind)) kinds.set(kind, element);
    }
    return [...kinds].map(([kind, element], index) => {
      element.setAttribute("data-axe-state-probe", String(index));
      return kind;
    });
  });
}

async function stateViolations(page: Page, state: string): Promise<string[]> {
  const results = await page.evaluate<AxeResults>(`axe.run(document, { runOnly: { type: 'rule', values: ${JSON.stringify(STATE_RULES)} } })`);
  return results.violations.flatMap((violation) =>
    violation.nodes.map((node) => `${state}: ${violation.id} (${violation.impact ?? "?"}): ${node.target.join(" ")}: ${node.failureSummary ?? violation.help}`),
  );
}

/**
 * {@link accessibilityViolations} for the page as it is, then the contrast rules again with one
 * control of each kind hovered by the mouse, and then focused from the keyboard (so
 * `:focus-visible` applies), in turn: a hover or focus colour that hides a label shows here.
 * Each line names the state it was found in. Leaves the mouse in the corner and nothing focused.
 */
export async function accessibilityViolationsInStates(page: Page): Promise<string[]> {
  const found = await accessibilityViolations(page);
  const kinds = await markControlKinds(page);
  try {
    for (const [index, kind] of kinds.entries()) {
      const control = page.locator(`[data-axe-state-probe="${String(index)}"]`);
      // A control covered by another (a panel over the page) cannot be hovered: the one on top is checked instead.
      const hovered = await control.hover({ timeout: 2_000 }).then(
        () => true,
        () => false,
      );
      if (hovered) found.push(...(await stateViolations(page, `hover ${kind}`)));
      await page.mouse.move(0, 0);
      // A key press first: Chromium then treats the focus as keyboard focus and matches :focus-visible.
      await page.keyboard.press("Shift");
      const focusVisible = await control.evaluate((element) => {
        (element as HTMLElement).focus();
        return element.matches(":focus-visible");
      });
      // Were it not, the focus styles would go unchecked.
      if (!focusVisible) found.push(`focus ${kind}: could not be given keyboard focus (:focus-visible)`);
      found.push(...(await stateViolations(page, `focus ${kind}`)));
      await control.evaluate((element) => {
        (element as HTMLElement).blur();
      });
    }
  } finally {
    await page.evaluate(() => {
      for (const element of document.querySelectorAll("[data-axe-state-probe]")) element.removeAttribute("data-axe-state-probe");
    });
  }
  return found;
}
