// Forms marked data-confirm ask before they are sent: what cannot be undone in a click
// (deleting a finding, locking a certified result).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
