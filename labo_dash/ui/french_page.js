/* Streamlit's own English interface strings, in French, in the browser.

   Streamlit 1.67 has no locale option: its front end writes English screen-reader labels (aria-label),
   tooltips (title), placeholders and menus (the table's column menu: « Sort ascending », « Pin
   column »...), and its charts (Vega) English screen-reader roles whatever the chart's specification
   says (aria-roledescription « axis », « rect mark container », a title's « Title text '…' »; the
   descriptions themselves are French in the specification, labo_dash/charts/theme.py).
   labo_dash/ui/french_page.py inlines this script in the page Streamlit serves, after the
   dictionary (streamlit_fr.json, beside this file, read from the <script id="labo-streamlit-fr"> element):
   { "English": "French" }, where each « {} » stands for a part that is kept (« Help for {} » -> « Aide :
   {} ») and each « {#} » for a number, written the French way (« {#}KB » -> « {#} Ko »: « 28.4KB » ->
   « 28,4 Ko »). A key starting with « [attribute] » applies to that attribute only (« [aria-valuetext]
   Empty » -> « Vide », a date field's empty part, while the « Empty » of a column's statistics is
   « Vides »). Only whole values are replaced: an aria-label, aria-valuetext, title or placeholder
   attribute, or the whole text of a text node (trimmed), outside the app's own markdown. Whatever the
   front end draws later (a menu opened, a page changed) is translated as it appears, by a
   MutationObserver; the French written back is no key of the dictionary, so nothing loops. tests/test_browser_french.py fails on any Streamlit
   English left. */
(() => {
  "use strict";
  const ATTRIBUTES = ["aria-label", "aria-roledescription", "aria-valuetext", "title", "placeholder"];
  // The app's own texts (French already, written as markdown) are never touched...
  const APP_TEXT = "[data-testid='stMarkdownContainer'], script, style, textarea, [contenteditable='true']";
  // ...but a tooltip is written as markdown too, the English of a toolbar button's (« Search ») included:
  // a tooltip's text is translated when it is a whole key of the dictionary (the app's help texts are
  // French sentences, no key).
  const TOOLTIP = "[data-testid='stTooltipContent']";

  // Per scope ("" for every value, else an attribute's name): its exact keys and its patterns.
  const scopes = new Map();
  const dictionary = JSON.parse(document.getElementById("labo-streamlit-fr").textContent);
  const escape = text => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // A kept part: « {} » one character or more; « {#} » a number, 28 or 28.4.
  const PART = /(\{#?\})/;
  for (const [key, french] of Object.entries(dictionary)) {
    const [, scope = "", english] = key.match(/^(?:\[([a-z-]+)\] )?(.*)$/s);
    if (!scopes.has(scope)) {
      scopes.set(scope, { exact: new Map(), patterns: [] });
    }
    const { exact, patterns } = scopes.get(scope);
    if (PART.test(english)) {
      // Each part is kept in the same order (« {} of {} results »).
      const pieces = english.split(PART).map(
        (piece, i) => (i % 2 === 0 ? escape(piece) : piece === "{#}" ? "(\\d+(?:\\.\\d+)?)" : "(.+?)"));
      patterns.push({ regex: new RegExp(`^${pieces.join("")}$`, "s"), french });
    } else {
      exact.set(english, french);
    }
  }

  /** The French of `value` (a whole English value) in `scope` ("" or an attribute's name; the scope's own
   *  keys first, then those of every value), or null when the dictionary does not know it. The parts the
   *  « {} » keep are translated in turn (« day, Période end date » -> « jour, Période : date de fin »),
   *  the « {#} » numbers written with a decimal comma. The first key that matches wins: a longer pattern
   *  comes first in the dictionary. */
  function french(value, scope = "") {
    const key = value.trim();
    for (const name of scope ? [scope, ""] : [""]) {
      const { exact, patterns } = scopes.get(name) ?? { exact: new Map(), patterns: [] };
      if (exact.has(key)) {
        return exact.get(key);
      }
      for (const { regex, french: template } of patterns) {
        const match = key.match(regex);
        if (match) {
          const parts = match.slice(1);
          return template.replace(/\{#?\}/g, kind => {
            const part = parts.shift();
            return kind === "{#}" ? part.replace(".", ",") : french(part) ?? part;
          });
        }
      }
    }
    return null;
  }

  function translateAttribute(element, name) {
    const value = element.getAttribute(name);
    const translated = value && french(value, name);
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
