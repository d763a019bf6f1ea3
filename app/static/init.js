import { initAll as govukInitAll } from './govuk-frontend.min.js'
import { initAll as mojInitAll } from './moj-frontend.min.js'
import { initDateShortcuts } from './date-shortcuts.js'
import { initRadiosAria } from './radios-aria.js'

govukInitAll()
mojInitAll()
initRadiosAria()
initDateShortcuts()
