// "Today" and "Yesterday" beside a GOV.UK date input. Without scripts each is a link that
// reloads the form with that date filled in; with them, a click fills the three fields
// in place (keeping whatever else was typed) and moves the focus to the day field.
export function initDateShortcuts (root = document) {
  root.querySelectorAll('a[data-date-shortcut]').forEach((link) => {
    link.addEventListener('click', (event) => {
      const name = link.dataset.dateShortcut
      const fields = ['day', 'month', 'year'].map((part) => document.getElementById(`${name}-${part}`))
      if (fields.some((field) => !field)) return
      event.preventDefault()
      fields[0].value = link.dataset.day
      fields[1].value = link.dataset.month
      fields[2].value = link.dataset.year
      fields[0].focus()
    })
  })
}
