// Styles computed on the server (a shift bar's place on the board, a zone's colour, a
// unit's depth in the tree), without inline style="…", which the Content-Security-
// Policy forbids. An element states each value in its own attribute:
//   data-css-left="12.5%"      → style.left = 12.5%
//   data-css-var-zone="#2563eb" → the custom property --zone
// and this script sets them through the CSSOM (which the policy allows), one property
// per attribute, so a value can never carry another property with it. Loaded at the
// end of <body>, before the first paint; it also styles elements added later (a list
// a page's script re-renders).
(function () {
  "use strict";
  const PREFIX = "data-css-";

  function propertyOf(attribute) {
    const name = attribute.slice(PREFIX.length);
    return name.startsWith("var-") ? "--" + name.slice(4) : name;
  }

  function styleElement(element) {
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith(PREFIX)) {
        element.style.setProperty(propertyOf(attribute.name), attribute.value);
      }
    }
  }

  function styleWithin(root) {
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    styleElement(root);
    root.querySelectorAll("*").forEach((element) => {
      if (element.attributes.length && element.getAttributeNames().some((name) => name.startsWith(PREFIX))) {
        styleElement(element);
      }
    });
  }

  styleWithin(document.body);
  new MutationObserver((changes) => {
    changes.forEach((change) => change.addedNodes.forEach(styleWithin));
  }).observe(document.body, { childList: true, subtree: true });
})();
