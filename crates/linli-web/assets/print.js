// Print buttons (`data-print`): the pages' Content-Security-Policy allows no inline handlers.
document.querySelectorAll('[data-print]').forEach((b) => {
  b.addEventListener('click', () => window.print());
});
