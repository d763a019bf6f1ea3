// GOV.UK Frontend's conditional reveal sets aria-expanded on each radio that controls a
// revealed question. ARIA does not allow aria-expanded on a radio (axe: aria-allowed-attr;
// alphagov/govuk-frontend#979, a known issue), so this takes it off again whenever it is
// set, keeping the pattern: aria-controls stays, and the revealed question follows its
// answer in the reading order, where a screen reader reaches it next.
const SELECTOR = 'input[type="radio"][aria-expanded]'

function strip (root) {
  root.querySelectorAll(SELECTOR).forEach((radio) => radio.removeAttribute('aria-expanded'))
}

export function initRadiosAria (root = document) {
  strip(root)
  new MutationObserver((changes) => {
    changes.forEach(({ target }) => {
      if (target.matches && target.matches(SELECTOR)) target.removeAttribute('aria-expanded')
    })
  }).observe(root, { attributes: true, attributeFilter: ['aria-expanded'], subtree: true })
}
