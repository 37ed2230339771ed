// Starts GOV.UK Frontend's components (character counts, error summaries, header menu).
import { initAll } from '../dist/js/govuk-frontend.min.js'

initAll()
