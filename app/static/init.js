import { initAll as govukInitAll } from './govuk-frontend.min.js'
import { initAll as mojInitAll } from './moj-frontend.min.js'
import { initDateShortcuts } from './date-shortcuts.js'

govukInitAll()
mojInitAll()
initDateShortcuts()
