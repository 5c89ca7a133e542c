// Launches the machine's Chromium and Firefox ESR through playwright-core
// (no downloaded browsers).
import { chromium, firefox } from "../../tools/node_modules/playwright-core/index.mjs";

export const BROWSERS = {
  chromium: () => chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  }),
  // The "moz-firefox" channel drives a stock Firefox over WebDriver BiDi.
  firefox: () => firefox.launch({ channel: "moz-firefox", executablePath: "/usr/bin/firefox-esr" }),
};

/** Opens a page and collects its console errors and uncaught exceptions. */
export async function open(browser, url, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  return { page, errors };
}
