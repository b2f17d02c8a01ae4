/* Streamlit's own English interface strings, in French, in the browser.

   Streamlit 1.67 has no locale option: its front end writes English screen-reader labels (aria-label),
   tooltips (title), placeholders and menus (the table's column menu: « Sort ascending », « Pin
   column »...), and its charts (Vega) English screen-reader roles whatever the chart's specification
   says (aria-roledescription « axis », « rect mark container », a title's « Title text '…' »; the
   descriptions themselves are French in the specification, labo_dash/charts/theme.py).
   labo_dash/ui/french_page.py inlines this script in the page Streamlit serves, after the
   dictionary (streamlit_fr.json, beside this file, read from the <script id="labo-streamlit-fr"> element):
   { "English": "French" }, where each « {} » stands for a part that is kept (« Help for {} » -> « Aide :
   {} »). Only whole values are replaced: an aria-label, title or placeholder attribute, or the whole text
   of a text node (trimmed), outside the app's own markdown. Whatever the front end draws later (a menu
   opened, a page changed) is translated as it appears, by a MutationObserver; the French written back
   is no key of the dictionary, so nothing loops. tests/test_browser_french.py fails on any Streamlit
   English left. */
(() => {
  "use strict";
  const ATTRIBUTES = ["aria-label", "aria-roledescription", "title", "placeholder"];
  // The app's own texts (French already, written as markdown) are never touched...
  const APP_TEXT = "[data-testid='stMarkdownContainer'], script, style, textarea, [contenteditable='true']";
  // ...but a tooltip is written as markdown too, the English of a toolbar button's (« Search ») included:
  // a tooltip's text is translated when it is a whole key of the dictionary (the app's help texts are
  // French sentences, no key).
  const TOOLTIP = "[data-testid='stTooltipContent']";

  const exact = new Map();
  const patterns = [];
  const dictionary = JSON.parse(document.getElementById("labo-streamlit-fr").textContent);
  const escape = text => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const [english, french] of Object.entries(dictionary)) {
    if (english.includes("{}")) {
      // Each « {} » is a part of one character or more, kept in the same order (« {} of {} results »).
      const regex = new RegExp(`^${english.split("{}").map(escape).join("(.+?)")}$`, "s");
      patterns.push({ regex, french });
    } else {
      exact.set(english, french);
    }
  }

  /** The French of `value` (a whole English value), or null when the dictionary does not know it. The
   *  parts the « {} » keep are translated in turn (« day, Période end date » -> « jour, Période : date de
   *  fin »). The first key that matches wins: a longer pattern comes first in the dictionary. */
  function french(value) {
    const key = value.trim();
    if (exact.has(key)) {
      return exact.get(key);
    }
    for (const { regex, french: template } of patterns) {
      const match = key.match(regex);
      if (match) {
        const parts = match.slice(1);
        return template.replace(/\{\}/g, () => {
          const part = parts.shift();
          return french(part) ?? part;
        });
      }
    }
    return null;
  }

  function translateAttribute(element, name) {
    const value = element.getAttribute(name);
    const translated = value && french(value);
    if (translated) {
      element.setAttribute(name, translated);
    }
  }

  function translateText(node) {
    const translated = node.data.trim() && french(node.data);
    const parent = node.parentElement;
    if (translated && (!parent?.closest(APP_TEXT) || parent.closest(TOOLTIP))) {
      node.data = translated;
    }
  }

  function translateTree(root) {
    if (root.nodeType === Node.TEXT_NODE) {
      translateText(root);
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    const selector = ATTRIBUTES.map(name => `[${name}]`).join(", ");
    for (const element of [root, ...root.querySelectorAll(selector)]) {
      for (const name of ATTRIBUTES) {
        translateAttribute(element, name);
      }
    }
    const texts = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (texts.nextNode()) {
      translateText(texts.currentNode);
    }
  }

  new MutationObserver(mutations => {
    for (const mutation of mutations) {
      if (mutation.type === "attributes") {
        translateAttribute(mutation.target, mutation.attributeName);
      } else if (mutation.type === "characterData") {
        translateText(mutation.target);
      } else {
        mutation.addedNodes.forEach(translateTree);
      }
    }
  }).observe(document.documentElement, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES,
  });
})();
